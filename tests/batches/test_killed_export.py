"""The export process really dies (``os._exit``) at each crash point; a re-run finishes the job."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from batches.models import BatchStatus, ExportBatch
from transactions.models import Transaction
from tests.batches.conftest import assert_exactly_once

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

CHILD = """
import os, sys
import django
django.setup()
from batches import services, writer
from transactions.lifecycle import Actor

def die(*args, **kwargs):
    os._exit(9)

point = sys.argv[1]
if point == "before_commit":
    services.lifecycle.record_created = die  # the batch's own audit row, the export's last write
elif point == "before_the_file":  # committed; the CSV staged from the claimed lines not yet in place
    writer.place_staged = die
    writer.write_csv = die
elif point == "between_file_and_control":
    writer.stage_ctl = die
elif point == "after_both_files":
    original = writer.publish
    def rename_then_die(*args, **kwargs):
        original(*args, **kwargs)
        os._exit(9)
    writer.publish = rename_then_die
services.export_transactions(by=Actor.system("doomed export"))
"""


@pytest.mark.parametrize(
    ("point", "left"),
    [
        ("before_commit", None),
        ("before_the_file", BatchStatus.WRITING),
        ("between_file_and_control", BatchStatus.WRITING),
        ("after_both_files", BatchStatus.WRITING),
    ],
)
def test_a_killed_export_loses_no_line_and_the_next_run_finishes_it(
    approved, export_dir, subprocess_env, point, left
):
    env = {**subprocess_env, "WOSCAN_EXPORT_DIR": str(export_dir), "LOG_LEVEL": "ERROR"}

    child = subprocess.run([sys.executable, "-c", CHILD, point], cwd=ROOT, env=env, capture_output=True, timeout=120)

    assert child.returncode == 9, child.stderr.decode()
    assert list(ExportBatch.objects.values_list("status", flat=True)) == ([left] if left else [])
    expected = {"approved"} if left is None else {"exported"}
    assert set(Transaction.objects.values_list("status", flat=True)) == expected
    assert_exactly_once(export_dir)

    call_command("export_batches", "--all")

    batch = ExportBatch.objects.get()
    assert batch.status == BatchStatus.EXPORTED and batch.lines == len(approved)
    assert set(Transaction.objects.values_list("status", flat=True)) == {"exported"}
    assert_exactly_once(export_dir)
