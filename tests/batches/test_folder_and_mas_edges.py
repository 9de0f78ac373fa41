"""Never both ready, never put back, never silent: the export folder and MAS at their edges."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from batches import services, writer
from batches.models import BatchStatus, ExportBatch
from batches.reconcile import reconcile
from demo.importer import import_from_folder, ready_batches
from demo.journal import post_batch
from tests.batches.conftest import Crash, mas_rows

pytestmark = pytest.mark.django_db


# --- re-export: the old batch's files are not out of the way, the new one is written anyway ----------
def test_a_re_export_whose_old_files_cannot_be_retired_does_not_offer_both_batches(
    deleted_in_mas, export_dir, company, on_commit, accountant, share_refuses_moves
):
    on_commit(services.reexport, deleted_in_mas.pk, by=accountant, reason="deleted by mistake")

    ready = ready_batches(export_dir)
    for number in ready:  # WOScan Sync takes every batch whose control file exists (PRODUCT.md §6)
        import_from_folder(company, export_dir, number)

    assert ready != [1, 2], "the re-exported batch and its replacement are both ready for WOScan Sync"
    in_mas = mas_rows(company, "SELECT COUNT(*) FROM WO_TransactionEntryDetail")
    assert in_mas == [(4,)], "MAS received every line twice"


def test_recovery_after_a_crash_during_re_export_does_not_offer_both_batches(
    deleted_in_mas, export_dir, accountant, share_refuses_moves
):
    # The re-export commits, then the process dies before its after-commit work ran.
    services.reexport(deleted_in_mas.pk, by=accountant, reason="deleted by mistake")
    assert ExportBatch.objects.get(number=2).status == BatchStatus.WRITING

    services.recover_batches()  # the next export run; the share still refuses the move

    assert ready_batches(export_dir) != [1, 2]


# --- an acknowledgement puts back the files the importer took away -----------------------------------
def test_an_ack_for_a_batch_left_writing_does_not_put_its_taken_files_back(
    run_export, approved, export_dir, company, monkeypatch, dies_after_the_control_file
):
    with pytest.raises(Crash):
        run_export()
    monkeypatch.undo()
    assert import_from_folder(company, export_dir, 1).status == "imported"
    for path in export_dir.glob("WOS000001.*"):
        path.unlink()  # WOScan Sync archives what it imported

    batch, changed = services.acknowledge_import(1, actor_label="importer")

    assert changed and batch.status == BatchStatus.IMPORTED
    assert ready_batches(export_dir) == [], "an imported batch is offered to WOScan Sync again"


# --- reconciliation ------------------------------------------------------------------------------
def test_a_batch_in_history_and_again_in_transaction_entry_is_flagged(exported, export_dir, company):
    import_from_folder(company, export_dir, 1)
    reconcile()
    post_batch(company, 1)
    # Before the next pull, the same batch lands in Transaction Entry again (imported a second time).
    with closing(sqlite3.connect(company)) as con, con:
        con.execute("INSERT INTO WO_TransactionEntryHeader SELECT BatchNo, TransactionNo, TransType, WorkOrder, "
                    "PostingDate, Hours, Quantity FROM WO_TransactionHistory WHERE BatchNo = '000001'")
        con.execute("INSERT INTO WO_TransactionEntryDetail SELECT BatchNo, TransactionNo, 1, TransType, WorkOrder, "
                    "'', '', '', Hours, Quantity FROM WO_TransactionHistory WHERE BatchNo = '000001'")

    reconcile()

    exported.refresh_from_db()
    assert exported.status == BatchStatus.POSTED
    assert exported.discrepancies, "posted, and in Transaction Entry again ready to be posted twice: nothing said"


def test_a_voided_batch_that_mas_imported_anyway_is_flagged(
    deleted_in_mas, export_dir, company, on_commit, accountant, share_refuses_moves
):
    on_commit(services.void, deleted_in_mas.pk, by=accountant, reason="keyed by hand in MAS")
    assert import_from_folder(company, export_dir, 1).status == "imported"  # its control file was still there

    reconcile()

    deleted_in_mas.refresh_from_db()
    assert deleted_in_mas.status != BatchStatus.VOIDED or deleted_in_mas.discrepancies, (
        "MAS holds a voided batch whose lines are back in the review queue; the portal says nothing"
    )


def test_the_command_fails_when_the_folder_can_be_read_but_not_written(approved, export_dir, monkeypatch):
    from django.core.management import CommandError, call_command

    def read_only(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(export_dir))

    monkeypatch.setattr(writer, "_replace_atomically", read_only)
    with pytest.raises(CommandError, match=r"WOSCAN_EXPORT_DIR = .*is it writable\?"):
        call_command("export_batches", "--all")
    assert ExportBatch.objects.get().status == BatchStatus.WRITING  # the lines are kept in the batch
    with pytest.raises(CommandError, match="could not be written"):
        call_command("export_batches", "--recover")

    monkeypatch.undo()
    call_command("export_batches", "--recover")  # writable again: no error

    assert ExportBatch.objects.get().status == BatchStatus.EXPORTED
