"""The mirror lists' CSV and XLSX hold the rows the pages show: MAS codes as words with the code,
yes/no as the word, quantities and costs as numbers, dates in one format."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import EmployeeFactory, ItemFactory, WorkOrderFactory
from tests.woscan_portal.exports import compare_exports

pytestmark = pytest.mark.django_db


def test_it_exports_work_orders_as_the_page_shows_them(client, supervisor):
    WorkOrderFactory(number="0001030", status="C", qty_ordered=Decimal("6.0000"), qty_complete=Decimal("6.0000"),
                     due_date=date(2026, 6, 27), last_step_complete="0040")
    WorkOrderFactory(number="0001031", status="O", on_hold=True, qty_ordered=Decimal("25.5000"), active=False)
    WorkOrderFactory(number="0001032", status="X")  # a code the portal does not know: shown as it is
    client.force_login(supervisor)

    tables = compare_exports(client, reverse("mas:workorder_list"),
                             numbers=("Qty ordered", "Qty complete", "Qty scrapped"))

    page, in_xlsx = tables["page"], tables["xlsx"]
    assert [row["Status"] for row in page] == ["Closed (C)", "Open (O)", "X"]
    assert page[0]["Qty ordered"] == "6" and in_xlsx[1]["Qty ordered"] == 25.5
    assert page[0]["Due date"] == in_xlsx[0]["Due date"] == "2026-06-27"
    assert [row["On hold"] for row in page] == ["No", "Yes", "No"]
    assert [row["In MAS"] for row in in_xlsx] == ["Yes", "No", "Yes"]


def test_it_exports_items_as_the_page_shows_them(client, supervisor):
    ItemFactory(code="ABR-FLP-45", item_type="1", standard_unit_cost=Decimal("48.4533"),
                mas_date_updated=date(2026, 9, 10))
    ItemFactory(code="/SETUP", item_type="3", standard_unit_cost=Decimal("0"), mas_inactive=True)
    client.force_login(supervisor)

    tables = compare_exports(client, reverse("mas:item_list"), numbers=("Standard unit cost",))

    page, in_xlsx = tables["page"], tables["xlsx"]
    assert [row["Item type"] for row in page] == ["Charge (3)", "Regular (1)"]
    assert in_xlsx[1]["Standard unit cost"] == 48.4533 and page[1]["Updated in MAS"] == "2026-09-10"
    assert [row["Inactive in MAS"] for row in in_xlsx] == ["Yes", "No"]


def test_it_exports_employees_as_the_page_shows_them(client, supervisor):
    EmployeeFactory(number="0000054", first_name="Maria", last_name="Lopez", hourly_rate=Decimal("24.5000"))
    EmployeeFactory(number="0000055", first_name="Tom", last_name="Reyes", hourly_rate=None, mas_inactive=True)
    client.force_login(supervisor)

    tables = compare_exports(client, reverse("mas:employee_list"), numbers=("Hourly rate",))

    assert tables["page"][0]["Employee"] == "0000054" and tables["csv"][0]["Last name"] == "Lopez"
    assert tables["xlsx"][0]["Hourly rate"] == 24.5 and tables["csv"][1]["Hourly rate"] == ""
