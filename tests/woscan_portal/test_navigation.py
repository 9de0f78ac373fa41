"""The start page sends each role to its landing page; the menu shows what the role may use."""
from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from transactions.models import Transaction, TransactionSource, TransactionStatus, TransactionType

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "landing"),
    [("supervisor", "reviews:dashboard"), ("accountant", "batches:dashboard"), ("administrator", "syncconfig:dashboard")],
)
def test_home_sends_each_role_to_its_landing_page(request, client, persona, landing):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/", follow=True)

    assert response.redirect_chain == [(reverse(landing), 302)]
    assert response.status_code == 200


def test_a_user_without_a_role_is_told_to_ask_for_one(client, outsider):
    client.force_login(outsider)

    response = client.get("/")

    assert response.status_code == 200
    assert b"Your account has no role yet" in response.content


def test_the_menu_shows_an_accountant_only_batches_and_the_audit_trail(client, accountant):
    client.force_login(accountant)

    response = client.get(reverse("batches:dashboard"))

    labels = [item["label"] for item in response.context["nav_items"]]
    assert labels == ["Batches", "Audit trail"]


def test_the_supervisor_landing_page_counts_the_queue(client, supervisor):
    for status in [TransactionStatus.FLAGGED, TransactionStatus.FLAGGED, TransactionStatus.APPROVED]:
        Transaction.objects.create(
            client_txn_id=uuid.uuid4(), type=TransactionType.LABOR, status=status,
            source=TransactionSource.DEVICE, collected_at=timezone.now(), work_order="0001001",
        )
    client.force_login(supervisor)

    response = client.get(reverse("reviews:dashboard"))

    counts = {status.value: n for status, n, _queue in response.context["waiting"]}
    assert counts["flagged"] == "2"  # shown as text: "10,000+" past the cap
    assert counts["approved"] == "1"
    assert counts["needs_review"] == "0"


def test_every_response_carries_a_request_id(client, supervisor):
    client.force_login(supervisor)

    response = client.get(reverse("reviews:dashboard"), headers={"X-Request-ID": "proxy-abc-12345"})

    assert response["X-Request-ID"] == "proxy-abc-12345"
