"""Every list page built on ObjectListView pages lazily: no COUNT(*) however long the list."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.woscan_portal.urlwalk import named_patterns
from kernel.generic import ObjectListView


LIST_URLS = sorted(
    name
    for name, pattern in named_patterns()
    if not pattern.pattern.regex.groups
    and issubclass(getattr(pattern.callback, "view_class", type), ObjectListView)
)


def test_there_are_list_pages_to_check():
    assert len(LIST_URLS) >= 6


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_URLS)
def test_a_list_page_never_counts_its_rows(client, name):
    client.force_login(UserFactory(username="root", is_superuser=True))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))

    assert response.status_code == 200
    # A count capped at COUNT_CAP + 1 rows (the queue's "of 10,000+" and its state tabs; the decided
    # states' tabs at DECIDED_CAP + 1) reads at most that many index entries whatever the history;
    # a count of every row never happens.
    from reviews.views import COUNT_CAP, DECIDED_CAP

    capped = (f"LIMIT {COUNT_CAP + 1}", f"LIMIT {DECIDED_CAP + 1}")
    counting = [q["sql"] for q in queries
                if "COUNT(" in q["sql"].upper() and not any(limit in q["sql"].upper() for limit in capped)]
    assert counting == []
