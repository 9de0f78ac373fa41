"""The re-count after a bulk decision really guards: lines written that the supervisor may no
longer review answer 403 and nothing is written.

The re-count reads the supervisor's permissions afresh from the database after the write, inside
its transaction. Here an administrator takes the role away (or deactivates the account) while the
decision is being applied: after the confirmation page and the permission check of the apply,
before its re-count.
"""
from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.roles import Role
from audit.models import AuditEntry
from transactions.models import Finding, Transaction
from reviews.views import TransactionBulkApproveView, TransactionBulkRejectView
from tests.factories import TransactionFactory

APPROVE = reverse("reviews:transaction_bulk_approve")
REJECT = reverse("reviews:transaction_bulk_reject")


def _flagged(n: int) -> list[Transaction]:
    lines = [TransactionFactory(status="flagged") for _ in range(n)]
    for line in lines:
        Finding.objects.create(transaction=line, severity="warning", code="long_shift", message="Long shift")
    return lines


def _state(lines) -> list[tuple]:
    return list(Transaction.objects.filter(pk__in=[t.pk for t in lines]).order_by("pk")
                .values_list("pk", "status", "version", "reviewed_by"))


def _decision_audit(lines) -> int:
    return AuditEntry.objects.filter(object_id__in=[str(t.pk) for t in lines], action__in=("approved", "rejected")).count()


def _while_applying(monkeypatch, view, meanwhile):
    """Run ``meanwhile`` right after the real service has written the decision, before the re-count."""
    real = view.service

    def service(txns, **kwargs):
        outcome = real(txns, **kwargs)
        assert outcome.done, "the decision wrote nothing: the re-count would have nothing to guard"
        meanwhile()
        return outcome

    monkeypatch.setattr(view, "service", staticmethod(service))


CHANGES = {
    "role taken away": {"roles": []},
    "account deactivated": {"roles": [Role.SUPERVISOR], "is_active": False},
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("view,url", [(TransactionBulkApproveView, APPROVE), (TransactionBulkRejectView, REJECT)],
                         ids=["approve", "reject"])
def test_a_supervisor_who_loses_the_right_while_a_decision_is_applied_gets_403_and_nothing_changes(
    client, monkeypatch, supervisor, administrator, view, url, change,
):
    lines = _flagged(3)
    client.force_login(supervisor)
    body = {"pk": [t.pk for t in lines], "shown_at": timezone.now().isoformat(), "reason": "Checked on the floor"}
    confirm = client.post(url, body)
    assert confirm.status_code == 200 and confirm.context["will_change"] == 3
    before = _state(lines)
    _while_applying(monkeypatch, view, lambda: accounts.update_user(supervisor, by=administrator, **CHANGES[change]))

    answer = client.post(url, {**body, "_apply": "1"})

    assert answer.status_code == 403
    assert b"You may not use this page" in answer.content
    assert _state(lines) == before  # no line approved or rejected, no version moved
    assert _decision_audit(lines) == 0


@pytest.mark.django_db
def test_without_a_change_meanwhile_the_same_decision_is_applied(client, monkeypatch, supervisor):
    """The guard above is the re-count, not the stand-in for the administrator."""
    lines = _flagged(3)
    client.force_login(supervisor)
    _while_applying(monkeypatch, TransactionBulkApproveView, lambda: None)

    answer = client.post(APPROVE, {"pk": [t.pk for t in lines], "_apply": "1", "reason": "Checked"})

    assert answer.status_code == 302
    assert {status for _pk, status, _v, _by in _state(lines)} == {"approved"}
    assert _decision_audit(lines) == 3


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_role_taken_away_by_an_administrator_at_the_same_moment_undoes_the_decision(
    client, monkeypatch, supervisor, administrator,
):
    """The administrator's change is made on their own connection and committed while the
    supervisor's decision is written but not committed: the re-count sees it, the decision is
    rolled back, the administrator's change stays."""
    lines = _flagged(2)
    client.force_login(supervisor)
    errors: list[BaseException] = []

    def administrator_elsewhere():
        def run():
            try:
                accounts.update_user(supervisor, by=administrator, roles=[])
            except BaseException as exc:  # reported in the test's thread
                errors.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the administrator's change waited for the decision"

    _while_applying(monkeypatch, TransactionBulkApproveView, administrator_elsewhere)
    before = _state(lines)

    answer = client.post(APPROVE, {"pk": [t.pk for t in lines], "_apply": "1", "reason": "Checked"})

    assert not errors, errors
    assert answer.status_code == 403
    assert _state(lines) == before
    assert _decision_audit(lines) == 0
    assert not supervisor.groups.exists()  # the administrator's change was committed and stays
