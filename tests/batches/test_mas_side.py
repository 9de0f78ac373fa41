"""The MAS side for the demo and the tests (stand-ins for WOScan Sync and the Transaction
Journal update), and the portal reading batch status back from MAS."""
from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from decimal import Decimal

import pytest
from django.core.management import call_command

from afterpull.followups import pull_now
from audit.models import AuditEntry
from batches import services, writer
from batches.models import BatchLine, BatchStatus, ExportBatch
from batches.reconcile import reconcile
from demo.importer import delete_batch, import_from_folder, ready_batches
from demo.journal import NothingToPost, post_batch
from transactions.models import Transaction
from tests.batches.conftest import assert_exactly_once, mas_rows

pytestmark = pytest.mark.django_db


def test_the_importer_stand_in_writes_transaction_entry_and_the_pull_shows_imported(exported, export_dir, company):
    result = import_from_folder(company, export_dir, 1)

    assert result.status == "imported" and result.lines == 4
    assert mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionEntryHeader WHERE BatchNo = '000001'") == [(4,)]
    outcome = reconcile()
    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED and outcome.moved == {"imported": 1}
    assert (exported.mas_lines, exported.mas_hours, exported.mas_quantity) == (4, Decimal("3.750"), Decimal("19.5000"))
    assert exported.discrepancies == [] and exported.imported_at is not None
    assert AuditEntry.objects.filter(action="imported", object_id=str(exported.pk), actor_label="MAS reconciliation").exists()


def test_importing_twice_writes_nothing_twice(exported, export_dir, company):
    import_from_folder(company, export_dir, 1)

    again = import_from_folder(company, export_dir, 1)

    assert again.status == "already_imported"
    assert mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionEntryDetail") == [(4,)]


def test_posting_moves_the_batch_to_history_and_the_work_order_quantities(exported, export_dir, company):
    step_sql = "SELECT ActualRunTime, QtyCompleted FROM WO3_WorkOrderOperationDetail WHERE WorkOrder = '0001042' AND StepNumber = '0010'"
    order_sql = "SELECT QtyComplete FROM WO1_WorkOrderMaster WHERE WorkOrder = '0001042'"
    issued_sql = "SELECT QtyIssued FROM WO2_WorkOrderMaterialDetail WHERE WorkOrder = '0001042' AND ComponentItemNumber = 'PKG-FOAM-CRN'"
    (run_time, qty_done), = mas_rows(company, step_sql)
    (complete,), = mas_rows(company, order_sql)
    (issued,), = mas_rows(company, issued_sql)
    import_from_folder(company, export_dir, 1)
    reconcile()

    assert post_batch(company, 1) == 4

    assert mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionEntryHeader") == [(0,)]
    assert mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionHistory WHERE BatchNo = '000001'") == [(4,)]
    assert mas_rows(company, step_sql)[0] == (pytest.approx(run_time + 2.5), pytest.approx(qty_done + 4))
    assert mas_rows(company, order_sql)[0][0] == pytest.approx(complete + 3)
    assert mas_rows(company, issued_sql)[0][0] == pytest.approx(issued + 12.5)
    reconcile()
    exported.refresh_from_db()
    assert exported.status == BatchStatus.POSTED and exported.mas_lines == 4 and exported.discrepancies == []
    assert exported.posted_at is not None
    with pytest.raises(NothingToPost):
        post_batch(company, 1)


def test_a_batch_not_imported_yet_stays_exported(exported, company):
    reconcile()

    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED and exported.reconciled_at is not None


@pytest.mark.parametrize("damage", ["corrupted", "truncated"])
def test_a_damaged_csv_is_refused_and_the_batch_stays_exported_with_the_reason(exported, export_dir, company, client, accountant, damage):
    path = export_dir / "WOS000001.csv"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"0001042", b"0001043", 1) if damage == "corrupted" else data[: len(data) // 2])

    call_command("demo_import_batch", "1")

    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED
    assert "corrupted or truncated" in exported.import_error
    assert mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionEntryHeader") == [(0,)]
    assert AuditEntry.objects.filter(action="import_refused", object_id=str(exported.pk)).count() == 1
    client.force_login(accountant)
    page = client.get(f"/batches/{exported.number}/").content.decode()
    assert "WOScan Sync refused this batch" in page and "corrupted or truncated" in page


def test_a_control_file_that_does_not_match_is_refused(exported, export_dir, company):
    ctl = export_dir / "WOS000001.ctl"
    ctl.write_text(ctl.read_text().replace('"lines": 4', '"lines": 5'))

    result = import_from_folder(company, export_dir, 1)

    assert result.status == "refused"


def test_a_batch_deleted_in_mas_shows_so_and_re_export_makes_a_new_batch_with_the_same_lines(
    exported, export_dir, company, on_commit, accountant
):
    import_from_folder(company, export_dir, 1)
    reconcile()
    delete_batch(company, 1)

    reconcile()

    exported.refresh_from_db()
    assert exported.status == BatchStatus.DELETED_IN_MAS
    new = on_commit(services.reexport, exported.pk, by=accountant, reason="Deleted by mistake while testing")
    new.refresh_from_db()
    exported.refresh_from_db()
    assert new.number == 2 and new.status == BatchStatus.EXPORTED and new.replaces == exported
    assert exported.status == BatchStatus.REEXPORTED
    assert set(new.batch_lines.values_list("transaction_id", flat=True)) == set(
        exported.batch_lines.values_list("transaction_id", flat=True)
    )
    assert (new.lines, new.total_hours, new.total_quantity) == (exported.lines, exported.total_hours, exported.total_quantity)
    assert (export_dir / "retired" / "WOS000001.csv").exists() and (export_dir / "WOS000002.ctl").exists()
    assert AuditEntry.objects.filter(action="reexported", reason="Deleted by mistake while testing").count() == 5
    assert_exactly_once(export_dir)
    assert import_from_folder(company, export_dir, 2).status == "imported"


def test_voiding_a_batch_deleted_in_mas_sends_its_lines_back_to_review(exported, accountant, export_dir):
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.DELETED_IN_MAS)

    services.void(exported.pk, by=accountant, reason="Duplicate of a hand-keyed batch")

    exported.refresh_from_db()
    assert exported.status == BatchStatus.VOIDED
    assert set(Transaction.objects.values_list("status", flat=True)) == {"needs_review"}
    assert not BatchLine.objects.filter(live=True).exists()
    assert AuditEntry.objects.filter(action="returned").count() == 4
    assert AuditEntry.objects.get(action="voided").reason == "Duplicate of a hand-keyed batch"
    assert_exactly_once(export_dir)


def test_only_a_batch_deleted_in_mas_can_be_re_exported_or_voided(exported, accountant):
    with pytest.raises(services.BatchStateError):
        services.reexport(exported.pk, by=accountant, reason="why not")
    with pytest.raises(services.BatchStateError):
        services.void(exported.pk, by=accountant, reason="why not")
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED


def test_differences_between_mas_and_the_portal_are_flagged(exported, export_dir, company):
    import_from_folder(company, export_dir, 1)
    with closing(sqlite3.connect(company)) as con, con:
        con.execute("UPDATE WO_TransactionEntryDetail SET Hours = 9 WHERE BatchNo = '000001' AND TransactionNo = '000001'")
        con.execute("DELETE FROM WO_TransactionEntryDetail WHERE BatchNo = '000001' AND TransactionNo = '000004'")

    outcome = reconcile()

    exported.refresh_from_db()
    assert outcome.with_discrepancies == 1
    text = " ".join(exported.discrepancies)
    assert "3 lines; the batch has 4" in text and "10.250 hours" in text and "quantity of 16.5000" in text


def test_the_table_names_are_the_sites_own(exported, export_dir, company, settings):
    import_from_folder(company, export_dir, 1)
    with closing(sqlite3.connect(company)) as con, con:
        con.execute("ALTER TABLE WO_TransactionEntryDetail RENAME TO WO_TransEntryLines")
    settings.WOSCAN_MAS_ENTRY_DETAIL_TABLE = "WO_TransEntryLines"

    reconcile()

    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED and exported.mas_lines == 4


def test_the_pull_reconciles_the_batches_when_it_finishes(exported, export_dir, company, no_pause):
    import_from_folder(company, export_dir, 1)

    run = pull_now()

    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED
    assert (run.reconcile_status, run.reconcile_batches) == ("done", 1)


def test_mas_out_of_reach_never_breaks_the_pull(exported, company, no_pause, settings, caplog):
    settings.WOSCAN_MAS_ENTRY_HEADER_TABLE = "WO_EntryHeadersGone"  # reconciliation cannot read MAS

    with caplog.at_level(logging.WARNING):
        run = pull_now()

    exported.refresh_from_db()
    assert run.status == "succeeded" and run.reconcile_status == "failed"
    assert exported.status == BatchStatus.EXPORTED
    assert "Reconciling the batches after the pull failed" in caplog.text


def test_the_reconcile_command_reports_what_it_did(exported, export_dir, company, capsys):
    import_from_folder(company, export_dir, 1)

    call_command("reconcile_batches")

    assert "1 batch checked: 1 imported" in capsys.readouterr().out


def test_the_demo_commands_play_the_whole_loop(exported, company, capsys):
    call_command("demo_import_batch")
    call_command("demo_import_batch")
    call_command("demo_post_batch", "1")
    call_command("reconcile_batches")

    out = capsys.readouterr().out
    assert "Batch 000001: 4 lines imported into Transaction Entry." in out
    assert "No batch is waiting to be imported." in out
    assert "Batch 000001: 4 lines posted to history." in out and "1 posted" in out
    exported.refresh_from_db()
    assert exported.status == BatchStatus.POSTED


def test_the_demo_command_deletes_a_batch_in_mas(exported, company, capsys):
    call_command("demo_import_batch", "1")
    call_command("demo_post_batch", "1", "--delete")
    call_command("reconcile_batches")

    exported.refresh_from_db()
    assert exported.status == BatchStatus.DELETED_IN_MAS
    assert "4 lines deleted from Transaction Entry" in capsys.readouterr().out


# --- a batch that is no longer live is never taken again ------------------------------------------
def test_a_re_exported_batch_leaves_no_ready_control_file_behind(deleted_in_mas, export_dir, on_commit, accountant):
    on_commit(services.reexport, deleted_in_mas.pk, by=accountant, reason="deleted by mistake")

    deleted_in_mas.refresh_from_db()
    assert deleted_in_mas.status == BatchStatus.REEXPORTED
    assert ready_batches(export_dir) == [2]
    assert writer.file_problem(deleted_in_mas, export_dir) == "WOS000001.csv is missing"
    assert sorted(p.name for p in (export_dir / "retired").iterdir()) == ["WOS000001.csv", "WOS000001.ctl"]
    entry = AuditEntry.objects.get(action="files_retired", object_id=str(deleted_in_mas.pk))
    assert entry.changes == {"files": ["WOS000001.ctl, WOS000001.csv", "moved to retired/"]}
    assert services.next_number() == 3  # the retired number is never used again
    assert_exactly_once(export_dir)


def test_after_a_re_export_mas_gets_each_line_once(deleted_in_mas, export_dir, company, on_commit, accountant):
    on_commit(services.reexport, deleted_in_mas.pk, by=accountant, reason="deleted by mistake")

    for number in ready_batches(export_dir):  # WOScan Sync takes what the folder offers
        import_from_folder(company, export_dir, number)

    in_mas = mas_rows(company, "SELECT BatchNo, COUNT(*) FROM WO_TransactionEntryDetail GROUP BY BatchNo")
    assert in_mas == [("000002", 4)]


def test_a_voided_batch_leaves_no_ready_control_file_behind(deleted_in_mas, export_dir, on_commit, accountant, client):
    on_commit(services.void, deleted_in_mas.pk, by=accountant, reason="keyed by hand in MAS")

    deleted_in_mas.refresh_from_db()
    assert deleted_in_mas.status == BatchStatus.VOIDED
    assert ready_batches(export_dir) == []
    assert (export_dir / "retired" / "WOS000001.ctl").exists() and (export_dir / "retired" / "WOS000001.csv").exists()
    assert AuditEntry.objects.filter(action="files_retired", object_id=str(deleted_in_mas.pk)).count() == 1
    assert_exactly_once(export_dir)
    client.force_login(accountant)
    assert "moved to <code>retired/</code>" in client.get("/batches/1/").content.decode()


def test_a_share_out_of_reach_does_not_undo_a_void_and_the_next_run_retires_its_files(
    deleted_in_mas, export_dir, on_commit, accountant, share_refuses_moves, caplog
):
    with caplog.at_level(logging.ERROR):
        on_commit(services.void, deleted_in_mas.pk, by=accountant, reason="keyed by hand in MAS")

    deleted_in_mas.refresh_from_db()
    assert deleted_in_mas.status == BatchStatus.VOIDED
    assert AuditEntry.objects.filter(action="voided", object_id=str(deleted_in_mas.pk)).count() == 1
    assert "could not be moved to retired/" in caplog.text
    assert ready_batches(export_dir) == [1]
    assert not AuditEntry.objects.filter(action="files_retired").exists()
    share_refuses_moves.unlink()  # the share is back

    assert services.recover_batches() == []

    assert ready_batches(export_dir) == []
    assert (export_dir / "retired" / "WOS000001.ctl").exists()
    assert AuditEntry.objects.filter(action="files_retired", object_id=str(deleted_in_mas.pk)).count() == 1
    assert_exactly_once(export_dir)


def test_the_demo_importer_command_does_not_import_a_batch_the_portal_says_is_not_exported(
    deleted_in_mas, export_dir, company, on_commit, accountant, share_refuses_moves, capsys
):
    on_commit(services.reexport, deleted_in_mas.pk, by=accountant, reason="deleted by mistake")
    assert 1 in ready_batches(export_dir)  # its files could not be retired yet

    call_command("demo_import_batch", "1")  # an operator retries the old number

    assert "Batch 000001 is re-exported in the portal: not imported." in capsys.readouterr().out
    assert mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionEntryDetail WHERE BatchNo = '000001'") == [(0,)]
    deleted_in_mas.refresh_from_db()
    assert deleted_in_mas.status == BatchStatus.REEXPORTED


def test_a_reversal_mas_splits_into_8_hour_lines_is_not_a_difference(run_export, approved, export_dir, company):
    from tests.factories import TransactionFactory

    TransactionFactory(status="approved", work_order="0001042", step="0010", hours=Decimal("-20.000"),
                       comment="reversal of a double-scanned shift")
    batch = run_export().batch
    assert import_from_folder(company, export_dir, batch.number).status == "imported"
    assert mas_rows(company, "SELECT Hours FROM WO_TransactionEntryDetail WHERE Hours < 0 ORDER BY LineNo") == [
        (-8,), (-8,), (-4,)]  # MAS writes the reversal as 8-hour lines (PRODUCT.md §4)

    reconcile()

    batch.refresh_from_db()
    assert (batch.status, batch.mas_lines, batch.discrepancies) == (BatchStatus.IMPORTED, 5, [])
    assert batch.mas_hours == batch.total_hours

    post_batch(company, batch.number)
    reconcile()

    batch.refresh_from_db()
    assert (batch.status, batch.mas_lines, batch.discrepancies) == (BatchStatus.POSTED, 5, [])
