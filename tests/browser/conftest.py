"""Playwright on Debian's Chromium (no browser download: the system one is used)."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """Sign in through the login page, as a person would."""

    def _sign_in(user, password: str = PASSWORD):
        page.goto("/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return _sign_in


@pytest.fixture
def live_plant(transactional_db, own_mas_company, export_dir):
    """The state of a working plant (``tests/plant.py``) committed, for the pages a browser opens.

    The live server reads through its own connection, so it sees only committed rows, and
    pytest-django flushes the database after each test that serves pages: the plant is built for
    each test that asks (about 4 s), not once per module as the root conftest's ``plant``."""
    from tests.plant import build_plant

    return build_plant(own_mas_company, export_dir)
