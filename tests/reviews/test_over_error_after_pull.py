"""Approving over an error-level finding only when the approver saw it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from audit.log import history
from transactions.revalidation import _recheck
from transactions import validation
from transactions.models import Finding, Transaction
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
APPROVE = reverse("reviews:transaction_bulk_approve")


def test_a_lead_is_not_made_to_approve_over_an_error_a_pull_added_after_the_detail_page_was_shown(
    client, lead_supervisor, monkeypatch
):
    """The lead reads a flagged line with a warning (no error, no override asked) and approves it
    with a note. A pull meanwhile adds an error: the line stays flagged at the same version, so
    the page's version still matches and the line is approved over an error nobody saw."""
    txn = TransactionFactory(status="flagged")
    Finding.objects.create(transaction=txn, severity="warning", code="long_shift", message="Long shift")
    client.force_login(lead_supervisor)
    page = client.get(txn.get_absolute_url())
    assert page.context["has_error"] is False
    version = page.context["txn"].version

    # The re-check after a pull: the work order was closed in MAS.
    monkeypatch.setattr(validation, "check_many", lambda txns, **kwargs: [[
        Finding(transaction=txn, severity="warning", code="long_shift", message="Long shift"),
        Finding(transaction=txn, severity="error", code="closed_work_order", message="The work order is closed."),
    ]])
    _recheck([Transaction.objects.get(pk=txn.pk)])

    client.post(APPROVE, {"pk": txn.pk, "version": version, "_apply": "1",
                          "reason": "Long shift confirmed with the foreman"})

    txn.refresh_from_db()
    assert txn.status == "flagged", "approved over an error-level finding the lead never saw"
    assert not history(txn).filter(action="approved").exists()
