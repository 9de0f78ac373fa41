"""The supervisor's own settings of the queue, in Chromium: a saved filter that follows them to a
new browser, the single-key switch kept with them (and the browser's older switch honoured until
they choose), and the queue at 1024×768 without a sideways scroll.

The queue is realistic: long names of employees, devices and items, every type of line, warnings
and errors in plain words, 240 lines over three work centers (one bulk_create)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intake.devices import register_device
from reviews.models import ReviewPreferences, SavedFilter
from tests.browser.conftest import CHROMIUM  # noqa: F401 - the same Chromium as the other browser tests
from tests.factories import (
    PASSWORD, CrewFactory, EmployeeFactory, TransactionFactory, WorkCenterFactory, WorkOrderFactory,
    WorkOrderStepFactory,
)
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/review/transactions/"
SHOTS = "/tmp"
PEOPLE = {
    "0000021": ("Maria Guadalupe", "Hernández-Villanueva"), "0000022": ("Christopher", "Vanderberg-Okonkwo"),
    "0000023": ("Lin", "Chen"), "0000024": ("Anastasia", "Papadopoulou-Richardson"),
}
CENTERS = {"ASM": "Final assembly", "WLD": "Welding bay north", "FAB": "Sheet metal fabrication"}
NAME = "My work centers, errors first"


@pytest.fixture
def plant_queue(db):
    """240 lines waiting over three work centers: labor with long names, crew labor, material
    issues of long item codes, completions; every fourth has a warning, every seventh an error."""
    for code, description in CENTERS.items():
        WorkCenterFactory(code=code, description=description)
    for n, center in enumerate(CENTERS):
        number = f"00020{n + 1:02d}"
        WorkOrderFactory(number=number, item_description=f"Enclosure, NEMA 4X stainless, 36 x 30 x 12 — {center}")
        for step in ("0010", "0020", "0030"):
            WorkOrderStepFactory(work_order=number, step=step, work_center=center,
                                 description=f"{CENTERS[center]}, step {step}")
    for number, (first, last) in PEOPLE.items():
        EmployeeFactory(number=number, first_name=first, last_name=last)
    CrewFactory(number="C014", description="Second shift weld crew, north bay")
    devices = [register_device(name)[0] for name in ("Handheld 07 · Welding bay north", "Handheld 12 · Shipping")]
    kinds = ("labor", "labor", "crew_labor", "material_issue", "completion", "labor")
    start = timezone.now() - timedelta(days=2)
    lines = []
    for i in range(240):
        kind, center = kinds[i % len(kinds)], list(CENTERS)[i % 3]
        fields = {"hours": Decimal("1.25") * (i % 6 + 1)}
        if kind == "crew_labor":
            fields = {"crew": "C014", "employee": "", "hours": Decimal("7.75")}
        elif kind == "material_issue":
            fields = {"item_code": f"SHT-14GA-48X96-304SS-{i:03d}", "warehouse": "000", "quantity": Decimal("12.5"),
                      "hours": None, "employee": ""}
        elif kind == "completion":
            fields = {"qty_completed": Decimal("4"), "hours": None, "employee": ""}
        lines.append(TransactionFactory.build(
            type=kind, work_order=f"00020{i % 3 + 1:02d}", step=("0010", "0020", "0030")[i % 3], work_center=center,
            employee=fields.pop("employee", list(PEOPLE)[i % 4]), device=devices[i % 2],
            collected_at=start + timedelta(minutes=11 * i), status="flagged" if i % 7 == 0 else "needs_review",
            comment="Re-scanned after the badge reader failed at the start of the shift" if i % 5 == 0 else "",
            **fields,
        ))
    Transaction.objects.bulk_create(lines)
    findings = []
    for txn in Transaction.objects.order_by("id"):
        if txn.status == "flagged":
            findings.append(Finding(transaction=txn, severity="error", code="closed_work_order", field="work_order",
                                    message=f"Work order {txn.work_order} is closed in MAS."))
        if txn.pk % 4 == 0:
            findings.append(Finding(transaction=txn, severity="warning", code="quantity_over_remaining",
                                    field="quantity", message="Quantity is more than the order has remaining."))
            findings.append(Finding(transaction=txn, severity="warning", code="overlapping_labor", field="start",
                                    message="Overlaps another labor line."))
    Finding.objects.bulk_create(findings)
    return Transaction.objects.count()


def _no_sideways_scroll(page) -> dict:
    return page.evaluate("""() => { const s = document.scrollingElement;
      return {scroll: s.scrollWidth, client: s.clientWidth}; }""")


def _lines_of(page, selector: str) -> int:
    """How many lines of its tallest child one flex row is high (1: nothing wrapped)."""
    return page.evaluate("""(selector) => { const row = document.querySelector(selector);
      const tallest = Math.max(...Array.from(row.children).map((child) => child.getBoundingClientRect().height));
      return Math.round(row.getBoundingClientRect().height / tallest); }""", selector)


def _row_heights(page) -> list[float]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('.queue-table tbody tr[data-status]'))
      .map((row) => row.getBoundingClientRect().height)""")


@pytest.mark.parametrize("width", [1024, 1366])
def test_the_queue_does_not_scroll_sideways_and_keeps_rows_on_one_line(page, sign_in, supervisor, plant_queue, width):
    page.set_viewport_size({"width": width, "height": 768})
    sign_in(supervisor)
    page.goto(QUEUE)
    page.wait_for_load_state("load")
    page.screenshot(path=f"{SHOTS}/prefs-queue-{width}.png")

    sizes = _no_sideways_scroll(page)
    assert sizes["scroll"] <= sizes["client"], sizes
    # The filters (with the saved filters' menu) and the counts with the bulk buttons: a line each.
    assert _lines_of(page, ".queue-filters > .d-flex") == 1
    assert _lines_of(page, '[aria-label="Counts and bulk actions"]') == 1
    heights = _row_heights(page)
    assert len(heights) == 50
    assert max(heights) <= min(heights) + 1, sorted(set(heights))
    # Nothing essential went: each row still shows its line, state, work order, who and amount.
    first = page.locator(".queue-table tbody tr[data-status]").first
    for header in ("Line", "State", "Work order", "Employee / crew", "Hours / qty", "Findings"):
        expect(page.locator(".queue-table thead th", has_text=header).first).to_be_visible()
    expect(first.locator('a[data-testid="line-link"]')).to_be_visible()
