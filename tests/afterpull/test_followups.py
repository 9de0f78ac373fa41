"""After a pull, its follow-ups — re-checking the open lines, reconciling the batches — are
called by the pull run itself, and what they did is stored on the run and shown to the
administrator."""
from __future__ import annotations

import importlib
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from afterpull.followups import follow_up, pull_now
from audit.log import history
from audit.models import AuditEntry
from batches.models import BatchStatus
from demo.company import change_company
from demo.importer import import_from_folder
from mas.models import WorkOrder, WorkOrderStep
from transactions import validation
from transactions.models import Transaction
from syncconfig.models import AutoSyncTable, FollowUpStatus, PullStatus
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
HEALTH = reverse("syncconfig:dashboard")


def _employee(company) -> str:
    with closing(sqlite3.connect(company)) as con:
        return con.execute(
            "SELECT EmployeeNo FROM PR_Employee WHERE EmployeeStatus = 'A' ORDER BY EmployeeNo LIMIT 1"
        ).fetchone()[0].strip()


@pytest.fixture
def open_line(company):
    """A mirror pulled from the demo company and a clean line waiting for review, on an open
    order's step not yet complete."""
    assert pull_now().status == PullStatus.SUCCEEDED
    open_orders = WorkOrder.objects.filter(status="O", on_hold=False, active=True).values("number")
    step = WorkOrderStep.objects.filter(work_order__in=open_orders, step_complete=False, active=True).order_by(
        "work_order", "step"
    ).first()
    line = TransactionFactory(status="needs_review", work_order=step.work_order, step=step.step,
                              employee=_employee(company), hours=Decimal("1.500"))
    assert validation.check(line) == []
    return line


def _close_the_order_in_mas(company, line) -> None:
    change_company(company, "UPDATE WO1_WorkOrderMaster SET Status = 'C' WHERE WorkOrder = ?", line.work_order)


def test_a_pull_rechecks_the_open_lines_and_reconciles_the_batches(open_line, exported, export_dir, company):
    assert import_from_folder(company, export_dir, exported.number).status == "imported"  # WOScan Sync took it
    _close_the_order_in_mas(company, open_line)

    run = pull_now()

    assert run.status == PullStatus.SUCCEEDED
    assert (run.recheck_status, run.recheck_lines, run.recheck_changed, run.recheck_error) == (
        FollowUpStatus.DONE, 1, 1, ""
    )
    assert (run.reconcile_status, run.reconcile_batches, run.reconcile_discrepancies, run.reconcile_error) == (
        FollowUpStatus.DONE, 1, 0, ""
    )
    open_line.refresh_from_db()
    assert open_line.status == "flagged"
    assert [f.code for f in open_line.findings.all()] == ["closed_work_order"]
    entry = history(open_line).get()
    assert (entry.action, entry.actor_label, entry.changes) == (
        "revalidated", "pull from MAS", {"status": ["needs_review", "flagged"]}
    )
    exported.refresh_from_db()
    assert (exported.status, exported.mas_lines, exported.discrepancies) == (BatchStatus.IMPORTED, 4, [])
    assert AuditEntry.objects.filter(action="imported", object_id=str(exported.pk), actor_label="MAS reconciliation").count() == 1


def test_the_follow_ups_of_a_pull_run_once(open_line, exported, export_dir, company):
    import_from_folder(company, export_dir, exported.number)
    _close_the_order_in_mas(company, open_line)
    run = pull_now()
    audit_rows = AuditEntry.objects.count()

    again = follow_up(run)  # the task retried, say

    assert (again.recheck_lines, again.reconcile_batches) == (1, 1)
    assert AuditEntry.objects.count() == audit_rows


def test_a_pull_that_changed_nothing_a_finding_reads_needs_no_recheck(open_line, exported):
    run = pull_now()  # nothing changed in MAS since the fixture's pull

    assert run.recheck_status == FollowUpStatus.SKIPPED and run.recheck_lines == 0
    assert run.reconcile_status == FollowUpStatus.DONE and run.reconcile_batches == 1  # batches are read every time


def test_a_failed_reconciliation_is_stored_on_the_pull_and_shown_on_sync_health(
    open_line, exported, export_dir, company, settings, client, administrator
):
    import_from_folder(company, export_dir, exported.number)
    _close_the_order_in_mas(company, open_line)
    settings.WOSCAN_MAS_HISTORY_TABLE = "WO_PostedHistory"  # the site named it, MAS has no such table

    run = pull_now()

    # The pull's own data is in; only the reconciliation failed, and it says why.
    assert run.status == PullStatus.SUCCEEDED and run.error == ""
    assert run.reconcile_status == FollowUpStatus.FAILED and "WO_PostedHistory" in run.reconcile_error
    assert run.reconcile_batches == 0
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED and exported.reconciled_at is None
    # the other follow-up ran all the same
    assert (run.recheck_status, run.recheck_changed) == (FollowUpStatus.DONE, 1)
    open_line.refresh_from_db()
    assert open_line.status == "flagged"

    client.force_login(administrator)
    page = client.get(HEALTH).content.decode()
    assert 'data-testid="follow-up-problems"' in page
    assert f"Reconciling the batches with MAS after pull {run.pk} failed" in page and "WO_PostedHistory" in page
    detail = client.get(run.get_absolute_url()).content.decode()
    assert "Batch reconciliation: <span class=\"text-danger\">failed:" in detail and "WO_PostedHistory" in detail
    assert "1 line re-checked, 1 changed status" in detail
    status = client.get(reverse("syncconfig:pullrun_status", args=[run.pk])).json()
    assert status["follow_ups"]["reconcile"]["status"] == "failed"

    # The site fixes the name: the next pull's reconciliation goes through, and the problem is gone.
    settings.WOSCAN_MAS_HISTORY_TABLE = "WO_TransactionHistory"
    later = pull_now()
    assert later.reconcile_status == FollowUpStatus.DONE and later.reconcile_batches == 1
    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED
    page = client.get(HEALTH).content.decode()
    assert 'data-testid="follow-up-problems"' not in page
    assert f"After pull {later.pk}:" in page and "1 batch reconciled, 0 with discrepancies" in page


def test_a_failed_recheck_is_stored_and_the_reconciliation_still_runs(
    open_line, exported, export_dir, company, monkeypatch, client, administrator
):
    import_from_folder(company, export_dir, exported.number)
    _close_the_order_in_mas(company, open_line)

    def broken(txns, **kwargs):  # a mock: nothing in the real data makes the validation raise
        raise RuntimeError("validation broke")

    monkeypatch.setattr(validation, "check_many", broken)

    run = pull_now()

    assert run.status == PullStatus.SUCCEEDED
    assert (run.recheck_status, run.recheck_error) == (FollowUpStatus.FAILED, "validation broke")
    assert run.reconcile_status == FollowUpStatus.DONE
    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED
    client.force_login(administrator)
    assert f"Re-checking the open lines after pull {run.pk} failed: validation broke" in client.get(HEALTH).content.decode()


def test_the_follow_ups_do_not_run_when_the_pull_fails(open_line, exported, export_dir, company, client, administrator):
    import_from_folder(company, export_dir, exported.number)
    _close_the_order_in_mas(company, open_line)  # the work orders' table is pulled, and changes
    AutoSyncTable.objects.filter(name="items").update(mas_table="CI_ItemGone")  # but another table fails

    run = pull_now()

    assert run.status == PullStatus.FAILED and "CI_ItemGone" in run.error
    assert run.tables.get(name="work_orders").updated == 1
    assert (run.recheck_status, run.reconcile_status) == (FollowUpStatus.NOT_RUN, FollowUpStatus.NOT_RUN)
    open_line.refresh_from_db()
    exported.refresh_from_db()
    assert open_line.status == "needs_review" and not open_line.findings.exists()
    assert exported.status == BatchStatus.EXPORTED and exported.reconciled_at is None
    client.force_login(administrator)
    assert "follow-ups run only after a pull that succeeded" in client.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="follow-up-problems"' not in client.get(HEALTH).content.decode()


def test_the_queued_pull_task_runs_the_follow_ups(open_line, exported, export_dir, company, administrator,
                                                  django_capture_on_commit_callbacks):
    from syncconfig.services import start_pull

    import_from_folder(company, export_dir, exported.number)
    _close_the_order_in_mas(company, open_line)

    with django_capture_on_commit_callbacks(execute=True):  # Pull now: the task runs synchronously in tests
        run = start_pull(by=administrator)

    run.refresh_from_db()
    assert run.status == PullStatus.SUCCEEDED
    assert (run.recheck_changed, run.reconcile_batches) == (1, 1)
    assert Transaction.objects.get(pk=open_line.pk).status == "flagged"


def test_no_pull_finished_signal_or_receiver_remains():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("syncconfig.signals")
    root = Path(django_settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for app in ("accounts", "afterpull", "audit", "batches", "intake", "mas", "reviews", "syncconfig", "woscan_portal")
        for path in (root / app).rglob("*.py")
        if "pull_finished" in path.read_text()
    ]
    assert offenders == []
