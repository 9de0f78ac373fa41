"""Correcting a line with the mirror's suggestions, in Chromium: type part of what the work order
makes, pick it and then its step with the keyboard, save."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from audit.log import history
from tests.factories import (
    EmployeeFactory, ItemFactory, TransactionFactory, WorkCenterFactory, WorkOrderFactory, WorkOrderStepFactory,
)
from tests.browser.queue_rows import row_heights
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    """Orders for carts, benches and a guard (one cart order closed), their steps, an employee."""
    WorkCenterFactory(code="ASM", description="Assembly")
    WorkCenterFactory(code="WELD", description="Welding")
    for number, made, status in (("0001001", "Bench, steel top", "O"), ("0001002", "Utility cart, 2 shelves", "O"),
                                 ("0001003", "Utility cart, 3 shelves", "C"), ("0001004", "Machine guard", "O")):
        WorkOrderFactory(number=number, item_description=made, status=status)
        for step, description, center in (("0010", "Cut tube", "ASM"), ("0020", "Weld frame", "WELD"),
                                          ("0030", "Assemble shelves", "ASM")):
            WorkOrderStepFactory(work_order=number, step=step, description=description, work_center=center)
    EmployeeFactory(number="0000001", first_name="Rosa", last_name="Diaz")
    for n in range(40):
        ItemFactory(code=f"CART-{n:02d}", description=f"Cart part {n}")


def test_a_supervisor_corrects_the_work_order_and_step_from_the_suggestions(page, sign_in, supervisor, shop):
    line = TransactionFactory(work_order="0001001", step="0010", employee="0000001", status="flagged")
    Finding.objects.create(transaction=line, severity="error", code="unknown_step", field="step",
                           message="Booked against the wrong order.")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(supervisor)
    page.goto(f"/review/transactions/{line.pk}/edit/")
    page.wait_for_load_state("load")

    order = page.get_by_role("combobox", name="Work order")
    order.fill("")
    order.press_sequentially("utility ca")
    listbox = page.get_by_role("listbox", name="Suggestions for Work order")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    # The open order first, the closed one after it, marked.
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("0001002")
    expect(options.nth(1)).to_contain_text("(closed)")
    expect(order).to_have_attribute("aria-expanded", "true")
    page.screenshot(path="/tmp/lookups/edit-work-order-suggestions.png")
    order.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(order).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    order.press("Enter")  # picks it; the form is not sent
    expect(order).to_have_value("0001002")
    expect(order).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#id_work_order-lookup-name")).to_have_text("Utility cart, 2 shelves")

    step = page.get_by_role("combobox", name="Step*", exact=True)
    step.fill("")
    step.press_sequentially("weld")
    step_list = page.get_by_role("listbox", name="Suggestions for Step")
    expect(step_list.get_by_role("option")).to_have_count(1)  # the steps of order 0001002 only
    expect(step_list.get_by_role("option")).to_contain_text("0020")
    page.screenshot(path="/tmp/lookups/edit-step-suggestions.png")
    step.press("ArrowDown")
    step.press("Enter")
    expect(step).to_have_value("0020")

    # Escape closes an open list and leaves what was typed.
    employee = page.get_by_role("combobox", name="Employee")
    employee.fill("")
    employee.press_sequentially("dia")
    expect(page.get_by_role("listbox", name="Suggestions for Employee")).to_be_visible()
    employee.press("Escape")
    expect(page.get_by_role("listbox", name="Suggestions for Employee")).to_be_hidden()
    employee.fill("0000001")

    page.get_by_label("Why (optional)").fill("booked on the bench order by mistake")
    page.get_by_role("button", name="Save and re-check").click()

    expect(page.get_by_role("alert").first).to_contain_text("Saved (work order, step)")
    expect(page.locator('[data-field="work_order"]')).to_contain_text("0001002")
    expect(page.locator('[data-field="step"]')).to_contain_text("0020")
    expect(page.get_by_test_id("history")).to_contain_text("0001001 → 0001002")
    line = Transaction.objects.get(pk=line.pk)
    assert (line.work_order, line.step, line.work_center) == ("0001002", "0020", "WELD")
    corrected = history(line).get(action="corrected")
    assert corrected.changes["work_order"] == ["0001001", "0001002"]
    assert corrected.changes["step"] == ["0010", "0020"]
    assert corrected.reason == "booked on the bench order by mistake"
    assert corrected.actor == supervisor


def test_the_queue_shows_names_beside_the_keys_on_one_line(page, sign_in, supervisor, shop):
    from tests.factories import CrewFactory

    CrewFactory(number="C001", description="Weld crew, second shift, building 2 (north bay)")
    for n in range(30):
        if n % 3:
            TransactionFactory(work_order=f"000100{1 + n % 4}", step="0020", employee="0000001")
        else:
            TransactionFactory(type="crew_labor", employee="", crew="C001", work_order="0001002", step="0030")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(supervisor)
    page.goto("/review/transactions/")
    page.wait_for_load_state("load")
    page.screenshot(path="/tmp/lookups/queue-names-1366.png")

    crew = page.locator("tbody tr[data-status] .key-name[title^='Weld crew, second shift']").first
    expect(crew).to_be_visible()
    heights = row_heights(page)
    assert len(heights) == 30 and max(heights) - min(heights) <= 1  # none wraps
    cut = page.evaluate("""(el) => { const cell = el.closest('td'); return cell.scrollWidth > cell.clientWidth; }""",
                        crew.element_handle())
    assert cut  # the cell cuts it to the column, the whole name in the tooltip
