"""The server error page in a browser: the portal's layout, the request id to give an administrator."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.woscan_portal.error_urls")]


def test_a_server_error_shows_the_layout_and_the_reference(page, sign_in, supervisor, tmp_path):
    sign_in(supervisor)

    response = page.goto("/broken/")

    assert response.status == 500
    expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    expect(page.get_by_role("link", name="Review queue")).to_be_visible()
    reference = page.get_by_test_id("request-id")
    expect(reference).to_have_text(re.compile(r"^[0-9a-f]{32}$"))
    assert reference.inner_text() == response.headers["x-request-id"]
    page.screenshot(path=tmp_path / "server-error.png", full_page=True)


@pytest.mark.parametrize("path", ["/manage.py", "/woscan_portal/settings.py", "/var/woscan.sqlite3"])
def test_the_live_server_serves_no_file_of_the_checkout(live_server, path):
    """The test server's media handler must not take an empty MEDIA_URL for the working directory."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(live_server.url + path) as answer:
            body = answer.read()
    except urllib.error.HTTPError as refused:
        assert refused.code in (302, 403, 404)
    else:
        assert b"DJANGO_SETTINGS_MODULE" not in body and b"SECRET_KEY" not in body and not body.startswith(b"SQLite")
