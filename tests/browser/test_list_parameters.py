"""A hand-edited list address that cannot be read says why, in the portal's own page."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.factories import TransactionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bad_page_number_is_explained_and_leads_back_to_the_list(page, sign_in, supervisor):
    TransactionFactory.create_batch(3)
    sign_in(supervisor)

    page.goto("/review/transactions/?status=flagged&per_page=-5")

    expect(page.get_by_test_id("bad-request")).to_have_text(
        "per_page must be a whole number, 1 or more (not “-5”)."
    )
    if os.environ.get("WOSCAN_SCREENSHOTS"):
        page.screenshot(path=os.environ["WOSCAN_SCREENSHOTS"] + "/bad-list-parameter.png", full_page=True)
    page.get_by_role("link", name="Show the first page of this list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    assert page.url.endswith("/review/transactions/?status=flagged")  # the filter kept, the bad size gone
