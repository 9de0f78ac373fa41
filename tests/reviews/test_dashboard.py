"""The supervisor's landing page counts what is waiting and what the last days decided, each
card a link to those lines in the queue, and never counts the whole history."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def card(html: str, status: str) -> str:
    start = html.rindex("<a ", 0, html.index(f'data-testid="count-{status}"'))
    return html[start:html.index("</a>", start)]


def test_it_counts_the_waiting_lines_and_the_last_weeks_decisions(client, supervisor):
    now, long_ago = timezone.now(), timezone.now() - timedelta(days=30)
    for status, n in (("needs_review", 3), ("flagged", 2), ("approved", 1), ("rejected", 4), ("exported", 5)):
        TransactionFactory.create_batch(n, status=status, collected_at=now - timedelta(hours=1))
    TransactionFactory.create_batch(2, status="needs_review", collected_at=long_ago)  # still waiting: counted
    TransactionFactory.create_batch(7, status="exported", collected_at=long_ago)  # history: not on the page
    TransactionFactory.create_batch(6, status="rejected", collected_at=long_ago)
    client.force_login(supervisor)

    html = client.get(reverse("reviews:dashboard")).content.decode()

    counts = {s: card(html, s).split('class="display-6">')[1].split("<")[0]
              for s in ("needs_review", "flagged", "approved", "rejected", "exported")}
    assert counts == {"needs_review": "5", "flagged": "2", "approved": "1", "rejected": "4", "exported": "5"}
    assert "Collected in the last 7 days" in html and "Approved, not yet sent to MAS" in html


def test_each_card_opens_the_queue_on_its_lines(client, supervisor):
    recent = TransactionFactory(status="exported", collected_at=timezone.now())
    TransactionFactory(status="exported", collected_at=timezone.now() - timedelta(days=30))
    waiting = TransactionFactory(status="flagged")
    client.force_login(supervisor)
    html = client.get(reverse("reviews:dashboard")).content.decode()

    def opened(status: str) -> set[int]:
        href = card(html, status).split('href="')[1].split('"')[0].replace("&amp;", "&")
        page = client.get(href)
        return {row.record.pk for row in page.context["table"].page.object_list}

    assert opened("exported") == {recent.pk}
    assert opened("flagged") == {waiting.pk}


def test_every_count_is_one_state_never_the_whole_history(client, supervisor):
    TransactionFactory.create_batch(3, status="exported")
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:dashboard")).status_code == 200

    # the cards' counts (the charts' grouped queries are tested in test_landing_charts)
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"].upper() and "GROUP BY" not in q["sql"].upper()]
    assert len(counts) == 5
    assert all('"status" =' in sql for sql in counts), counts


def test_a_pile_of_lines_nobody_sent_is_counted_no_further_than_the_cap(client, supervisor, monkeypatch):
    from reviews import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    TransactionFactory.create_batch(5, status="approved")
    TransactionFactory.create_batch(2, status="needs_review")
    client.force_login(supervisor)

    html = client.get(reverse("reviews:dashboard")).content.decode()

    assert ">3+<" in card(html, "approved") and ">2<" in card(html, "needs_review")
