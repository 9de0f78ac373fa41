"""Devices in Chromium: Revoke asks first, under the portal's Content-Security-Policy."""
from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import AuditEntry
from intake.devices import register_device
from transactions.models import Device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_errors(page):
    found = []
    page.on("console", lambda message: found.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def test_it_revokes_a_device_only_once_the_administrator_confirms(page, sign_in, administrator, console_errors):
    device, _token = register_device("HH-01 Weld bay", by=administrator)
    sign_in(administrator)
    page.goto(reverse("intake:device_list"))
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()
    device.refresh_from_db()
    assert asked == ["Revoke HH-01 Weld bay? It can no longer push or pull."]
    assert device.revoked_at is None

    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("HH-01 Weld bay is revoked")).to_be_visible()
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert len(asked) == 2
    assert AuditEntry.objects.filter(object_id=str(device.pk), action="revoked").exists()
    assert console_errors == []
    assert Device.objects.filter(revoked_at__isnull=True).count() == 0
