"""Every list page built on ObjectListView pages lazily: no COUNT(*) however long the list."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from woscan_portal.generic import ObjectListView


def _list_urls(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _list_urls(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            view_class = getattr(entry.callback, "view_class", None)
            if view_class and issubclass(view_class, ObjectListView):
                yield f"{prefix}{entry.name}"


LIST_URLS = sorted(_list_urls())


def test_there_are_list_pages_to_check():
    assert len(LIST_URLS) >= 6


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_URLS)
def test_a_list_page_never_counts_its_rows(client, name):
    client.force_login(UserFactory(username="root", is_superuser=True))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))

    assert response.status_code == 200
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counting == []
