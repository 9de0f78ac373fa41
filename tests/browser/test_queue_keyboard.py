"""The supervisor's morning in the queue, in Chromium: a day cleared from the keyboard alone, the
"r" key that never types, the rows a 1366×768 screen shows, counts and totals against the
database, and "approve all that match" run as a job with its progress page.

The queue is realistic: four employees, five plant days, 300 lines with warnings and errors
(made with the project's factory, written with one bulk_create)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEntry
from kernel.filters import start_of_day
from tests.factories import EmployeeFactory, TransactionFactory, WorkCenterFactory, WorkOrderFactory, WorkOrderStepFactory
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {"0000011": ("Rosa", "Diaz"), "0000012": ("Ama", "Okafor"), "0000013": ("Lin", "Chen"), "0000014": ("Joe", "Park")}
DAYS = 5
PER_DAY = 15  # lines of each employee each day: 4 × 5 × 15 = 300
QUEUE = "/review/transactions/"


def _day(n: int):
    return timezone.localdate() - timedelta(days=n + 1)


@pytest.fixture
def queue(db):
    """300 lines waiting: each employee, each day, 15 lines; every fifth has a warning, and each
    employee's day has one line with an error (flagged)."""
    WorkCenterFactory(code="ASM", description="Assembly")
    for number in ("0001001", "0001002"):
        WorkOrderFactory(number=number)
        for step in ("0010", "0020"):
            WorkOrderStepFactory(work_order=number, step=step, work_center="ASM", description=f"Step {step}")
    for number, (first, last) in PEOPLE.items():
        EmployeeFactory(number=number, first_name=first, last_name=last)
    lines = []
    for d in range(DAYS):
        noon = start_of_day(_day(d)) + timedelta(hours=6)
        for employee in PEOPLE:
            for i in range(PER_DAY):
                lines.append(TransactionFactory.build(
                    employee=employee, work_order="0001001" if i % 2 else "0001002", step="0010",
                    work_center="ASM", collected_at=noon + timedelta(minutes=7 * i),
                    hours=Decimal("0.25") * (i % 7 + 1), status="flagged" if i == 3 else "needs_review",
                ))
    Transaction.objects.bulk_create(lines)
    findings = []
    for txn in Transaction.objects.order_by("id"):
        if txn.status == "flagged":
            findings.append(Finding(transaction=txn, severity="error", code="unknown_step", field="step",
                                    message=f"Step {txn.step} is not a step of work order {txn.work_order}."))
        elif txn.pk % 5 == 0:
            findings.append(Finding(transaction=txn, severity="warning", code="long_shift", field="hours",
                                    message="Hours over the shift."))
    Finding.objects.bulk_create(findings)
    assert Transaction.objects.count() == len(PEOPLE) * DAYS * PER_DAY
    return lines


def _rows(page):
    return page.locator(".queue-table tbody tr[data-status]")


def _row_pks(page) -> list[int]:
    return [int(t) for t in _rows(page).locator('a[data-testid="line-link"]').all_inner_texts()]


def _press(page, key, times=1):
    for _ in range(times):
        page.keyboard.press(key)


def _tab_to(page, element_id, most=4):
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab did not reach #{element_id}")


def _states(pks) -> dict[int, str]:
    return dict(Transaction.objects.filter(pk__in=pks).values_list("pk", "status"))


def test_a_supervisor_clears_one_employees_day_from_the_keyboard_alone(page, sign_in, supervisor, queue):
    day = _day(1)
    target = Transaction.objects.filter(employee="0000012", collected_at__gte=start_of_day(day),
                                        collected_at__lt=start_of_day(day + timedelta(days=1)))
    target_pks = set(target.values_list("pk", flat=True))
    error_pk = target.get(status="flagged").pk
    others_before = dict(Transaction.objects.exclude(pk__in=target_pks).values_list("pk", "status"))
    assert len(target_pks) == PER_DAY
    sign_in(supervisor)
    page.goto(QUEUE)
    page.wait_for_load_state("load")

    # "/" to the search box, the employee's name, then Tab through the row to the days.
    page.locator("body").focus()
    page.keyboard.press("/")
    expect(page.get_by_placeholder("Search (/)")).to_be_focused()
    page.keyboard.type("Okafor")
    for name in ("type", "work_center", "severity", "collected_after"):
        page.keyboard.press("Tab")
    expect(page.locator("#id_collected_after")).to_be_focused()
    page.keyboard.type(day.strftime("%m%d%Y"))
    _tab_to(page, "id_collected_before")  # Tab steps through the date's parts first
    expect(page.locator("#id_collected_before")).to_be_focused()
    page.keyboard.type(day.strftime("%m%d%Y"))
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("range")).to_have_text(f"1–{PER_DAY} of {PER_DAY}")
    assert set(_row_pks(page)) == target_pks

    # j/k move, Shift+X selects the page, x takes the line with the error out, a approves.
    pks = _row_pks(page)
    error_at = pks.index(error_pk)
    _press(page, "j", 3)  # the first j goes to the first row
    _press(page, "k", 2)
    expect(_rows(page).nth(0)).to_have_class(lambda_has("queue-current"))
    page.keyboard.press("Shift+X")
    expect(page.get_by_test_id("selected-totals")).to_contain_text(f"Selected {PER_DAY}:")
    _press(page, "ArrowDown", error_at)
    expect(_rows(page).nth(error_at)).to_have_class(lambda_has("queue-current"))
    page.keyboard.press("x")
    expect(page.get_by_test_id("selected-totals")).to_contain_text(f"Selected {PER_DAY - 1}:")
    page.keyboard.press("a")
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert").first).to_contain_text(f"Approved {PER_DAY - 1} lines")
    assert _states(target_pks - {error_pk}) == {pk: "approved" for pk in target_pks - {error_pk}}
    assert _states([error_pk]) == {error_pk: "flagged"}

    # The line with the error: to it with j, r, the reason typed, Ctrl+Enter.
    pks = _row_pks(page)
    error_at = pks.index(error_pk)
    _press(page, "j", error_at + 1)
    expect(_rows(page).nth(error_at)).to_have_class(lambda_has("queue-current"))
    page.keyboard.press("r")
    reason = page.locator("#reason-text")
    expect(reason).to_be_focused()
    expect(reason).to_have_value("")
    page.keyboard.type("Step does not exist, re-scan tomorrow")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert").first).to_contain_text("Rejected 1 line")

    rejected = Transaction.objects.get(pk=error_pk)
    assert rejected.status == "rejected"
    assert _states(target_pks - {error_pk}) == {pk: "approved" for pk in target_pks - {error_pk}}
    audit = AuditEntry.objects.filter(object_id__in=[str(pk) for pk in target_pks])
    by_line = {}
    for entry in audit:
        by_line.setdefault(int(entry.object_id), []).append(entry)
    assert {pk: [e.action for e in by_line.get(pk, [])] for pk in target_pks} == {
        pk: ["rejected" if pk == error_pk else "approved"] for pk in target_pks}
    assert {e.actor_id for e in audit} == {supervisor.pk}
    assert "re-scan tomorrow" in str(by_line[error_pk][0].__dict__)
    # Nothing else was touched: the other employees' lines and the other days.
    assert dict(Transaction.objects.exclude(pk__in=target_pks).values_list("pk", "status")) == others_before
    assert not AuditEntry.objects.exclude(object_id__in=[str(pk) for pk in target_pks]).filter(
        action__in=("approved", "rejected")).exists()


class lambda_has:  # noqa: N801 - reads as a matcher in expect(...).to_have_class(...)
    """A class attribute containing ``name`` (Playwright takes a regex)."""

    def __new__(cls, name):
        import re

        return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")
