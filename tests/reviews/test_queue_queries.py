"""The queue page's cost per page: the same queries for 3 lines as for a full page of 50, each
line's device, user, findings and employee read with the page, never one line at a time."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployeeFactory, TransactionFactory, UserFactory
from transactions.models import Device, Finding

pytestmark = pytest.mark.django_db
LIST = reverse("reviews:transaction_list")


def fill(rows: int, start: int = 0) -> None:
    devices = [Device.objects.get_or_create(name=f"HH-{n}", token_prefix=f"p{n:07d}", token_hash=f"h{n}")[0]
               for n in range(3)]
    clerk = UserFactory.create(username="floor.clerk") if start == 0 else UserFactory._meta.model.objects.get(
        username="floor.clerk")
    for n in range(start, start + rows):
        EmployeeFactory(number=f"{n + 1:07d}")
        origin = {"device": devices[n % 3]} if n % 4 else {"device": None, "entered_by": clerk, "source": "user"}
        txn = TransactionFactory(employee=f"{n + 1:07d}", **origin)
        Finding.objects.create(transaction=txn, severity="error", code="closed_work_order", message="Closed order")
        Finding.objects.create(transaction=txn, severity="warning", code="long_shift", message="Long shift")


def queue_queries(client, supervisor) -> tuple[list[str], str]:
    client.force_login(supervisor)
    client.get(LIST)  # the session and the permission caches warmed alike for both sizes
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"status": ["needs_review", "flagged"]})
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response.content.decode()


def test_a_full_page_of_the_queue_costs_the_queries_of_three_lines(client, supervisor):
    fill(3)
    few, html = queue_queries(client, supervisor)
    assert html.count('data-testid="line-link"') == 3
    fill(60, start=3)  # more than a page: the page shows 50
    many, html = queue_queries(client, supervisor)
    assert html.count('data-testid="line-link"') == 50
    # each row: its worst finding in words (the error); the warning behind "+1", in both tooltips and the
    # screen-reader text — all from the page's one read of the findings
    assert html.count('data-code="closed_work_order"') == 50 and html.count("Long shift") == 150 and "HH-2" in html and "floor.clerk" in html

    assert len(many) == len(few)


def test_the_queue_does_not_read_the_lines_as_sent(client, supervisor):
    fill(3)
    sql, _ = queue_queries(client, supervisor)
    page = [q for q in sql if 'FROM "reviews_transaction"' in q]
    assert page and not [q for q in page if '"reviews_transaction"."raw"' in q]
