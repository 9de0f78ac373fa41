"""The error pages are the portal's own: its layout, the request id, what to tell an administrator —
and the server error page renders even when the database is down or the layout cannot."""
from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.woscan_portal.error_urls")]
REQUEST_ID = "plant-ref-20261202"


@pytest.fixture
def browser():
    """A client that gets the error page, as a browser does, instead of the exception."""
    return Client(raise_request_exception=False, HTTP_X_REQUEST_ID=REQUEST_ID)


def test_a_server_error_shows_the_portals_page_with_navigation_and_the_request_id(browser, supervisor):
    browser.force_login(supervisor)

    response = browser.get("/broken/")

    page = response.content.decode()
    assert response.status_code == 500
    assert response["X-Request-ID"] == REQUEST_ID
    assert "Something went wrong" in page and f'<code data-testid="request-id">{REQUEST_ID}</code>' in page
    assert "tell an administrator" in page
    assert 'class="navbar-brand"' in page and "Review queue" in page and "Sign out" in page
    assert 'name="csrfmiddlewaretoken"' in page  # Sign out works from the error page


def test_it_renders_for_a_visitor_not_signed_in(browser):
    response = browser.get("/broken-for-anyone/")

    page = response.content.decode()
    assert response.status_code == 500
    assert REQUEST_ID in page and 'class="navbar-brand"' in page and "Sign out" not in page


def test_it_renders_when_the_database_is_down(browser, supervisor, monkeypatch):
    browser.force_login(supervisor)

    def down(self, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    response = browser.get("/broken/")
    monkeypatch.undo()

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and REQUEST_ID in page and 'class="navbar-brand"' in page
    assert "Review queue" not in page  # who is signed in could not be read: no navigation, still a page


def test_it_falls_back_to_a_static_page_when_the_layout_cannot_render(browser, monkeypatch):
    from kernel import errors

    def broken(*args, **kwargs):
        raise RuntimeError("a template tag of the layout failed")

    monkeypatch.setattr(errors.loader, "get_template", broken)

    response = browser.get("/broken-for-anyone/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and REQUEST_ID in page and "tell an administrator" in page


def test_a_server_error_under_the_api_is_json_with_the_request_id(browser):
    response = browser.get("/api/broken")

    assert response.status_code == 500
    assert response.json()["request_id"] == REQUEST_ID


def test_a_missing_page_is_the_portals_own_with_the_request_id(browser, supervisor):
    browser.force_login(supervisor)

    response = browser.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and REQUEST_ID in page and "Review queue" in page


def test_a_refused_page_is_the_portals_own_with_the_request_id(browser, supervisor):
    browser.force_login(supervisor)

    response = browser.get(reverse("syncconfig:dashboard"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "You may not use this page" in page and REQUEST_ID in page and "Review queue" in page
