"""The review queue's CSV and XLSX hold the rows the page shows, as plain values."""
from __future__ import annotations

from datetime import datetime, timezone as tz
from decimal import Decimal

import pytest
from django.urls import reverse

from intake.devices import register_device
from tests.factories import EmployeeFactory, TransactionFactory
from tests.woscan_portal.exports import compare_exports
from transactions.models import Finding

pytestmark = pytest.mark.django_db
LIST = reverse("reviews:transaction_list")
COLLECTED = datetime(2026, 7, 1, 19, 30, 5, 123456, tzinfo=tz.utc)  # 14:30 in Chicago (CDT)


def _number_only(text: str) -> str:
    """The page shows "0000054 Maria Lopez"; the export the number, and the name in a column of its own."""
    return text.split(" ")[0] if text[:1].isdigit() else text


@pytest.fixture
def queue(db):
    device, _ = register_device("Handheld 07 (Weld)")
    EmployeeFactory(number="0000054", first_name="Maria", last_name="Lopez")
    labor = TransactionFactory(status="flagged", work_order="0001030", step="0020", employee="0000054",
                               hours=Decimal("2.500"), collected_at=COLLECTED, device=device)
    Finding.objects.create(transaction=labor, severity="error", code="closed_work_order", field="work_order",
                           message="Work order 0001030 is closed in MAS.")
    Finding.objects.create(transaction=labor, severity="warning", code="step_already_complete", field="step",
                           message="Step 0020 is already complete in MAS.")
    issue = TransactionFactory(type="material_issue", step="", employee="", hours=None, item_code="=HYPERLINK(1)",
                               warehouse="000", quantity=Decimal("-2.0000"), collected_at=COLLECTED, device=device)
    crew = TransactionFactory(type="crew_labor", employee="", crew="C001", hours=Decimal("0.750"),
                              collected_at=COLLECTED, device=device)
    done = TransactionFactory(type="completion", step="", employee="", hours=None, qty_completed=Decimal("10"),
                              collected_at=COLLECTED, device=device, status="approved")
    return labor, issue, crew, done


def test_it_exports_the_queue_as_the_page_shows_it(client, supervisor, queue):
    labor, issue, crew, done = queue
    client.force_login(supervisor)

    tables = compare_exports(client, LIST, params={"status": ["flagged", "needs_review", "approved"], "sort": "id"},
                             page_only=("Hours / qty", "Findings"), numbers=("Line", "Hours", "Quantity", "Qty completed"),
                             page_values={"Employee / crew": _number_only})

    page, in_csv, in_xlsx = tables["page"], tables["csv"], tables["xlsx"]
    assert page[0]["Line"] == str(labor.pk) and in_xlsx[0]["Line"] == labor.pk  # the number, not a link
    assert page[0]["State"] == in_csv[0]["State"] == "Flagged"
    assert page[0]["Collected"] == in_csv[0]["Collected"] == "2026-07-01 14:30"  # plant time, one format
    # the page: the worst finding in plain words and "+1"; the export: every finding's full message
    assert page[0]["Findings"].startswith("Error: Work order is closed in MAS")
    assert in_csv[0]["Findings"] == ("Error: Work order 0001030 is closed in MAS.; "
                                     "Warning: Step 0020 is already complete in MAS.")
    assert page[0]["Hours / qty"] == "2.5 h" and in_csv[0]["Hours"] == "2.5" and in_xlsx[0]["Hours"] == 2.5
    assert page[1]["Hours / qty"] == "-2" and in_xlsx[1]["Quantity"] == -2 and in_csv[1]["Hours"] == ""
    assert in_csv[1]["Item"] == "'=HYPERLINK(1)"  # neutralised, as every people-facing export
    assert page[2]["Employee / crew"] == in_csv[2]["Employee / crew"] == "crew C001"
    assert page[3]["Hours / qty"] == "10 done" and in_xlsx[3]["Qty completed"] == 10
    assert page[0]["Employee / crew"] == "0000054 Maria Lopez"  # the name beside the number
    assert in_csv[0]["Employee / crew"] == "0000054" and in_csv[0]["Employee name"] == "Maria Lopez"
    assert page[0]["Device / user"] == in_csv[0]["Device / user"] == "Handheld 07 (Weld)"
