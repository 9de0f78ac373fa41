"""A batch reaches the folder once: the export's process is killed (``os._exit``) at each point
of the writer's sequence; a folder-only importer — WOScan Sync, which takes every ready batch
and moves its files away — runs between the crash and the recovery, and again after it. Every
approved line is imported exactly once, and no temporary file of the portal's is left."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from batches.models import BatchLine, BatchStatus, ExportBatch
from demo.importer import import_batch, ready_batches
from transactions.models import Transaction, TransactionStatus
from tests.batches.conftest import mas_rows

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

CHILD = """
import os, sys, tempfile
import django
django.setup()
from batches import services, writer
from transactions.lifecycle import Actor

def die(*args, **kwargs):
    os._exit(9)

def after(function):
    def run_then_die(*args, **kwargs):
        function(*args, **kwargs)
        os._exit(9)
    return run_then_die

point = sys.argv[1]
if point == "before_the_commit":
    services.lifecycle.record_created = die  # the batch's own audit row, the export's last write
elif point == "during_the_staged_csv":  # the CSV written from the claimed lines, before the commit
    write = writer.StagedCsv._write
    def first_chunk_then_die(self):
        write(self)
        os._exit(9)
    writer.StagedCsv._write = first_chunk_then_die
elif point == "before_the_csv":  # committed; the staged CSV not yet in place
    writer.place_staged = die
    writer.write_csv = die
elif point == "during_the_csv":  # the CSV written again from the database (no staged one)
    writer.StagedCsv.close = lambda self: self.discard()
    chunks = writer._csv_chunks
    def first_chunk_then_die(batch):
        for chunk in chunks(batch):
            yield chunk
            os._exit(9)
    writer._csv_chunks = first_chunk_then_die
elif point == "after_the_csv":
    writer.stage_ctl = die
elif point == "during_the_control_file":
    stage = writer._stage
    def half_a_control_file(path, chunks):
        if path.suffix != ".ctl":
            return stage(path, chunks)
        fd, _tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.write(fd, b'{"batch": ')
        os._exit(9)
    writer._stage = half_a_control_file
elif point == "after_staging_the_control_file":
    services._mark_publishing = die
elif point == "before_the_rename":
    writer.publish = die
elif point == "right_after_the_rename":
    writer.publish = after(writer.publish)
elif point == "after_marking_it_exported":
    services.finish_batch = after(services.finish_batch)
services.export_transactions(by=Actor.system("doomed export"))
"""

POINTS = [
    "before_the_commit", "during_the_staged_csv", "before_the_csv", "during_the_csv", "after_the_csv", "during_the_control_file",
    "after_staging_the_control_file", "before_the_rename", "right_after_the_rename", "after_marking_it_exported",
]


class FolderImporter:
    """WOScan Sync reading the folder: imports every batch whose control file exists and matches,
    then moves both files away (its archive). ``taken`` counts each portal line it imported."""

    def __init__(self, company, folder: Path, archive: Path):
        self.company, self.folder, self.archive = company, folder, archive
        self.taken: Counter[int] = Counter()

    def run(self) -> list[int]:
        imported = []
        for number in ready_batches(self.folder):
            ctl, data = (self.folder / f"WOS{number:06d}{suffix}" for suffix in (".ctl", ".csv"))
            result = import_batch(self.company, data.read_bytes(), ctl.read_bytes())
            if result.status == "refused":
                continue
            rows = data.read_text("utf-8").splitlines()[1:]
            self.taken.update(int(row.split(",")[2]) for row in rows)
            self.archive.mkdir(exist_ok=True)
            for path in (ctl, data):
                shutil.move(path, self.archive / f"{path.name}.{len(self.taken)}")
            imported.append(number)
        return imported


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_export_reaches_the_folder_once_whatever_the_moment(
    approved, export_dir, company, subprocess_env, tmp_path, point
):
    env = {**subprocess_env, "WOSCAN_EXPORT_DIR": str(export_dir), "LOG_LEVEL": "CRITICAL"}
    importer = FolderImporter(company, export_dir, tmp_path / "archive")

    child = subprocess.run([sys.executable, "-c", CHILD, point], cwd=ROOT, env=env, capture_output=True, timeout=120)

    assert child.returncode == 9, child.stderr.decode()
    importer.run()  # WOScan Sync comes by before the portal's next run
    call_command("export_batches", "--all")  # the next run: recovery, then whatever is still approved
    importer.run()
    call_command("export_batches", "--recover")  # and once more: nothing is offered again
    importer.run()

    ids = {t.pk for t in approved}
    assert importer.taken == Counter(dict.fromkeys(ids, 1)), "a line was offered to MAS twice, or never"
    in_mas = Counter(line for (line,) in mas_rows(company, "SELECT TransactionNo FROM WO_TransactionEntryHeader"))
    assert sum(in_mas.values()) == len(ids)
    assert not list(export_dir.glob(".*.tmp")), "a temporary file of the portal's was left in the share"
    assert set(Transaction.objects.values_list("status", flat=True)) == {TransactionStatus.EXPORTED}
    assert set(ExportBatch.objects.values_list("status", flat=True)) == {BatchStatus.EXPORTED}
    assert sorted(BatchLine.objects.values_list("transaction_id", flat=True)) == sorted(ids)
    assert not ExportBatch.objects.exclude(publishing="").exists()


def test_recovery_finishes_a_staged_control_file_without_writing_the_csv_again(
    approved, export_dir, company, subprocess_env
):
    env = {**subprocess_env, "WOSCAN_EXPORT_DIR": str(export_dir), "LOG_LEVEL": "CRITICAL"}
    subprocess.run([sys.executable, "-c", CHILD, "before_the_rename"], cwd=ROOT, env=env, timeout=120)
    batch = ExportBatch.objects.get()
    staged = export_dir / batch.publishing
    assert batch.status == BatchStatus.WRITING and staged.is_file() and batch.sha256
    csv_written = (export_dir / "WOS000001.csv").stat().st_mtime_ns

    call_command("export_batches", "--recover")

    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED and batch.publishing == "" and not staged.exists()
    assert (export_dir / "WOS000001.csv").stat().st_mtime_ns == csv_written
    assert json.loads((export_dir / "WOS000001.ctl").read_text())["sha256"] == batch.sha256
