"""Each role signs in through the real login page in Chromium and lands on its own page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "path", "heading", "nav"),
    [
        ("supervisor", "/review/", "Review queue", ["Review queue", "Timesheets", "Direct entry", "Batches", "MAS data", "Audit trail"]),
        ("accountant", "/batches/", "Export batches", ["Batches", "Audit trail"]),
        (
            "administrator", "/sync/", "Sync health",
            ["Batches", "Sync health", "Devices", "Processing options", "Users", "MAS data", "Audit trail"],
        ),
        ("floor_desktop", "/intake/entry/", "Direct entry", ["Direct entry"]),
    ],
)
def test_each_role_lands_on_its_page(request, live_server, page, sign_in, persona, path, heading, nav):
    user = request.getfixturevalue(persona)

    sign_in(user)

    expect(page).to_have_url(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    links = page.locator("#main-nav .nav-link")
    expect(links).to_have_text(nav)
    expect(page.get_by_test_id("current-user")).to_contain_text(user.groups.get().name)


def test_a_wrong_password_says_so_and_stays_on_the_login_page(page, supervisor):
    page.goto("/review/")
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    assert "/accounts/login/" in page.url


def test_signing_out_returns_to_the_login_page(page, sign_in, accountant):
    sign_in(accountant)
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/batches/")
    assert "/accounts/login/?next=/batches/" in page.url


def test_the_supervisor_opens_the_flagged_lines_from_the_landing_page(page, sign_in, supervisor):
    """Weeks of history behind it: the page shows what waits, and a card opens those lines."""
    import os
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import TransactionFactory

    old = timezone.now() - timedelta(days=40)
    TransactionFactory.create_batch(30, status="exported", collected_at=old)
    TransactionFactory.create_batch(4, status="rejected", collected_at=old)
    TransactionFactory.create_batch(6, status="exported", collected_at=timezone.now() - timedelta(days=2))
    TransactionFactory.create_batch(5, status="needs_review")
    flagged = TransactionFactory.create_batch(3, status="flagged")

    sign_in(supervisor)
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(page.get_by_test_id("count-flagged")).to_contain_text("3")
    expect(page.get_by_test_id("count-exported")).to_contain_text("6")  # the last 7 days, not the 36 of history
    if os.environ.get("WOSCAN_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["WOSCAN_SCREENSHOTS"], "supervisor-landing.png"), full_page=True)
    page.get_by_test_id("count-flagged").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")
    rows = page.locator("table tbody tr[data-status]")  # the queue's lines, not the keyboard help
    expect(rows).to_have_count(len(flagged))
