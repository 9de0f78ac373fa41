"""The supervisor's journey through the review queue, in Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from transactions.models import Finding, Transaction
from tests.factories import (
    PASSWORD, EmployeeFactory, TransactionFactory, UserFactory, WorkCenterFactory, WorkOrderFactory,
    WorkOrderStepFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    """Work order 1001 with steps 0010 and 0020, order 1002, and one employee."""
    WorkCenterFactory(code="ASM", description="Assembly")
    for number in ("0001001", "0001002"):
        WorkOrderFactory(number=number)
        for step in ("0010", "0020"):
            WorkOrderStepFactory(work_order=number, step=step, work_center="ASM", description=f"Step {step}")
    EmployeeFactory(number="0000001", first_name="Rosa", last_name="Diaz")


def second_browser(chromium, live_server, user):
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


def test_a_supervisor_filters_bulk_approves_then_fixes_and_approves_one_line(page, sign_in, supervisor, shop):
    from django.utils import timezone
    from datetime import timedelta

    now = timezone.now()
    good = [TransactionFactory(work_order="0001001", collected_at=now - timedelta(hours=i + 2),
                               start=None) for i in range(2)]
    wrong_step = TransactionFactory(work_order="0001001", step="0090", status="flagged",
                                    collected_at=now - timedelta(hours=1))
    Finding.objects.create(transaction=wrong_step, severity="error", code="unknown_step", field="step",
                           message="Step 0090 is not a step of work order 0001001.")
    elsewhere = TransactionFactory(work_order="0001002")
    sign_in(supervisor)

    page.get_by_role("link", name="Open the queue").click()
    page.get_by_text("More filters").click()  # the work order filter is under "More filters"
    page.get_by_label("Work order").fill("1001")
    page.get_by_role("button", name="Filter", exact=True).click()
    rows = page.locator("table tbody tr[data-status]")  # the queue's lines, not the keyboard help
    expect(rows).to_have_count(3)

    page.get_by_label("Select all rows on this page").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_test_id("will-change")).to_contain_text("2 of the 3 selected lines will be approved")
    expect(page.get_by_test_id("skipped")).to_contain_text("1 because it has an error-level finding")
    page.get_by_role("button", name="Approve 2").click()
    expect(page.get_by_role("alert").first).to_contain_text("Approved 2 lines. Skipped 1")
    assert {t.pk for t in Transaction.objects.filter(status="approved")} == {t.pk for t in good}
    assert Transaction.objects.get(pk=elsewhere.pk).status == "needs_review"

    page.get_by_role("link", name=str(wrong_step.pk), exact=True).click()
    expect(page.get_by_test_id("findings")).to_contain_text("Step 0090 is not a step")
    page.wait_for_load_state("load")  # the shortcut script is a separate file: wait for it
    page.keyboard.press("e")
    page.get_by_label("Step*", exact=True).fill("0020")
    page.get_by_role("button", name="Save and re-check").click()
    expect(page.get_by_role("alert").first).to_contain_text("Saved (step)")
    expect(page.get_by_test_id("findings")).not_to_contain_text("Step 0090")
    page.wait_for_load_state("load")
    page.keyboard.press("a")

    expect(page.get_by_role("alert").first).to_contain_text("Approved 1 line.")
    wrong_step.refresh_from_db()
    assert (wrong_step.step, wrong_step.status) == ("0020", "approved")
    assert [e.action for e in wrong_step_history(wrong_step)] == ["approved", "corrected"]


def wrong_step_history(txn):
    from audit.log import history

    return list(history(txn))


def test_a_second_session_editing_the_same_line_gets_the_conflict_message(
    page, sign_in, chromium, live_server, supervisor, shop
):
    other = UserFactory(username="sam.second", first_name="Sam", last_name="Second", roles=["Supervisor"])
    txn = TransactionFactory(work_order="0001001", step="0010")
    edit_url = f"/review/transactions/{txn.pk}/edit/"
    sign_in(supervisor)
    context, their_page = second_browser(chromium, live_server, other)
    try:
        page.goto(edit_url)
        their_page.goto(edit_url)

        their_page.get_by_label("Step*", exact=True).fill("0020")
        their_page.get_by_role("button", name="Save and re-check").click()
        expect(their_page.get_by_role("alert").first).to_contain_text("Saved (step)")

        page.get_by_label("Hours").fill("3")
        page.get_by_role("button", name="Save and re-check").click()

        expect(page.get_by_test_id("form-errors")).to_contain_text("changed by Sam Second at")
        expect(page.get_by_test_id("form-errors")).to_contain_text("review their change")
        page.get_by_role("link", name="Review their change").click()
        expect(page.get_by_test_id("history")).to_contain_text("sam.second")
    finally:
        context.close()
    txn.refresh_from_db()
    assert (txn.step, str(txn.hours)) == ("0020", "2.000")
