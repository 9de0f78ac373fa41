"""The device list's CSV and XLSX hold the rows the page shows."""
from __future__ import annotations

from datetime import datetime, timezone as tz

import pytest
from django.urls import reverse

from intake.devices import register_device, revoke_device
from transactions.models import Device
from tests.woscan_portal.exports import compare_exports

pytestmark = pytest.mark.django_db


def test_it_exports_the_devices_as_the_page_shows_them(client, administrator):
    pushed, _ = register_device("Handheld 01 (Press line)")
    lost, _ = register_device("Old scanner")
    Device.objects.filter(pk=pushed.pk).update(
        last_push_at=datetime(2026, 7, 1, 19, 30, tzinfo=tz.utc),
        last_seen_at=datetime(2026, 7, 1, 19, 31, tzinfo=tz.utc),
    )
    revoke_device(lost, by=administrator, reason="lost on the floor")
    Device.objects.filter(pk=lost.pk).update(revoked_at=datetime(2026, 7, 2, 4, 0, tzinfo=tz.utc))
    client.force_login(administrator)

    tables = compare_exports(client, reverse("intake:device_list"), params={"sort": "name"})

    page, in_csv = tables["page"], tables["csv"]
    assert page[0]["State"] == in_csv[0]["State"] == "Active"
    assert page[0]["Last push"] == in_csv[0]["Last push"] == "2026-07-01 14:30"
    assert page[1]["State"] == in_csv[1]["State"] == "Revoked 2026-07-01 23:00"  # the evening before, plant time
    assert page[1]["Last seen"] == "" and in_csv[1]["Last seen"] == ""  # "never" on the page
    assert in_csv[0]["Token starts with"] == pushed.token_prefix
