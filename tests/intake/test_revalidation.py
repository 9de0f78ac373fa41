"""When a pull changes the mirror, lines still open for review are checked again."""
from __future__ import annotations

import pytest

from audit.log import history
from mas.models import WorkOrder
from transactions.models import Transaction
from syncconfig.signals import pull_finished
from tests.factories import TransactionFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_a_line_becomes_flagged_when_its_work_order_closes_in_mas(mirror):
    txn = TransactionFactory(status="needs_review")
    approved = TransactionFactory(status="approved", hours=5)
    WorkOrder.objects.filter(number="0001001").update(status="C")

    pull_finished.send(sender=None, run=None, changed={"mas.workorder"})

    txn.refresh_from_db()
    approved.refresh_from_db()
    assert (txn.status, txn.version) == ("flagged", 2)
    assert list(txn.findings.values_list("code", flat=True)) == ["closed_work_order"]
    entry = history(txn).get()
    assert (entry.action, entry.actor_label, entry.changes) == (
        "revalidated", "pull from MAS", {"status": ["needs_review", "flagged"]}
    )
    assert "closed in MAS" in entry.reason
    assert approved.status == "approved" and not approved.findings.exists()


def test_a_flagged_line_goes_back_to_needs_review_when_the_work_order_arrives(mirror):
    txn = TransactionFactory(status="flagged", work_order="0005000")
    txn.findings.create(severity="error", code="unknown_work_order", field="work_order", message="…")
    WorkOrderFactory(number="0005000")
    from tests.factories import WorkOrderStepFactory

    WorkOrderStepFactory(work_order="0005000", step="0010")

    pull_finished.send(sender=None, run=None, changed={"mas.workorder", "mas.workorderstep"})

    txn.refresh_from_db()
    assert txn.status == "needs_review"
    assert not txn.findings.exists()
    assert history(txn).get().changes == {"status": ["flagged", "needs_review"]}


def test_a_pull_that_changed_nothing_relevant_checks_nothing(mirror):
    txn = TransactionFactory(status="needs_review")
    WorkOrder.objects.filter(number="0001001").update(status="C")

    pull_finished.send(sender=None, run=None, changed={"mas.workcenter"})

    txn.refresh_from_db()
    assert txn.status == "needs_review"


def test_findings_that_did_not_change_are_left_as_they_are(mirror):
    txn = TransactionFactory(status="flagged", work_order="0009999")
    pull_finished.send(sender=None, run=None, changed={"mas.workorder"})
    finding_ids = list(txn.findings.values_list("pk", flat=True))

    pull_finished.send(sender=None, run=None, changed={"mas.workorder"})

    assert list(txn.findings.values_list("pk", flat=True)) == finding_ids
    assert [f.code for f in txn.findings.all()] == ["unknown_work_order"]


def test_a_pull_gives_open_lines_the_work_center_of_their_mirror_step(mirror):
    from mas.models import WorkOrderStep
    from tests.factories import WorkOrderStepFactory

    moved = TransactionFactory(status="needs_review", step="0010", work_center="ASM")
    new_step = TransactionFactory(status="flagged", step="0030", work_center="", hours=3)
    new_step.findings.create(severity="error", code="unknown_step", field="step", message="…")
    approved = TransactionFactory(status="approved", step="0010", work_center="ASM", hours=4)
    WorkOrderStep.objects.filter(work_order="0001001", step="0010").update(work_center="WELD")
    WorkOrderStepFactory(work_order="0001001", step="0030", work_center="PAINT")

    pull_finished.send(sender=None, run=None, changed={"mas.workorderstep"})

    for txn in (moved, new_step, approved):
        txn.refresh_from_db()
    assert (moved.work_center, moved.status, moved.version) == ("WELD", "needs_review", 1)
    assert not history(moved).exists()  # a derived fact: no new version, no audit row
    assert (new_step.work_center, new_step.status) == ("PAINT", "needs_review")
    assert approved.work_center == "ASM"  # decided lines keep the work center they were decided at


def test_the_work_center_refresh_is_one_update_for_all_open_lines(mirror, django_assert_num_queries):
    from transactions.revalidation import refresh_work_centers
    from mas.models import WorkOrderStep

    lines = TransactionFactory.create_batch(30, status="needs_review", step="0020", work_center="ASM")
    WorkOrderStep.objects.filter(work_order="0001001", step="0020").update(work_center="WELD")

    with django_assert_num_queries(1):
        changed = refresh_work_centers()

    assert changed == 30
    assert {t.work_center for t in Transaction.objects.filter(pk__in=[t.pk for t in lines])} == {"WELD"}
    assert refresh_work_centers() == 0  # only lines whose work center differs are written
