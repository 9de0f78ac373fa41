"""Bulk decisions must touch only what the supervisor confirmed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.log import history
from transactions.models import Finding, Transaction
from tests.factories import (
    EmployeeFactory,
    TransactionFactory,
    WorkCenterFactory,
    WorkOrderFactory,
    WorkOrderStepFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("reviews:transaction_list")
APPROVE = reverse("reviews:transaction_bulk_approve")


def test_approve_all_that_match_does_not_take_lines_a_pull_moved_into_the_work_center_after_confirming(
    client, supervisor,
):
    """Filter "work center WELD", confirm "Approve 1", a pull then moves another order's step to
    WELD: the apply approves that order's lines too, never shown and never confirmed."""
    from transactions.revalidation import recheck_open
    from mas.models import WorkOrderStep

    WorkCenterFactory(code="WELD", description="Welding")
    WorkCenterFactory(code="ASM", description="Assembly")
    for number in ("0001001", "0001002"):
        WorkOrderFactory(number=number)
    WorkOrderStepFactory(work_order="0001001", step="0010", work_center="WELD")
    WorkOrderStepFactory(work_order="0001002", step="0010", work_center="ASM")
    EmployeeFactory(number="0000001")
    earlier = timezone.now() - timedelta(hours=1)
    welded = TransactionFactory(work_order="0001001", step="0010", work_center="WELD", collected_at=earlier)
    assembled = TransactionFactory(work_order="0001002", step="0010", work_center="ASM", collected_at=earlier)
    Transaction.objects.update(updated_at=earlier)
    client.force_login(supervisor)

    page = client.get(LIST, {"work_center": "WELD", "status": "needs_review"})
    assert {row.record.pk for row in page.context["table"].page.object_list} == {welded.pk}
    carried, shown_at = page.context["filter_query"], page.context["shown_at"]
    confirm = client.post(APPROVE, {"_all": "1", "_filter": carried, "shown_at": shown_at})
    assert confirm.context["will_change"] == 1
    assert "<strong>1</strong> of the 1 line that match the filter will be approved." in confirm.content.decode()

    # A pull from MAS moves step 0010 of order 1002 to the welding work center.
    WorkOrderStep.objects.filter(work_order="0001002", step="0010").update(work_center="WELD")
    recheck_open()
    assembled.refresh_from_db()
    assert assembled.status == "needs_review"  # nothing about the line itself changed

    client.post(APPROVE, {"_all": "1", "_filter": carried, "shown_at": shown_at, "_apply": "1"})

    assembled.refresh_from_db()
    assert assembled.status == "needs_review", "approved a line the supervisor never saw nor confirmed"
    assert not history(assembled).filter(action="approved").exists()


def test_approve_all_that_match_does_not_take_lines_whose_findings_changed_into_the_filter(client, supervisor, monkeypatch):
    """Filter "flagged, only warnings": a flagged line with an error is not in it. A pull replaces
    its error by a warning (it stays flagged, its version and change time do not move): the
    confirmed "approve all that match" now approves it too."""
    from transactions.revalidation import _recheck
    from transactions import validation

    earlier = timezone.now() - timedelta(hours=1)
    shown = TransactionFactory(status="flagged", collected_at=earlier)
    hidden = TransactionFactory(status="flagged", collected_at=earlier)
    Finding.objects.create(transaction=shown, severity="warning", code="over_shift_maximum", message="Long shift")
    Finding.objects.create(transaction=hidden, severity="error", code="closed_work_order", message="Closed")
    Transaction.objects.update(updated_at=earlier)
    client.force_login(supervisor)

    page = client.get(LIST, {"status": "flagged", "finding": "over_shift_maximum"})
    assert {row.record.pk for row in page.context["table"].page.object_list} == {shown.pk}
    carried, shown_at = page.context["filter_query"], page.context["shown_at"]
    confirm = client.post(APPROVE, {"_all": "1", "_filter": carried, "shown_at": shown_at})
    assert confirm.context["will_change"] == 1

    # The re-check after a pull: findings replaced, status unchanged.
    monkeypatch.setattr(validation, "check_many", lambda txns, **kwargs: [[
        Finding(transaction=hidden, severity="warning", code="over_shift_maximum", message="Long shift")
    ]])
    _recheck([Transaction.objects.get(pk=hidden.pk)])

    client.post(APPROVE, {"_all": "1", "_filter": carried, "shown_at": shown_at, "_apply": "1"})

    hidden.refresh_from_db()
    assert hidden.status == "flagged", "approved a line that was not in the confirmed filter"
