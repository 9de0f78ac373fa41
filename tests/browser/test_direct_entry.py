"""A desktop user on the floor enters a labor line with the keyboard only (as a wedge scanner would)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from audit.log import history
from tests.factories import EmployeeFactory, UserFactory, WorkOrderFactory, WorkOrderStepFactory
from transactions.models import Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_desktop_user_enters_a_labor_line_with_the_keyboard_and_sees_it_stored_and_flagged(page, sign_in):
    user = UserFactory(username="dee.desktop", roles=[Role.FLOOR_DESKTOP])
    WorkOrderFactory(number="0001045", status="C")
    WorkOrderStepFactory(work_order="0001045", step="0010")
    EmployeeFactory(number="0000042", first_name="Pat", last_name="Welder")

    sign_in(user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Direct entry")
    expect(page.get_by_label("Employee *")).to_be_focused()
    for value in ("0000042", "0001045", "0010", "07:00", "09:30"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("findings")).to_contain_text("Work order 0001045 is closed in MAS.")
    for _ in ("hours", "qty_completed", "step_complete"):
        page.keyboard.press("Enter")
    page.keyboard.type("scanned at cell 4")
    page.keyboard.press("Enter")  # on the last field: stores the line

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(": flagged. Work order 0001045 is closed in MAS.")
    txn = Transaction.objects.get()
    expect(alert).to_contain_text(f"Stored labor line #{txn.pk}: flagged.")
    assert (txn.employee, txn.work_order, txn.step, txn.hours, txn.comment) == (
        "0000042", "0001045", "0010", Decimal("2.500"), "scanned at cell 4"
    )
    assert (txn.status, txn.source, txn.entered_by) == ("flagged", "user", user)
    assert list(txn.findings.values_list("code", flat=True)) == ["closed_work_order"]
    assert history(txn).get().action == "collected"
    expect(page.get_by_label("Employee *")).to_be_focused()  # ready for the next line
    expect(page.get_by_label("Employee *")).to_have_value("")


def test_a_field_error_of_a_refused_line_shows_once_while_one_types_on(page, sign_in):
    """The page answers a line it cannot store with the field's error; the check as you type then
    takes over that field's message instead of showing it a second time beside the server's."""
    user = UserFactory(username="dee.desktop", roles=[Role.FLOOR_DESKTOP])
    WorkOrderFactory(number="0001045")
    WorkOrderStepFactory(work_order="0001045", step="0010")
    EmployeeFactory(number="0000042")

    sign_in(user)
    for value in ("0000042", "0001045", "0010", "", "", "two"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    page.get_by_role("button", name="Store line").click()
    hours = page.get_by_label("Hours")
    expect(page.locator("#direct-entry").get_by_text("Must be a number.")).to_have_count(1)

    hours.click()
    page.keyboard.type("x")
    page.get_by_label("Comment").click()  # leaving a field checks the line

    expect(page.locator(".live-error")).to_have_text(["Must be a number."])
    expect(page.locator("#direct-entry").get_by_text("Must be a number.")).to_have_count(1)
    assert not Transaction.objects.exists()
