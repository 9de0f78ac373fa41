"""reviews.services: every allowed and refused transition, the compare-and-set loser, the audit rows."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.log import history
from audit.models import AuditEntry
from reviews import services
from transactions.models import Finding, Transaction
from reviews.services import Skip
from transactions.lifecycle import Actor
from tests.factories import TransactionFactory, WorkOrderStepFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_validation")]


def error_on(txn, code="closed_work_order"):
    return Finding.objects.create(transaction=txn, severity="error", code=code, message="The work order is closed.")


def warning_on(txn, code="long_shift"):
    return Finding.objects.create(transaction=txn, severity="warning", code=code, message="More than 12 hours.")


# --- approve ------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["needs_review", "flagged"])
def test_it_approves_a_line_waiting_for_review(supervisor, status):
    txn = TransactionFactory(status=status)

    outcome = services.approve([txn], by=supervisor)

    txn.refresh_from_db()
    assert outcome.done == [txn.pk] and outcome.skipped == {}
    assert (txn.status, txn.version, txn.reviewed_by, txn.updated_by) == ("approved", 2, supervisor, supervisor)
    row = history(txn).get()
    assert (row.action, row.actor, row.changes) == ("approved", supervisor, {"status": [status, "approved"]})


def test_it_approves_over_a_warning_without_a_reason(supervisor):
    txn = TransactionFactory(status="flagged")
    warning_on(txn)

    outcome = services.approve([txn], by=supervisor)

    assert outcome.done == [txn.pk]


def test_a_supervisor_cannot_approve_over_an_error_without_the_permission(supervisor):
    txn = TransactionFactory(status="flagged")
    error_on(txn)

    outcome = services.approve([txn], by=supervisor, reason="I checked with the floor")

    txn.refresh_from_db()
    assert outcome.done == [] and outcome.skipped == {Skip.ERROR_FINDING: [txn.pk]}
    assert txn.status == "flagged" and txn.version == 1
    assert not history(txn).exists()


def test_a_lead_approves_over_an_error_only_with_a_reason(lead_supervisor):
    txn = TransactionFactory(status="flagged")
    error_on(txn)

    refused = services.approve([txn], by=lead_supervisor)
    done = services.approve([txn], by=lead_supervisor, reason="Order reopened in MAS this morning")

    txn.refresh_from_db()
    assert refused.skipped == {Skip.REASON_MISSING: [txn.pk]}
    assert done.done == [txn.pk] and txn.status == "approved"
    assert txn.review_reason == history(txn).get().reason == "Order reopened in MAS this morning"


def test_it_reapproves_a_rejected_line_only_with_a_reason(supervisor):
    txn = TransactionFactory(status="rejected")

    refused = services.approve([txn], by=supervisor)
    done = services.approve([txn], by=supervisor, reason="Rejected by mistake")

    txn.refresh_from_db()
    assert refused.skipped == {Skip.REASON_MISSING: [txn.pk]}
    assert done.done == [txn.pk] and txn.status == "approved"


@pytest.mark.parametrize(("status", "why"), [
    ("approved", Skip.STATE), ("exported", Skip.EXPORTED),
])
def test_it_refuses_to_approve_from_a_state_that_does_not_allow_it(supervisor, status, why):
    txn = TransactionFactory(status=status)

    outcome = services.approve([txn], by=supervisor, reason="why not")

    txn.refresh_from_db()
    assert outcome.done == [] and outcome.skipped == {why: [txn.pk]}
    assert txn.status == status and txn.version == 1
    assert AuditEntry.objects.count() == 0


# --- reject -------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["needs_review", "flagged", "approved"])
def test_it_rejects_with_a_reason(supervisor, status):
    txn = TransactionFactory(status=status)

    outcome = services.reject([txn], by=supervisor, reason="Scanned twice")

    txn.refresh_from_db()
    assert outcome.done == [txn.pk]
    assert (txn.status, txn.review_reason) == ("rejected", "Scanned twice")
    row = history(txn).get()
    assert (row.action, row.reason, row.changes) == ("rejected", "Scanned twice", {"status": [status, "rejected"]})


def test_it_refuses_to_reject_without_a_reason(supervisor):
    txn = TransactionFactory(status="needs_review")

    outcome = services.reject([txn], by=supervisor, reason="  ")

    txn.refresh_from_db()
    assert outcome.skipped == {Skip.REASON_MISSING: [txn.pk]} and txn.status == "needs_review"


@pytest.mark.parametrize(("status", "why"), [
    ("rejected", Skip.STATE), ("exported", Skip.EXPORTED),
])
def test_it_refuses_to_reject_from_a_state_that_does_not_allow_it(supervisor, status, why):
    txn = TransactionFactory(status=status)

    outcome = services.reject([txn], by=supervisor, reason="no")

    txn.refresh_from_db()
    assert outcome.skipped == {why: [txn.pk]} and txn.status == status


def test_an_accountant_may_not_decide(accountant):
    txn = TransactionFactory()

    with pytest.raises(PermissionDenied):
        services.approve([txn], by=accountant)

    txn.refresh_from_db()
    assert txn.status == "needs_review"


# --- compare-and-set ----------------------------------------------------------------------------
def test_the_compare_and_set_loser_is_skipped_not_overwritten(supervisor, other_supervisor):
    txn = TransactionFactory(status="needs_review")
    seen_by_me = Transaction.objects.get(pk=txn.pk)
    seen_by_other = Transaction.objects.get(pk=txn.pk)

    first = services.reject([seen_by_other], by=other_supervisor, reason="Wrong employee")
    second = services.approve([seen_by_me], by=supervisor)

    txn.refresh_from_db()
    assert first.done == [txn.pk]
    assert second.done == [] and second.skipped == {Skip.STALE: [txn.pk]}
    assert txn.status == "rejected" and txn.reviewed_by == other_supervisor
    assert [row.action for row in history(txn)] == ["rejected"]


def test_a_line_changed_after_the_page_was_shown_is_skipped(supervisor, other_supervisor):
    shown_at = timezone.now()
    changed, untouched = TransactionFactory(), TransactionFactory()
    Transaction.objects.filter(pk=untouched.pk).update(updated_at=shown_at - timedelta(seconds=5))
    services.edit(changed, by=other_supervisor, changes={"step": "0020"}, expected_version=1)
    txns = list(Transaction.objects.filter(pk__in=[changed.pk, untouched.pk]))  # versions as of now

    outcome = services.approve(txns, by=supervisor, seen_at=shown_at)

    assert outcome.done == [untouched.pk]
    assert outcome.skipped == {Skip.STALE: [changed.pk]}


def test_a_bulk_approve_writes_one_audit_row_per_line_and_says_what_it_skipped(supervisor):
    waiting = TransactionFactory.create_batch(30, status="needs_review")
    errors = TransactionFactory.create_batch(2, status="flagged")
    for txn in errors:
        error_on(txn)
    exported = TransactionFactory(status="exported")

    outcome = services.approve([*waiting, *errors, exported], by=supervisor)

    assert outcome.done == sorted(t.pk for t in waiting)
    assert outcome.skipped == {Skip.ERROR_FINDING: [t.pk for t in errors], Skip.EXPORTED: [exported.pk]}
    assert Transaction.objects.filter(status="approved").count() == 30
    assert AuditEntry.objects.filter(action="approved").count() == 30
    assert "Approved 30 lines." in outcome.summary() and "2 because it has an error-level finding" in outcome.summary()


def test_the_system_may_not_approve_or_reject_the_processing_options_decide_on_arrival():
    txn = TransactionFactory()

    with pytest.raises(PermissionDenied):
        services.approve([txn], by=Actor.system("Automatic processing"))
    with pytest.raises(PermissionDenied):
        services.reject([txn], by=Actor.system("Automatic processing"), reason="no")
    with pytest.raises(ValueError):
        services.approve([txn], by=None)

    txn.refresh_from_db()
    assert txn.status == "needs_review" and not history(txn).exists()


def test_a_decision_stores_its_source(supervisor):
    approved, rejected = TransactionFactory(), TransactionFactory()

    services.approve([approved], by=supervisor)
    services.reject([rejected], by=supervisor, reason="Scanned twice")

    assert set(Transaction.objects.values_list("decision_source", flat=True)) == {"supervisor"}


def test_preview_writes_nothing(lead_supervisor):
    a, b = TransactionFactory(), TransactionFactory(status="flagged")
    error_on(b)

    plan = services.preview("approve", [a, b], by=lead_supervisor)

    assert plan.done == [a.pk, b.pk] and plan.over_error == [b.pk]
    assert Transaction.objects.filter(status="approved").count() == 0


# --- edit -----------------------------------------------------------------------------------------
def test_an_edit_saves_the_changes_rechecks_and_returns_the_line_to_review(supervisor):
    txn = TransactionFactory(status="approved", step="0010", hours=Decimal("2.000"))

    result = services.edit(txn, by=supervisor, changes={"step": "0020", "hours": Decimal("2.000")},
                           expected_version=1, reason="Wrong step scanned")

    txn.refresh_from_db()
    assert result.ok and result.changes == {"step": ["0010", "0020"], "status": ["approved", "needs_review"]}
    assert (txn.step, txn.status, txn.version, txn.updated_by) == ("0020", "needs_review", 2, supervisor)
    row = history(txn).get()
    assert (row.action, row.reason) == ("corrected", "Wrong step scanned")
    assert row.changes == {"step": ["0010", "0020"], "status": ["approved", "needs_review"]}


def test_an_edit_of_the_work_order_or_step_sets_the_work_center_of_the_new_mirror_step(supervisor):
    WorkOrderStepFactory(work_order="0001001", step="0010", work_center="ASM")
    WorkOrderStepFactory(work_order="0001001", step="0020", work_center="WELD")
    txn = TransactionFactory(step="0010", work_center="ASM")

    moved = services.edit(txn, by=supervisor, changes={"step": "0020"}, expected_version=1)
    moved_to = txn.work_center
    gone = services.edit(txn, by=supervisor, changes={"work_order": "0009999"}, expected_version=2)

    assert moved.ok and gone.ok
    assert (moved_to, txn.work_center, txn.version) == ("WELD", "", 3)
    # A derived fact: the audit keeps what the supervisor changed.
    assert [row.changes for row in history(txn).order_by("pk")] == [
        {"step": ["0010", "0020"]}, {"work_order": ["0001001", "0009999"]},
    ]


def test_an_edit_flags_the_line_when_the_recheck_finds_something(supervisor, monkeypatch):  # noqa: F811
    from transactions import validation

    def recheck(txn):
        return [Finding(transaction=txn, severity="warning", code="long_shift", message="Long shift")]

    monkeypatch.setattr(validation, "recheck", recheck)
    txn = TransactionFactory(status="needs_review")

    services.edit(txn, by=supervisor, changes={"hours": Decimal("14")}, expected_version=1)

    txn.refresh_from_db()
    assert txn.status == "flagged" and txn.findings.count() == 1


def test_an_edit_with_a_stale_version_is_refused_naming_who_changed_it(supervisor, other_supervisor):
    txn = TransactionFactory(step="0010")
    services.edit(txn, by=other_supervisor, changes={"step": "0030"}, expected_version=1)

    result = services.edit(txn, by=supervisor, changes={"step": "0020"}, expected_version=1)

    txn.refresh_from_db()
    assert not result.ok and result.conflict
    assert "changed by Sam Second at" in result.refused and "review their change" in result.refused
    assert txn.step == "0030" and txn.version == 2
    assert history(txn).count() == 1


def test_an_exported_line_cannot_be_edited(supervisor):
    txn = TransactionFactory(status="exported", step="0010")

    result = services.edit(txn, by=supervisor, changes={"step": "0020"}, expected_version=1)

    txn.refresh_from_db()
    assert not result.ok and "exported" in result.refused
    assert txn.step == "0010" and not history(txn).exists()


def test_an_edit_that_changes_nothing_writes_nothing(supervisor):
    txn = TransactionFactory(step="0010")

    result = services.edit(txn, by=supervisor, changes={"step": "0010"}, expected_version=1)

    txn.refresh_from_db()
    assert result.ok and result.changes == {} and txn.version == 1
    assert not history(txn).exists()


def test_an_accountant_may_not_edit(accountant):
    txn = TransactionFactory()

    with pytest.raises(PermissionDenied):
        services.edit(txn, by=accountant, changes={"step": "0020"}, expected_version=1)
