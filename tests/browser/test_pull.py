"""An administrator changes the pull interval, runs Pull now and sees the run finish with its counts."""
from __future__ import annotations

import pytest
from django_q.models import Schedule
from playwright.sync_api import expect

from syncconfig.schedules import PULL
from tests.syncconfig.conftest import company, no_pause  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_changes_the_interval_and_pulls_now(page, sign_in, administrator, company, no_pause):  # noqa: F811
    sign_in(administrator)
    page.get_by_role("link", name="Server Configs").click()
    page.get_by_label("Interval Option (minutes)").fill("45")
    page.get_by_role("button", name="Save and reschedule").click()

    expect(page.get_by_role("alert").first).to_contain_text("The pull is rescheduled")
    expect(page.get_by_label("Interval Option (minutes)")).to_have_value("45")
    schedule = Schedule.objects.get(name=PULL)
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 45)

    page.get_by_role("button", name="Pull now").click()

    expect(page.get_by_test_id("run-status")).to_have_text("Succeeded")
    work_orders = page.locator("tr[data-table=work_orders]")
    expect(work_orders).to_contain_text("WO1_WorkOrderMaster")
    expect(work_orders.locator("td").nth(4)).to_have_text("60")  # read
    expect(work_orders.locator("td").nth(5)).to_have_text("60")  # inserted
    expect(page.locator("tr[data-table=items] td").nth(5)).to_have_text("300")
