"""Exporting approved lines as batches: the file contract, exactly once, and the crash points."""
from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from batches import services, tasks, writer
from batches.models import BatchLine, BatchStatus, ExportBatch
from demo.importer import import_from_folder
from transactions.models import Transaction
from tests.batches.conftest import Crash, assert_exactly_once, read_csv
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def crash(*args, **kwargs):
    raise Crash("killed here")


def test_it_writes_the_csv_and_then_the_control_file_of_section_6(run_export, approved, export_dir, supervisor):
    outcome = run_export(by=supervisor)

    batch = outcome.batch
    assert outcome.written and batch.number == 1 and batch.status == BatchStatus.EXPORTED
    rows = read_csv(export_dir / "WOS000001.csv")
    assert (export_dir / "WOS000001.csv").read_text().splitlines()[0] == ",".join(writer.CSV_COLUMNS)
    assert [r["LineNo"] for r in rows] == ["1", "2", "3", "4"]
    labor, timed, material, completion = rows
    assert labor["BatchNo"] == "000001" and labor["PortalTxnId"] == str(approved[0].pk)
    assert labor["TransType"] == "labor" and labor["Hours"] == "2.500" and labor["QtyCompleted"] == "4.0000"
    assert labor["StepComplete"] == "Y" and labor["CloseOrder"] == "" and len(labor["TransDate"]) == 10
    assert timed["Hours"] == "1.250" and len(timed["StartTime"]) == 5 and timed["Comment"] == 'said "ok", then left'
    assert material["TransType"] == "material_issue" and material["Quantity"] == "12.5000" and material["Hours"] == ""
    assert completion["QtyCompleted"] == "3.0000" and completion["CloseOrder"] == "N"
    ctl = json.loads((export_dir / "WOS000001.ctl").read_text())
    assert ctl == {
        "batch": 1, "lines": 4, "total_hours": 3.75, "total_quantity": 19.5,
        "sha256": writer.sha256_of(export_dir / "WOS000001.csv"), "created_at": ctl["created_at"],
    }
    assert batch.sha256 == ctl["sha256"] and batch.total_hours == Decimal("3.750")
    assert not list(export_dir.glob(".*.tmp"))


def test_exported_lines_are_locked_and_audited_one_row_per_line(run_export, approved, supervisor):
    batch = run_export(by=supervisor).batch

    for txn in approved:
        txn.refresh_from_db()
        assert txn.status == "exported" and txn.version == 2
    rows = AuditEntry.objects.filter(action="exported")
    assert rows.count() == 4 and {r.actor for r in rows} == {supervisor}
    assert rows.first().changes == {"status": ["approved", "exported"], "batch": [None, "000001"]}
    assert AuditEntry.objects.filter(action="created", object_id=str(batch.pk)).exists()
    assert batch.exported_by == supervisor.username


def test_a_line_is_never_exported_twice(run_export, approved, export_dir):
    first = run_export().batch
    TransactionFactory(status="approved")

    second = run_export().batch

    assert second.number == 2 and second.lines == 1
    assert_exactly_once(export_dir)
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchLine.objects.create(batch=second, transaction=approved[0], line_no=2, type="labor")
    assert first.batch_lines.count() == 4


def test_nothing_approved_makes_no_batch(run_export, export_dir):
    TransactionFactory(status="needs_review")

    outcome = run_export()

    assert outcome.batch is None and ExportBatch.objects.count() == 0 and not list(export_dir.iterdir())


def test_numbers_are_never_reused_even_for_files_of_a_lost_export(run_export, approved, export_dir):
    (export_dir / "WOS000007.csv").write_text("left over")

    assert run_export().batch.number == 8


def test_the_schedule_exports_only_lines_approved_by_the_automatic_option(run_export, approved, supervisor):
    Transaction.objects.filter(pk__in=[t.pk for t in approved]).update(decision_source="automatic")
    by_hand = TransactionFactory(status="approved", reviewed_by=supervisor, decision_source="supervisor")
    # Approved on arrival by "ready at once", or by someone with no user: not the automatic option.
    ready = TransactionFactory(status="approved", decision_source="ready_at_once")
    unnamed = TransactionFactory(status="approved", decision_source="system")

    from batches.tasks import export_automatic

    message = export_automatic()

    batch = ExportBatch.objects.get()
    assert batch.lines == 4 and batch.created_by is None and "schedule" in batch.exported_by
    assert "Batch 000001 with 4 lines" in message
    assert set(Transaction.objects.filter(status="approved").values_list("pk", flat=True)) == {
        by_hand.pk, ready.pk, unnamed.pk
    }


def test_the_export_schedule_is_upserted_by_name(settings):
    from django_q.models import Schedule

    from syncconfig.schedules import EXPORT_AUTOMATIC, ensure_schedules

    settings.WOSCAN_EXPORT_EVERY_MINUTES = 10
    ensure_schedules()
    ensure_schedules()

    schedule = Schedule.objects.get(name=EXPORT_AUTOMATIC)
    assert schedule.func == "batches.tasks.export_automatic" and schedule.minutes == 10


# --- crash points ------------------------------------------------------------------------------
def test_a_crash_before_the_commit_leaves_every_line_approved_and_no_file(run_export, approved, export_dir, monkeypatch):
    monkeypatch.setattr(services.lifecycle, "record_created", crash)

    with pytest.raises(Crash):
        run_export()

    assert ExportBatch.objects.count() == 0 and BatchLine.objects.count() == 0
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}
    assert not list(export_dir.iterdir())
    assert_exactly_once(export_dir)
    monkeypatch.undo()

    batch = run_export().batch

    assert batch.status == BatchStatus.EXPORTED and batch.lines == 4
    assert_exactly_once(export_dir)


def test_the_csv_staged_from_the_claimed_lines_is_the_one_written_from_the_batch_lines(
    run_export, approved, export_dir, tmp_path
):
    """The export writes the CSV while it reads the lines it claimed (one read, not two); the
    recovery and a re-export write it from the batch's stored lines: the same bytes either way."""
    batch = run_export().batch

    written = export_dir / "WOS000001.csv"
    from_database = tmp_path / "again"
    from_database.mkdir()
    facts = writer.write_csv(batch, from_database)
    assert written.read_bytes() == (from_database / "WOS000001.csv").read_bytes()
    assert facts.sha256 == batch.sha256 and facts.lines == batch.lines == 4
    assert (facts.total_hours, facts.total_quantity) == (batch.total_hours, batch.total_quantity)
    assert not list(export_dir.glob(".*.tmp"))


def test_an_export_that_does_not_commit_leaves_no_staged_csv(run_export, approved, export_dir, monkeypatch):
    monkeypatch.setattr(services.lifecycle, "record_created", crash)  # after the CSV was staged

    with pytest.raises(Crash):
        run_export()

    assert not list(export_dir.iterdir())


def test_a_share_that_fails_while_staging_leaves_the_csv_to_the_writer_after_the_commit(
    run_export, approved, export_dir, monkeypatch
):
    class FullDisk:
        def __init__(self, out):
            self.out = out

        def write(self, data):
            raise OSError(28, "No space left on device")

        def close(self):
            self.out.close()

    staging = writer.StagedCsv.__init__

    def staged_on_a_full_disk(self, *args, **kwargs):
        staging(self, *args, **kwargs)
        self.out = FullDisk(self.out)

    monkeypatch.setattr(writer.StagedCsv, "__init__", staged_on_a_full_disk)
    outcome = run_export()

    assert outcome.written and outcome.batch.sha256 == writer.csv_facts(outcome.batch).sha256
    assert_exactly_once(export_dir)


def test_a_crash_before_the_file_is_finished_by_the_next_run(run_export, approved, export_dir, monkeypatch):
    monkeypatch.setattr(writer, "write_csv", crash)
    monkeypatch.setattr(writer, "place_staged", crash)

    with pytest.raises(Crash):
        run_export()

    batch = ExportBatch.objects.get()
    assert batch.status == BatchStatus.WRITING and batch.lines == 4
    assert not list(export_dir.glob("WOS*"))
    assert_exactly_once(export_dir)
    monkeypatch.undo()

    outcome = run_export()

    assert outcome.recovered == [1] and outcome.batch is None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    assert_exactly_once(export_dir)


def test_a_crash_between_the_file_and_the_control_file_is_not_taken_by_the_importer(
    run_export, approved, export_dir, monkeypatch, company
):
    monkeypatch.setattr(writer, "stage_ctl", crash)

    with pytest.raises(Crash):
        run_export()

    assert (export_dir / "WOS000001.csv").exists() and not (export_dir / "WOS000001.ctl").exists()
    refused = import_from_folder(company, export_dir, 1)
    assert refused.status == "refused" and "control file is missing" in refused.reason
    assert_exactly_once(export_dir)
    monkeypatch.undo()

    from batches.tasks import recover_batches

    assert recover_batches() == "recovered [1]"

    assert ExportBatch.objects.get().status == BatchStatus.EXPORTED
    assert import_from_folder(company, export_dir, 1).status == "imported"
    assert_exactly_once(export_dir)


def test_a_crash_after_both_files_before_marking_them_written_is_finished(
    run_export, approved, export_dir, monkeypatch, dies_after_the_control_file
):
    with pytest.raises(Crash):
        run_export()
    sha_before = writer.sha256_of(export_dir / "WOS000001.csv")
    monkeypatch.undo()

    services.recover_batches()

    batch = ExportBatch.objects.get()
    assert batch.status == BatchStatus.EXPORTED and batch.sha256 == sha_before
    assert_exactly_once(export_dir)


def test_an_importer_that_took_the_files_before_they_were_marked_written_is_acknowledged(
    run_export, approved, export_dir, monkeypatch, dies_after_the_control_file
):
    with pytest.raises(Crash):
        run_export()
    monkeypatch.undo()

    batch, changed = services.acknowledge_import(1, actor_label="importer")

    assert changed and batch.status == BatchStatus.IMPORTED
    assert_exactly_once(export_dir)


def test_an_unwritable_folder_keeps_the_batch_for_the_next_run(run_export, approved, export_dir, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_csv", full_disk)

    outcome = run_export()

    assert outcome.batch.status == BatchStatus.WRITING and not outcome.written
    monkeypatch.undo()
    assert services.recover_batches() == [1]
    assert_exactly_once(export_dir)


# --- files lost or changed on the share -----------------------------------------------------------
DAMAGE = {
    "saved from Excel": lambda d: (d / "WOS000001.csv").write_text("BatchNo,LineNo\r\n"),
    "csv quarantined": lambda d: (d / "WOS000001.csv").unlink(),
    "control file deleted": lambda d: (d / "WOS000001.ctl").unlink(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_the_next_export_run_writes_again_the_files_of_an_exported_batch_that_lost_them(
    run_export, approved, export_dir, company, damage
):
    batch = run_export().batch
    sha = batch.sha256
    DAMAGE[damage](export_dir)
    refused = import_from_folder(company, export_dir, 1)
    assert refused.status == "refused"
    services.refuse_import(1, refused.reason, actor_label="WOScan Sync")

    message = tasks.export_automatic()  # the schedule

    assert message == "recovered [1]; no line to export"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED and batch.sha256 == sha
    assert writer.file_problem(batch, export_dir) is None and writer.sha256_of(export_dir / "WOS000001.csv") == sha
    entry = AuditEntry.objects.get(action="rewritten", object_id=str(batch.pk))
    assert entry.actor_label == "Export folder" and entry.changes["files"][1] == f"written again, SHA-256 {sha}"
    assert_exactly_once(export_dir)
    assert import_from_folder(company, export_dir, 1).status == "imported"


def test_files_that_match_and_files_of_an_imported_batch_are_not_written_again(run_export, approved, export_dir):
    first = run_export().batch
    TransactionFactory(status="approved")
    second = run_export().batch
    services.acknowledge_import(second.number, actor_label="WOScan Sync")
    (export_dir / "WOS000002.csv").unlink()  # WOScan Sync archived it after the import
    written_at = (export_dir / "WOS000001.csv").stat().st_mtime_ns

    assert services.recover_batches() == []

    assert (export_dir / "WOS000001.csv").stat().st_mtime_ns == written_at
    assert not (export_dir / "WOS000002.csv").exists()
    assert not AuditEntry.objects.filter(action="rewritten").exists()
    first.refresh_from_db()
    assert first.status == BatchStatus.EXPORTED and writer.file_problem(first, export_dir) is None


def test_files_gone_without_a_refusal_are_not_written_again_and_the_batch_page_says_so(
    client, accountant, run_export, approved, export_dir
):
    batch = run_export().batch
    for path in export_dir.glob("WOS000001.*"):
        path.unlink()  # taken away: perhaps WOScan Sync imported and archived it, its answer lost

    assert services.recover_batches() == []

    assert not (export_dir / "WOS000001.csv").exists() and not (export_dir / "WOS000001.ctl").exists()
    assert not AuditEntry.objects.filter(action="rewritten").exists()
    client.force_login(accountant)
    page = client.get(reverse("batches:exportbatch_detail", args=[batch.number])).content.decode()
    assert 'data-testid="file-problem"' in page and "WOS000001.csv is missing" in page


# --- the export folder out of reach ----------------------------------------------------------------
def test_an_unreadable_export_folder_stops_the_export_before_anything_is_created(
    run_export, approved, unreachable_share
):
    with pytest.raises(services.ExportFolderError) as error:
        run_export()

    assert str(unreachable_share) in str(error.value) and "nothing was sent" in str(error.value)
    assert not ExportBatch.objects.exists() and not BatchLine.objects.exists()
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}
    assert not AuditEntry.objects.filter(action="exported").exists()


def test_the_schedule_logs_an_unreadable_export_folder_and_sends_nothing(approved, unreachable_share, caplog):
    with caplog.at_level(logging.ERROR):
        message = tasks.export_automatic()

    assert "nothing was sent" in message and str(unreachable_share) in caplog.text
    assert not ExportBatch.objects.exists()
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}


def test_exported_lines_are_locked_against_review(run_export, approved, supervisor):
    from reviews import services as review

    run_export()
    lines = list(Transaction.objects.all())
    labor = Transaction.objects.get(pk=approved[0].pk)

    rejected = review.reject(lines, by=supervisor, reason="too late")
    edited = review.edit(labor, by=supervisor, changes={"hours": Decimal("9")}, expected_version=labor.version)

    assert rejected.done == [] and rejected.skipped_count == 4
    assert not edited.ok
    assert set(Transaction.objects.values_list("status", flat=True)) == {"exported"}
    assert Transaction.objects.get(pk=labor.pk).hours == Decimal("2.500")
