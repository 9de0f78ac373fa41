"""The Users list's CSV and XLSX hold the rows the page shows."""
from __future__ import annotations

from datetime import datetime, timezone as tz

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from tests.woscan_portal.exports import compare_exports

pytestmark = pytest.mark.django_db


def test_it_exports_the_users_as_the_page_shows_them(client, administrator):
    lead = UserFactory(username="sue", first_name="Sue", last_name="Banks", roles=[Role.SUPERVISOR, Role.ACCOUNTANT])
    UserFactory(username="old.sue", first_name="", last_name="", is_active=False)
    get_user_model().objects.filter(pk=lead.pk).update(last_login=datetime(2026, 7, 1, 19, 30, tzinfo=tz.utc))
    client.force_login(administrator)

    tables = compare_exports(client, reverse("accounts:user_list"), params={"sort": "username"})

    page, in_csv = tables["page"], tables["csv"]
    sue = next(i for i, row in enumerate(page) if row["Username"] == "sue")
    assert page[sue]["Roles"] == in_csv[sue]["Roles"] == "Supervisor; Accountant"
    assert page[sue]["Last sign-in"] == in_csv[sue]["Last sign-in"] == "2026-07-01 14:30"
    assert page[sue]["Name"] == "Sue Banks" and page[sue]["Active"] == "Active"
    old = next(i for i, row in enumerate(page) if row["Username"] == "old.sue")
    assert in_csv[old]["Active"] == "Inactive" and in_csv[old]["Last sign-in"] == "" and in_csv[old]["Name"] == ""
