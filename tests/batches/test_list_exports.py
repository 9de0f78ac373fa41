"""The batch lists' CSV and XLSX hold the rows the pages show, as plain values."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from batches.models import BatchStatus
from tests.woscan_portal.exports import compare_exports

pytestmark = pytest.mark.django_db


def _count(text: str) -> str:
    """The page says "2 differences"; the export holds the number (the texts are beside it)."""
    return text.split(" ")[0]


def test_it_exports_the_batches_as_the_page_shows_them(client, accountant, exported):
    exported.status = BatchStatus.IMPORTED
    exported.imported_at = timezone.now()
    exported.mas_lines = 3
    exported.discrepancies = ["Line 2: 1.25 hours in the portal, 1.5 in MAS.", "Line 4 is not in MAS."]
    exported.save()
    client.force_login(accountant)

    tables = compare_exports(client, "/batches/all/", numbers=("Lines", "Hours", "Quantity", "Lines in MAS"),
                             page_values={"Discrepancies": _count})

    page, in_csv, in_xlsx = tables["page"], tables["csv"], tables["xlsx"]
    assert page[0]["Batch"] == in_csv[0]["Batch"] == "000001" and page[0]["Status"] == "Imported into MAS"
    assert in_xlsx[0]["Hours"] == float(exported.total_hours) and in_csv[0]["Hours"] == "3.75"
    assert page[0]["Discrepancies"] == "2 differences" and in_xlsx[0]["Discrepancies"] == 2
    assert in_csv[0]["What differs"] == "; ".join(exported.discrepancies)
    assert page[0]["Exported"] == in_csv[0]["Exported"] == f"{timezone.localtime(exported.created_at):%Y-%m-%d %H:%M}"


def test_it_exports_a_batchs_lines_as_the_page_shows_them(client, accountant, exported):
    client.force_login(accountant)

    tables = compare_exports(client, "/batches/1/lines/", numbers=("Line", "Transaction", "Hours", "Quantity"))

    page, in_xlsx = tables["page"], tables["xlsx"]
    assert [row["Type"] for row in page] == ["Labor", "Labor", "Material issue", "Completion"]
    assert in_xlsx[0]["Hours"] == 2.5 and in_xlsx[2]["Quantity"] == 12.5 and page[2]["Quantity"] == "12.5"
    assert Decimal(page[1]["Hours"]) == Decimal("1.25")  # from start and stop
    assert isinstance(in_xlsx[0]["Transaction"], int)
