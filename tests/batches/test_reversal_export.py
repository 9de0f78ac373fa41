"""End to end: a posted labor line and material issue are reversed, the reversal lines are approved
and go out with the next batch; the CSV read back holds the negative lines, and MAS, once it posts
them, is back where it was (issue 14 item 7)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from batches.models import BatchStatus
from batches.reconcile import reconcile
from demo.importer import import_from_folder
from demo.journal import post_batch
from tests.batches.conftest import mas_rows, read_csv
from tests.factories import PASSWORD, TransactionFactory
from batches import writer

pytestmark = pytest.mark.django_db
STEP = "SELECT ActualRunTime FROM WO3_WorkOrderOperationDetail WHERE WorkOrder = '0001042' AND StepNumber = '0010'"
ISSUED = ("SELECT QtyIssued FROM WO2_WorkOrderMaterialDetail WHERE WorkOrder = '0001042' "
          "AND ComponentItemNumber = 'PKG-FOAM-CRN'")


def to_mas(number, company, export_dir):
    assert import_from_folder(company, export_dir, number).status == "imported"
    reconcile()
    post_batch(company, number)
    reconcile()


def test_a_reversal_goes_through_review_and_the_next_batch(client, supervisor, run_export, company, export_dir):
    now = timezone.now()
    labor = TransactionFactory(status="approved", work_order="0001042", step="0010", hours=Decimal("19.5"),
                               qty_completed=None, collected_at=now)
    issue = TransactionFactory(status="approved", type="material_issue", work_order="0001042", step="", employee="",
                               hours=None, item_code="PKG-FOAM-CRN", warehouse="000", quantity=Decimal("12.5"),
                               collected_at=now)
    (run_time,), = mas_rows(company, STEP)
    (issued,), = mas_rows(company, ISSUED)
    first = run_export().batch
    to_mas(first.number, company, export_dir)
    first.refresh_from_db()
    assert first.status == BatchStatus.POSTED

    # This test's mirror is empty (unknown work order): the reason approves over those errors.
    supervisor.user_permissions.add(Permission.objects.get(codename="approve_over_error"))
    client.login(username=supervisor.username, password=PASSWORD)
    for line in (labor, issue):
        client.post(reverse("reviews:transaction_reverse", args=[line.pk]), {"_apply": "1", "reason": "Wrong order"})
    reversals = [*labor.reversals.order_by("pk"), *issue.reversals.order_by("pk")]
    assert len(reversals) == 4 and all(line.status in ("needs_review", "flagged") for line in reversals)
    assert not run_export().batch  # nothing approved yet: reversals wait for review

    response = client.post(reverse("reviews:transaction_bulk_approve"),
                           {"pk": [line.pk for line in reversals], "_apply": "1", "reason": "Reversal checked"})
    assert response.status_code == 302
    second = run_export().batch
    rows = read_csv(writer.csv_path(second, export_dir))

    assert [(r["PortalTxnId"], r["TransType"], r["Hours"], r["Quantity"]) for r in rows] == [
        (str(reversals[0].pk), "labor", "-8.000", ""), (str(reversals[1].pk), "labor", "-8.000", ""),
        (str(reversals[2].pk), "labor", "-3.500", ""), (str(reversals[3].pk), "material_issue", "", "-12.5000"),
    ]
    assert all(r["WorkOrder"] == "0001042" and r["StartTime"] == "" for r in rows)
    second.refresh_from_db()
    assert second.total_hours == Decimal("-19.5") and second.lines == 4
    to_mas(second.number, company, export_dir)
    second.refresh_from_db()
    assert second.status == BatchStatus.POSTED and second.discrepancies == []
    assert mas_rows(company, STEP)[0][0] == pytest.approx(run_time)
    assert mas_rows(company, ISSUED)[0][0] == pytest.approx(issued)
