"""Fixtures of the export tests: a private export folder, a private demo MAS company, helpers."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from batches import services, writer
from batches.models import LIVE_STATUSES, BatchLine, BatchStatus, ExportBatch, ImporterClient
from batches.reconcile import reconcile
from demo.importer import delete_batch, import_from_folder
from transactions.models import Transaction, TransactionStatus
from tests.factories import TransactionFactory
from kernel.tokens import make_token


@pytest.fixture(autouse=True)
def _every_test_exports_to_its_own_folder(export_dir):
    return export_dir


@pytest.fixture
def company(own_mas_company):
    """MAS for this test: the demo company, a copy of its own (the importer writes to it)."""
    return own_mas_company


@pytest.fixture
def unreachable_share(tmp_path, settings):
    """The export folder cannot be reached: it sits under a file, so it can be neither made nor listed."""
    gone = tmp_path / "share"
    gone.write_text("not a folder")
    settings.WOSCAN_EXPORT_DIR = gone / "export"
    return settings.WOSCAN_EXPORT_DIR


@pytest.fixture
def run_export(django_capture_on_commit_callbacks):
    """Export through the service, running what it leaves for after the commit as production does
    (by the schedule's actor unless a test says who)."""

    def _export(*args, **kwargs):
        kwargs.setdefault("by", services.SCHEDULE)
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.export_transactions(*args, **kwargs)
        if outcome.batch is not None:
            outcome.batch.refresh_from_db()
            outcome.written = outcome.batch.status == BatchStatus.EXPORTED
        return outcome

    return _export


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then its on-commit work (pages and services that export)."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def approved(db):
    """A mix of approved lines of several types (hours by value and by start/stop)."""
    now = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    return [
        TransactionFactory(status="approved", work_order="0001042", step="0010", hours=Decimal("2.500"),
                           qty_completed=Decimal("4"), step_complete=True, collected_at=now - timedelta(hours=3)),
        TransactionFactory(status="approved", work_order="0001042", step="0020", hours=None,
                           start=now - timedelta(hours=2), stop=now - timedelta(minutes=45),
                           collected_at=now - timedelta(hours=2), comment='said "ok", then left'),
        TransactionFactory(status="approved", type="material_issue", work_order="0001042", step="", employee="",
                           hours=None, item_code="PKG-FOAM-CRN", warehouse="000", quantity=Decimal("12.5"),
                           collected_at=now - timedelta(hours=1)),
        TransactionFactory(status="approved", type="completion", work_order="0001042", step="", employee="",
                           hours=None, qty_completed=Decimal("3"), close_order=False, collected_at=now),
    ]


@pytest.fixture
def importer(db):
    """An importer client and the Authorization header of its token."""
    token = make_token()
    client = ImporterClient.objects.create(name="WOScan Sync ABC", token_prefix=token.prefix, token_hash=token.digest)
    return client, {"HTTP_AUTHORIZATION": f"Token {token.token}"}


@pytest.fixture
def exported(run_export, approved):
    return run_export().batch


@pytest.fixture
def deleted_in_mas(exported, export_dir, company):
    """Batch 1, imported into MAS, then deleted from Transaction Entry; the pull saw it."""
    assert import_from_folder(company, export_dir, 1).status == "imported"
    reconcile()
    delete_batch(company, 1)
    reconcile()
    exported.refresh_from_db()
    assert exported.status == BatchStatus.DELETED_IN_MAS
    return exported


@pytest.fixture
def share_refuses_moves(export_dir):
    """The share lets nothing be moved into retired/ (a file stands where the folder would be)."""
    blocker = export_dir / writer.RETIRED_DIR
    blocker.write_text("not a folder")
    return blocker


class Crash(Exception):
    """Stands for the process dying at that point."""


@pytest.fixture
def dies_after_the_control_file(monkeypatch):
    """The export's process dies right after renaming the control file, before the batch is
    marked written; undone by ``monkeypatch.undo()`` (the next run lives)."""
    original = writer.publish

    def rename_then_die(*args, **kwargs):
        original(*args, **kwargs)
        raise Crash("killed after the rename")

    monkeypatch.setattr(writer, "publish", rename_then_die)


def mas_rows(company, sql, *params):
    with closing(sqlite3.connect(company)) as con:
        return con.execute(sql, params).fetchall()


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))


def assert_exactly_once(export_dir) -> None:
    """Every exported line is in exactly one live batch, no approved line is in one, and the
    files in the folder agree with the database."""
    exported = set(Transaction.objects.filter(status=TransactionStatus.EXPORTED).values_list("pk", flat=True))
    approved = set(Transaction.objects.filter(status=TransactionStatus.APPROVED).values_list("pk", flat=True))
    live = list(BatchLine.objects.filter(live=True).values_list("transaction_id", "batch__status"))
    live_ids = [t for t, _ in live]
    assert len(live_ids) == len(set(live_ids)), "a line is in two live batches"
    assert set(live_ids) == exported, "exported lines and live batch lines differ"
    assert not approved & set(live_ids), "an approved line is in a live batch"
    assert all(status in LIVE_STATUSES for _, status in live)
    for batch in ExportBatch.objects.all():
        ctl = writer.ctl_path(batch, export_dir)
        if batch.status in (BatchStatus.EXPORTED, BatchStatus.IMPORTED, BatchStatus.POSTED):
            assert writer.file_problem(batch, export_dir) is None
            rows = read_csv(writer.csv_path(batch, export_dir))
            in_file = {int(r["PortalTxnId"]) for r in rows}
            assert in_file == set(batch.batch_lines.values_list("transaction_id", flat=True))
            assert json.loads(ctl.read_text())["lines"] == batch.lines == len(rows)
    # A control file (what makes a batch ready for the importer) only ever stands beside a
    # complete CSV of a batch the database holds — even when a crash came before it was marked.
    known = {b.file_stem: b for b in ExportBatch.objects.all()}
    for ctl in export_dir.glob("WOS*.ctl"):
        assert ctl.stem in known, f"{ctl.name} has no batch in the database"
        assert writer.file_problem(known[ctl.stem], export_dir) is None


@pytest.fixture
def no_pause(db):
    """Time Between Syncs 0, for tests that pull: tests never sleep."""
    from syncconfig.models import ServerConfig

    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
