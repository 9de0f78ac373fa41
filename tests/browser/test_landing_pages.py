"""Each role signs in through the real login page in Chromium and lands on its own page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "path", "heading", "nav"),
    [
        ("supervisor", "/review/", "Review queue", ["Review queue", "Direct entry", "Batches", "MAS data", "Audit trail"]),
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
