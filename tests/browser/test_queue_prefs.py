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
from tests.factories import (
    PASSWORD, CrewFactory, EmployeeFactory, TransactionFactory, WorkCenterFactory, WorkOrderFactory,
    WorkOrderStepFactory,
)
from tests.browser.queue_rows import row_heights
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
    heights = row_heights(page)
    assert len(heights) == 50
    assert max(heights) <= min(heights) + 1, sorted(set(heights))
    # Nothing essential went: each row still shows its line, state, work order, who and amount.
    first = page.locator(".queue-table tbody tr[data-status]").first
    for header in ("Line", "State", "Work order", "Employee / crew", "Hours / qty", "Findings"):
        expect(page.locator(".queue-table thead th", has_text=header).first).to_be_visible()
    expect(first.locator('a[data-testid="line-link"]')).to_be_visible()


# --- journeys -------------------------------------------------------------------------------------
def _sign_in_on(page, user):
    page.goto("/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _shown_pks(page) -> list[int]:
    return [int(t) for t in page.locator('.queue-table a[data-testid="line-link"]').all_inner_texts()]


@pytest.fixture
def new_browser(chromium, live_server):
    """Another desktop: a browser context of its own (no cookies, no storage of the first)."""
    contexts = []

    def _open():
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def test_a_saved_filter_follows_the_supervisor_to_a_new_browser(page, sign_in, new_browser, supervisor, plant_queue):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(supervisor)
    page.goto(QUEUE)
    page.locator("#id_work_center").select_option("ASM")
    page.locator("#id_severity").select_option("error")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_load_state("load")
    expected = _shown_pks(page)
    wanted = Transaction.objects.filter(work_center="ASM", findings__severity="error").distinct()
    assert sorted(expected) == sorted(wanted.values_list("pk", flat=True)) and expected
    range_text = page.get_by_test_id("range").inner_text()

    # The menu of the filter row: open it (keyboard), name the filter, save.
    menu = page.get_by_test_id("saved-filters-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("No saved filters yet.")).to_be_visible()
    page.get_by_label("Save this filter as").fill(NAME)
    page.get_by_label("Save this filter as").press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert").first).to_contain_text(f"Saved “{NAME}”")
    saved = SavedFilter.objects.get()
    assert (saved.owner, saved.name) == (supervisor, NAME)
    assert _shown_pks(page) == expected
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("Username")).to_be_visible()

    # Another desktop: sign in, the plain queue, the filter from the menu.
    other = new_browser()
    _sign_in_on(other, supervisor)
    other.goto(QUEUE)
    other.wait_for_load_state("load")
    assert len(_shown_pks(other)) == 50  # every line: no filter yet
    other.get_by_test_id("saved-filters-menu").locator("summary").click()
    other.get_by_role("link", name=NAME).click()
    other.wait_for_load_state("load")

    assert _shown_pks(other) == expected
    expect(other.get_by_test_id("range")).to_have_text(range_text)
    expect(other.locator("#id_work_center")).to_have_value("ASM")
    expect(other.locator("#id_severity")).to_have_value("error")
    expect(other.get_by_test_id("saved-current")).to_have_text(f"· {NAME}")
    assert _lines_of(other, ".queue-filters > .d-flex") == 1
    other.screenshot(path=f"{SHOTS}/prefs-applied.png")
    other.get_by_test_id("saved-filters-menu").locator("summary").click()
    other.screenshot(path=f"{SHOTS}/prefs-menu.png")
    other.get_by_role("link", name=NAME).focus()
    other.keyboard.press("Escape")  # the menu closes, back to its summary
    assert other.get_by_test_id("saved-filters-menu").evaluate("(menu) => menu.open") is False
    expect(other.get_by_test_id("saved-filters-menu").locator("summary")).to_be_focused()


def _switch_keys(page, on: bool):
    page.get_by_role("button", name="Keyboard").click()
    toggle = page.locator("#keys-toggle")
    expect(toggle).to_be_visible()
    if toggle.is_checked() != on:
        toggle.focus()
        page.keyboard.press("Space")
    expect(page.locator("[data-keys-status]")).to_contain_text("Saved")
    page.screenshot(path=f"{SHOTS}/prefs-keys-help.png")
    page.get_by_role("button", name="Close").click()


def _states() -> dict[int, str]:
    return dict(Transaction.objects.values_list("pk", "status"))


def test_single_keys_turned_off_in_the_help_box_stay_off_on_reload_and_on_another_desktop(
    page, sign_in, new_browser, supervisor, plant_queue
):
    sign_in(supervisor)
    page.goto(QUEUE)
    page.wait_for_load_state("load")
    _switch_keys(page, on=False)
    assert ReviewPreferences.objects.get(user=supervisor).single_keys is False
    before = _states()

    # At once, without a reload: j marks no row, x picks none, a approves nothing.
    page.locator("body").click(position={"x": 5, "y": 300})
    for key in ("j", "x", "a"):
        page.keyboard.press(key)
    assert page.evaluate("document.querySelectorAll('.queue-current').length") == 0
    page.wait_for_timeout(300)
    assert page.url.endswith(QUEUE)
    assert _states() == before

    # The first row's link has the focus, as j would have given it: a still approves nothing.
    page.reload()
    page.wait_for_load_state("load")
    assert page.evaluate("document.body.dataset.singleKeys") == "off"
    page.locator('.queue-table a[data-testid="line-link"]').first.focus()
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    assert _states() == before
    assert not page.locator('input[name="pk"]:checked').count()
    page.get_by_role("button", name="Keyboard").click()
    expect(page.locator("#keys-toggle")).not_to_be_checked()
    page.get_by_role("button", name="Close").click()

    # Another desktop: off there too; turned on there, j and a work again.
    other = new_browser()
    _sign_in_on(other, supervisor)
    other.goto(QUEUE)
    other.wait_for_load_state("load")
    other.keyboard.press("j")
    assert other.evaluate("document.querySelectorAll('.queue-current').length") == 0
    _switch_keys(other, on=True)
    assert ReviewPreferences.objects.get(user=supervisor).single_keys is True
    other.keyboard.press("j")
    first = _shown_pks(other)[0]
    expect(other.locator(".queue-table tbody tr.queue-current")).to_have_count(1)
    other.keyboard.press("a")
    other.wait_for_load_state("load")
    expect(other.get_by_role("alert").first).to_contain_text("Approved 1 line")
    assert Transaction.objects.get(pk=first).status == "approved"


def test_a_browser_that_kept_the_old_switch_is_honoured_until_the_user_chooses(page, sign_in, supervisor, plant_queue):
    page.goto("/")
    page.evaluate("localStorage.setItem('woscan.singleKeys', 'off')")  # what keys.js kept before
    sign_in(supervisor)
    page.goto(QUEUE)
    page.wait_for_load_state("load")
    assert page.evaluate("document.body.dataset.singleKeys") == ""  # nothing chosen on the server

    page.keyboard.press("j")
    assert page.evaluate("document.querySelectorAll('.queue-current').length") == 0  # still off here
    page.get_by_role("button", name="Keyboard").click()
    expect(page.locator("#keys-toggle")).not_to_be_checked()
    page.get_by_role("button", name="Close").click()

    # The user chooses: the server's value wins from now on and the browser's is dropped.
    _switch_keys(page, on=True)
    assert ReviewPreferences.objects.get(user=supervisor).single_keys is True
    assert page.evaluate("localStorage.getItem('woscan.singleKeys')") is None
    page.reload()
    page.wait_for_load_state("load")
    page.keyboard.press("j")
    expect(page.locator(".queue-table tbody tr.queue-current")).to_have_count(1)


def test_the_servers_choice_wins_over_an_old_browser_value(page, sign_in, supervisor, plant_queue):
    ReviewPreferences.objects.create(user=supervisor, single_keys=True)
    page.goto("/")
    page.evaluate("localStorage.setItem('woscan.singleKeys', 'off')")
    sign_in(supervisor)
    page.goto(QUEUE)
    page.wait_for_load_state("load")

    page.keyboard.press("j")

    expect(page.locator(".queue-table tbody tr.queue-current")).to_have_count(1)
    assert page.evaluate("localStorage.getItem('woscan.singleKeys')") is None


def test_a_supervisor_renames_and_deletes_a_saved_filter_and_a_bad_name_says_why(
    page, sign_in, supervisor, plant_queue
):
    SavedFilter.objects.create(owner=supervisor, name="Welding", query="work_center=WLD")
    sign_in(supervisor)
    page.goto(f"{QUEUE}?work_center=ASM&severity=error")
    page.get_by_test_id("saved-filters-menu").locator("summary").click()
    page.get_by_label("Save this filter as").fill("welding")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("You already have a filter named “welding”: choose another name.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=f"{SHOTS}/prefs-add-error.png")
    page.get_by_label("Name").fill(NAME)
    page.get_by_role("button", name="Save filter").click()
    page.wait_for_load_state("load")
    assert sorted(SavedFilter.objects.values_list("name", flat=True)) == sorted([NAME, "Welding"])

    page.get_by_test_id("saved-filters-menu").locator("summary").click()
    page.get_by_role("link", name="Rename or delete saved filters").click()
    expect(page.get_by_test_id("saved-filter")).to_have_count(2)
    page.screenshot(path=f"{SHOTS}/prefs-list.png")
    page.get_by_role("link", name=f"Rename {NAME}").click()
    page.get_by_label("Name").fill("Assembly, errors")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"Renamed “{NAME}” to “Assembly, errors”.")
    page.get_by_role("button", name="Delete Welding").click()
    expect(page.get_by_role("alert").first).to_contain_text("Deleted the saved filter “Welding”.")
    kept = list(SavedFilter.objects.values_list("name", "query"))
    assert kept == [("Assembly, errors", "work_center=ASM&severity=error")]
    page.get_by_role("link", name="Assembly, errors", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator("#id_work_center")).to_have_value("ASM")
