"""A supervisor opens an employee's day on the timesheet in Chromium and approves it."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import EmployeeFactory, TransactionFactory
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _plant_day(day):
    """Several employees, about 20 lines a day each, with a gap, an overlap and findings."""
    names = [("0000042", "Thomas", "Moreno"), ("0000043", "Ana", "Lindqvist"), ("0000044", "Raj", "Patel")]
    for number, first, last in names:
        EmployeeFactory(number=number, first_name=first, last_name=last)
        moment = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=6))
        for n in range(20):
            minutes = 24 if n % 7 else 40
            start = moment + timedelta(minutes=-10 if n == 5 else (15 if n == 11 else 0))
            stop = start + timedelta(minutes=minutes)
            txn = TransactionFactory(employee=number, work_order=f"{1001 + n % 4:07d}", step=f"{10 * (1 + n % 3):04d}",
                                     start=start, stop=stop, collected_at=stop,
                                     hours=Decimal(minutes / 60).quantize(Decimal("0.001")),
                                     status="flagged" if n == 8 else "needs_review")
            if n == 8:
                Finding.objects.create(transaction=txn, severity="warning", code="closed_step",
                                       message="The step was already marked complete in MAS")
            moment = stop


def test_a_supervisor_approves_an_employees_day(page, sign_in, supervisor):
    day = timezone.localdate() - timedelta(days=1)
    _plant_day(day)
    sign_in(supervisor)

    page.get_by_role("link", name="Timesheets").click()
    page.get_by_label("From", exact=True).fill(day.isoformat())
    page.get_by_label("To", exact=True).fill(day.isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_test_id("day-row")).to_have_count(3)
    page.set_viewport_size({"width": 1366, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "timesheet-days.png"), full_page=True)
    page.get_by_role("link", name="0000042").click()

    expect(page.get_by_test_id("line")).to_have_count(20)
    expect(page.get_by_test_id("gap")).to_have_count(1)
    expect(page.get_by_test_id("overlap")).to_have_count(1)
    expect(page.get_by_text("The step was already marked complete in MAS")).to_be_visible()
    page.screenshot(path=str(SHOTS / "timesheet-day.png"), full_page=True)
    page.get_by_role("button", name="Approve the day").click()

    expect(page.get_by_role("alert")).to_contain_text("Approved 20 lines")
    assert Transaction.objects.filter(employee="0000042", status="approved").count() == 20
    assert Transaction.objects.filter(status="approved").count() == 20
