"""Every list's paging and export parameters, read in one place (kernel.paging): a number
past the end shows the last page, a page size is capped, anything unreadable is a 400 that says
why, and only the export formats offered are served — never a 500."""
from __future__ import annotations

import pytest
from django.urls import reverse

from batches.models import BatchStatus, ExportBatch
from transactions.models import Device
from tests.factories import UserFactory
from tests.woscan_portal.test_list_pages import LIST_URLS
from kernel.paging import MAX_PER_PAGE

pytestmark = pytest.mark.django_db
HUGE = "999999999999999999999"


@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    return client


@pytest.fixture
def batch(db):
    return ExportBatch.objects.create(number=7, status=BatchStatus.EXPORTED)


def every_list(batch) -> list[tuple[str, str]]:
    """(address, page parameter) of every table on a list page, prefixed ones included."""
    pages = [(reverse(name), "page") for name in LIST_URLS]
    pages.append((reverse("batches:batchline_list", args=[batch.number]), "page"))
    pages.append((reverse("batches:exportbatch_detail", args=[batch.number]), "lines-page"))
    return pages


def test_it_shows_the_last_page_for_a_page_number_past_the_end_on_every_list(root, batch):
    for url, page in every_list(batch):
        for number in (HUGE, "4000000", "1" * 5000):
            response = root.get(url, {page: number})

            assert response.status_code == 200, (url, page, number)


def test_it_shows_the_last_page_that_has_rows(root):
    Device.objects.bulk_create(
        Device(name=f"HH-{n:03d}", token_prefix=f"{n:08d}", token_hash=f"h{n}") for n in range(120)
    )

    response = root.get(reverse("intake:device_list"), {"page": HUGE, "sort": "name"})

    table = response.context["table"]
    assert table.page.number == 3
    assert [row.record.name for row in table.page.object_list] == [f"HH-{n:03d}" for n in range(100, 120)]


@pytest.mark.parametrize("param, value", [
    ("page", "abc"), ("page", "0"), ("page", "-1"), ("page", "1.5"), ("per_page", "-5"), ("per_page", "0"),
    ("per_page", "ten"), ("per_page", "1e3"),
])
def test_an_unreadable_paging_parameter_is_a_400_that_says_which_on_every_list(root, batch, param, value):
    for url, page in every_list(batch):
        name = page.replace("page", param) if page != "page" else param

        response = root.get(url, {name: value})

        assert response.status_code == 400, (url, name, value)
        assert f"{name} must be a whole number, 1 or more" in response.content.decode()


def test_no_page_size_returns_a_whole_table(root):
    Device.objects.bulk_create(
        Device(name=f"HH-{n:04d}", token_prefix=f"{n:08d}", token_hash=f"h{n}") for n in range(MAX_PER_PAGE + 20)
    )

    response = root.get(reverse("intake:device_list"), {"per_page": "100000000"})

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == MAX_PER_PAGE
    small = root.get(reverse("intake:device_list"), {"per_page": "10"})
    assert len(small.context["table"].page.object_list) == 10


@pytest.mark.parametrize("export_format", ["ods", "xls", "yaml", "json", "latex", "tsv", "html", "pdf"])
def test_only_the_export_formats_offered_are_served_on_every_list(root, batch, export_format):
    for url, page in every_list(batch):
        if page == "lines-page":
            continue  # the batch page offers no export; its lines list does
        response = root.get(url, {"_export": export_format})

        assert response.status_code == 400, (url, export_format)
        assert response["Content-Type"].startswith("text/html")
        assert "_export: this list exports as CSV or XLSX only." in response.content.decode()


def test_the_offered_formats_are_still_served(root):
    for export_format, content_type in (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")):
        response = root.get(reverse("intake:device_list"), {"_export": export_format})

        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
