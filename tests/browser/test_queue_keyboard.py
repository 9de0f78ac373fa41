"""The supervisor's morning in the queue, in Chromium: a day cleared from the keyboard alone, the
"r" key that never types, the rows a 1366×768 screen shows, counts and totals against the
database, and "approve all that match" run as a job with its progress page.

The queue is realistic: four employees, five plant days, 300 lines with warnings and errors
(made with the project's factory, written with one bulk_create)."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEntry
from reviews.models import ReviewPreferences
from kernel.filters import start_of_day
from tests.factories import (
    EmployeeFactory, TransactionFactory, WorkCenterFactory, WorkOrderFactory, WorkOrderStepFactory,
)
from tests.browser.queue_rows import row_boxes
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {"0000011": ("Rosa", "Diaz"), "0000012": ("Ama", "Okafor"), "0000013": ("Lin", "Chen"),
          "0000014": ("Joe", "Park")}
DAYS = 5
PER_DAY = 15  # lines of each employee each day: 4 × 5 × 15 = 300
QUEUE = "/review/transactions/"
CURRENT = re.compile(r"(^|\s)queue-current(\s|$)")  # the row the keys act on


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
    expect(_rows(page).nth(0)).to_have_class(CURRENT)
    page.keyboard.press("Shift+X")
    expect(page.get_by_test_id("selected-totals")).to_contain_text(f"Selected {PER_DAY}:")
    _press(page, "ArrowDown", error_at)
    expect(_rows(page).nth(error_at)).to_have_class(CURRENT)
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
    expect(_rows(page).nth(error_at)).to_have_class(CURRENT)
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


FIELDS_VALUES = """Array.from(document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), textarea'))
    .map((f) => f.value).filter((v) => v.includes('r'))"""


def test_r_never_types_into_a_field_and_types_an_r_while_typing(page, sign_in, supervisor, queue):
    sign_in(supervisor)
    page.goto(QUEUE + "?employee=12")
    page.wait_for_load_state("load")
    search = page.get_by_placeholder("Search (/)")

    # On the page, r on the current line opens the reason box, empty.
    page.keyboard.press("j")
    page.keyboard.press("r")
    reason = page.locator("#reason-text")
    expect(reason).to_be_focused()
    expect(reason).to_have_value("")
    assert page.evaluate(FIELDS_VALUES) == []
    # In the reason box, r is a letter.
    page.keyboard.type("rr")
    expect(reason).to_have_value("rr")
    page.keyboard.press("Escape")
    expect(page.locator("#reason-dialog")).not_to_be_visible()

    # In the search box, r is a letter too and no box opens.
    page.keyboard.press("/")
    page.keyboard.type("rar")
    expect(search).to_have_value("rar")
    expect(page.locator("#reason-dialog")).not_to_be_visible()

    # The line page: r focuses the reason without typing; typed there, r is an r.
    line = Transaction.objects.filter(employee="0000012", status="needs_review").first()
    page.goto(f"/review/transactions/{line.pk}/")
    page.wait_for_load_state("load")
    page.keyboard.press("r")
    line_reason = page.locator('[data-key="reason"]')
    expect(line_reason).to_be_focused()
    expect(line_reason).to_have_value("")
    assert page.evaluate(FIELDS_VALUES) == []
    page.keyboard.type("rework")
    expect(line_reason).to_have_value("rework")
    assert Transaction.objects.get(pk=line.pk).status == "needs_review"

    # The switch in the help: off, and r, j, a do nothing on the queue.
    page.goto(QUEUE + "?employee=12")
    page.wait_for_load_state("load")
    page.keyboard.press("?")
    toggle = page.locator("#keys-toggle")
    expect(toggle).to_be_checked()
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).not_to_be_checked()
    expect(page.locator("[data-keys-status]")).to_contain_text("Saved")
    assert ReviewPreferences.objects.get(user=supervisor).single_keys is False  # kept with the user
    page.keyboard.press("Escape")
    page.reload()
    page.wait_for_load_state("load")
    before = dict(Transaction.objects.values_list("pk", "status"))
    for key in ("j", "x", "r", "a", "/"):
        page.keyboard.press(key)
    expect(page.locator("#reason-dialog")).not_to_be_visible()
    expect(page.locator("#keys-help")).not_to_be_visible()
    assert page.evaluate("document.querySelectorAll('.queue-current').length") == 0
    assert not page.locator('input[name="pk"]:checked').count()
    assert page.evaluate("document.activeElement === document.body")
    assert dict(Transaction.objects.values_list("pk", "status")) == before


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_queue_shows_at_least_15_rows_on_one_line_each_at_768_high(page, sign_in, supervisor, queue, width):
    page.set_viewport_size({"width": width, "height": 768})
    sign_in(supervisor)
    page.goto(QUEUE)
    page.wait_for_load_state("load")
    page.screenshot(path=f"/work/shots/queuekeys-{width}.png")
    rows = row_boxes(page)
    visible = [r for r in rows if r["bottom"] <= 768]
    single = min(r["height"] for r in rows)
    if width == 1366:
        assert len(visible) >= 15, (len(visible), rows[:2])
    # One line each: every row as high as the lowest one (a wrapped cell makes its row taller).
    tall = [i for i, r in enumerate(rows) if r["height"] > single + 1]
    assert not tall, (single, [rows[i] for i in tall[:3]])
    assert single < 2 * rows[0]["line"] + 1


def test_counts_and_totals_match_the_database(page, sign_in, supervisor, queue):
    from reviews.views import TABS

    sign_in(supervisor)
    page.goto(QUEUE + "?employee=13&severity=warning")
    page.wait_for_load_state("load")
    shown = Transaction.objects.filter(employee="0000013", findings__severity="warning").distinct()
    counts = page.get_by_test_id("tab-count").all_inner_texts()
    expected = []
    for _, statuses in TABS:
        rows = shown.filter(status__in=statuses) if statuses else shown
        expected.append(f"{rows.count():,}")
    assert counts == expected
    active = page.locator(".queue-tabs .nav-link.active")
    in_view = shown.filter(status__in=_active_statuses(page, TABS)) if active.count() else shown
    n = in_view.count()
    expect(page.get_by_test_id("range")).to_have_text(f"1–{min(n, 50)} of {n}")
    sums = in_view.aggregate(h=Sum("hours"))
    expect(page.get_by_test_id("filtered-totals")).to_contain_text(f"Total {_num(sums['h'])} h")

    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    checked = page.locator('tr:has(input[name="pk"]:checked) a[data-testid="line-link"]')
    picked = [int(t) for t in checked.all_inner_texts()]
    assert len(picked) == 2
    hours = Transaction.objects.filter(pk__in=picked).aggregate(h=Sum("hours"))["h"]
    expect(page.get_by_test_id("selected-totals")).to_contain_text(f"Selected 2: {_num(hours)} h")


def _active_statuses(page, tabs):
    label = page.locator(".queue-tabs .nav-link.active").inner_text().split("\n")[0].strip()
    label = label.rsplit(" ", 1)[0] if label[-1].isdigit() else label
    return [s for name, statuses in tabs if name == label for s in statuses] or [
        s for _, statuses in tabs for s in statuses]


def _num(value) -> str:
    return f"{Decimal(value).normalize():,f}"


def test_approve_all_that_match_runs_as_a_job_and_its_page_shows_the_progress(
    page, sign_in, supervisor, queue, monkeypatch
):
    from reviews import bulk
    from reviews.models import BulkDecision

    queued = []
    monkeypatch.setattr(bulk, "SYNC_LIMIT", 5)
    monkeypatch.setattr(bulk, "chunk_size", lambda: 4)
    monkeypatch.setattr(bulk, "enqueue", queued.append)  # the cluster is this test: it runs the job below
    day = _day(2)
    scope = Transaction.objects.filter(employee="0000014", collected_at__gte=start_of_day(day),
                                       collected_at__lt=start_of_day(day + timedelta(days=1)))
    waiting = set(scope.filter(status="needs_review").values_list("pk", flat=True))
    sign_in(supervisor)
    page.goto(f"{QUEUE}?employee=14&collected_after={day}&collected_before={day}")
    page.get_by_role("button", name="Approve all that match the filter…").click()
    expect(page.get_by_text("runs in the background")).to_be_visible()
    page.get_by_role("button", name=f"Approve {len(waiting)}", exact=True).click()
    expect(page.get_by_test_id("job-state")).to_be_visible()
    job = BulkDecision.objects.get()
    assert queued == [job.pk]
    expect(page.get_by_test_id("job-progress")).to_contain_text(f"0 of {PER_DAY} lines looked at")

    assert bulk.run(job.pk)
    expect(page.get_by_test_id("job-state")).to_have_text("Finished", timeout=8_000)
    expect(page.get_by_test_id("job-progress")).to_contain_text(f"{PER_DAY} of {PER_DAY} lines looked at")
    expect(page.get_by_test_id("job-progress")).to_contain_text(f"{len(waiting)} approved, 1 skipped")
    assert page.locator("#job-progress").evaluate("(bar) => [bar.value, bar.max]") == [PER_DAY, PER_DAY]
    assert _states(waiting) == {pk: "approved" for pk in waiting}
    assert set(scope.exclude(pk__in=waiting).values_list("status", flat=True)) == {"flagged"}
    audited = AuditEntry.objects.filter(action="approved")
    assert sorted(int(e.object_id) for e in audited) == sorted(waiting)
    assert {e.actor_id for e in audited} == {supervisor.pk}
