"""Correcting one field must leave every other field as it was."""
from __future__ import annotations

import pytest
from django.urls import reverse

from audit.log import history
from tests.factories import TransactionFactory
from tests.reviews.test_edit import FormValues

pytestmark = pytest.mark.django_db


def browser_post(client, url, **changes):
    """Submit the edit form as a browser does: every field shown, and a textarea's line breaks
    sent as CR LF (HTML's form submission normalises them so, whatever the page held)."""
    parser = FormValues("transaction-edit")
    html = client.get(url).content.decode()
    parser.feed(html)
    data = {k: v for k, v in parser.values.items() if k != "csrfmiddlewaretoken"}
    data["comment"] = data["comment"].replace("\r\n", "\n").replace("\n", "\r\n")
    return client.post(url, {**data, **changes})


def test_correcting_the_step_keeps_a_comment_of_two_lines_as_it_was(client, supervisor, quiet_validation):
    comment = "Jammed twice\nswapped the die"  # as the handheld sent it
    txn = TransactionFactory(step="0010", comment=comment)
    client.force_login(supervisor)
    url = reverse("reviews:transaction_edit", args=[txn.pk])

    response = browser_post(client, url, step="20")

    txn.refresh_from_db()
    assert response.status_code == 302 and txn.step == "0020"
    assert txn.comment == comment, "the comment was rewritten by an edit that did not touch it"
    assert set(history(txn).get().changes) <= {"step", "status"}
