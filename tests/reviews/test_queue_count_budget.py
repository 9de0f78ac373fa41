"""The queue's counts and totals within a time budget: past it the page says "many" and still
shows its lines (a rare filter over millions of lines must not hold the page)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews import views
from reviews.views import TO_REVIEW
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("reviews:transaction_list")


def test_with_time_to_count_the_tabs_and_totals_are_exact(client, supervisor):
    TransactionFactory.create_batch(3, hours=Decimal("1.500"))
    TransactionFactory(status="exported", hours=Decimal("2"))
    client.force_login(supervisor)

    response = client.get(QUEUE)

    counts = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
    assert counts["All"] == "4" and counts["To review"] == "3" and counts["Exported"] == "1"
    assert response.context["queue_totals"]["count"] == "4"
    assert response.context["queue_totals"]["sums"]["hours"] == "6.5"


def test_a_total_past_a_thousand_reads_with_its_thousands_separated(client, supervisor):
    TransactionFactory.create_batch(3, hours=Decimal("500.2500"), qty_completed=Decimal("2"))
    client.force_login(supervisor)

    response = client.get(QUEUE)

    assert response.context["queue_totals"]["sums"]["hours"] == "1,500.75"
    assert "Total 1,500.75 h · 6 completed" in response.content.decode()


def test_out_of_time_the_page_shows_its_lines_and_says_it_did_not_count(client, supervisor, monkeypatch):
    monkeypatch.setattr(views, "COUNT_BUDGET", 0)
    lines = TransactionFactory.create_batch(3)
    client.force_login(supervisor)

    response = client.get(QUEUE)

    text = response.content.decode()
    assert response.status_code == 200
    assert {row.record.pk for row in response.context["table"].paginated_rows} == {t.pk for t in lines}
    assert all(tab["count"] is None for tab in response.context["tabs"])
    assert "1–3 of many" in text and "too many to count quickly" in text
    assert response.context["queue_totals"]["sums"] is None


def test_decided_tabs_count_no_further_than_their_cap_and_all_says_so(client, supervisor, monkeypatch):
    monkeypatch.setattr(views, "DECIDED_CAP", 2)
    TransactionFactory.create_batch(3)
    TransactionFactory.create_batch(4, status="exported")
    client.force_login(supervisor)

    counts = {tab["label"]: tab["count"] for tab in client.get(QUEUE, {"status": TO_REVIEW}).context["tabs"]}

    assert counts["To review"] == "3" and counts["Rejected"] == "0"
    assert counts["Exported"] == "2+" and counts["All"] == "5+"


def test_the_tab_shown_says_the_exact_count_its_lines_were_counted_to(client, supervisor, monkeypatch):
    """On the All tab the page counts its own lines exactly ("1–7 of 7"): the tab says 7, not the
    lower bound of its capped decided states, and the one state past its cap is what the others
    leave of the 7."""
    monkeypatch.setattr(views, "DECIDED_CAP", 2)
    TransactionFactory.create_batch(3)
    TransactionFactory.create_batch(4, status="exported")
    client.force_login(supervisor)
    all_tab = next(tab for tab in client.get(QUEUE).context["tabs"] if tab["label"] == "All")

    response = client.get(QUEUE + all_tab["url"])

    counts = {tab["label"]: (tab["count"], tab["active"]) for tab in response.context["tabs"]}
    assert counts["All"] == ("7", True) and counts["Exported"] == ("4", False)
    assert counts["To review"] == ("3", False) and counts["Rejected"] == ("0", False)
    assert response.context["queue_totals"]["count"] == "7"


def test_two_states_past_their_caps_keep_their_lower_bounds(client, supervisor, monkeypatch):
    monkeypatch.setattr(views, "DECIDED_CAP", 2)
    TransactionFactory.create_batch(3, status="rejected")
    TransactionFactory.create_batch(4, status="exported")
    client.force_login(supervisor)

    counts = {tab["label"]: tab["count"] for tab in client.get(QUEUE).context["tabs"]}

    assert counts["All"] == "7" and counts["Rejected"] == "2+" and counts["Exported"] == "2+"


def test_a_filter_that_does_not_read_leaves_every_tab_uncounted(client, supervisor):
    TransactionFactory.create_batch(2)
    client.force_login(supervisor)

    response = client.get(QUEUE, {"collected_after": "31/31/2026"})

    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()
    assert all(tab["count"] is None for tab in response.context["tabs"])
