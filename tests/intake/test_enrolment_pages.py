"""The device page's handheld enrolment: register a handheld, see its one-time code and QR code, a new code."""
from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest
import segno
from django.urls import reverse

from audit.log import history
from intake.devices import register_device, revoke_device
from intake.models import EnrolmentCode
from transactions.models import Device

pytestmark = pytest.mark.django_db
SVG = re.compile(rb"<svg\b.*?</svg>", re.DOTALL)


def enrol(client, code):
    return client.post("/api/sync/v1/enrol", data=json.dumps({"code": code}), content_type="application/json")


def qr_of(response) -> ElementTree.Element:
    [svg] = SVG.findall(response.content)
    return ElementTree.fromstring(svg)


def test_an_administrator_registers_a_handheld_and_sees_its_code_and_qr_code_once(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("intake:handheld_add"), {"name": "Handheld 07"})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    code, url = response.context["code"], response.context["url"]
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
    assert url == f"http://testserver/handheld/?code={code}"
    page = response.content.decode()
    assert code in page and url in page
    device = Device.objects.get(name="Handheld 07")
    issued = EnrolmentCode.objects.get(device=device)
    assert response.context["expires_at"] == issued.expires_at and issued.used_at is None
    assert 'data-testid="enrolment-expires"' in page
    # the QR code: an SVG that parses, drawn by segno from exactly that URL, with no inline style
    svg = qr_of(response)
    assert svg.tag == "svg" and svg.find("title").text == "Enrolment code of Handheld 07"
    assert len(svg.findall(".//path")) == 2  # the light background and the dark modules
    expected = segno.make(url, error="m").svg_inline(
        scale=6, border=4, title="Enrolment code of Handheld 07", svgclass="enrol-qr", lineclass=None,
        dark="#000", light="#fff",
    )
    assert expected.encode() in response.content
    assert b"style=" not in SVG.findall(response.content)[0]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert [e.action for e in history(device)] == ["enrolment_code_issued", "registered"]
    assert all(e.actor == administrator for e in history(device))
    # the code shown is the one the handheld enrols with (as the QR code's URL, too)
    client.logout()
    answer = enrol(client, url)
    assert answer.status_code == 200 and answer.json()["device"] == "Handheld 07"
    client.force_login(administrator)
    assert code.encode() not in client.get(reverse("intake:device_list")).content


def test_the_device_list_offers_register_a_handheld_and_a_new_code(client, administrator):
    register_device("Handheld 07")
    revoke_device(register_device("Old handheld")[0])
    client.force_login(administrator)

    response = client.get(reverse("intake:device_list"))

    page = response.content.decode()
    assert reverse("intake:handheld_add") in page
    active, revoked = Device.objects.get(name="Handheld 07"), Device.objects.get(name="Old handheld")
    assert reverse("intake:device_enrolment_code", args=[active.pk]) in page
    assert reverse("intake:device_enrolment_code", args=[revoked.pk]) not in page


def test_a_new_code_re_enrols_a_device_and_ends_the_old_code_and_token(client, administrator, mirror):
    client.force_login(administrator)
    first = client.post(reverse("intake:handheld_add"), {"name": "Handheld 07"}).context["code"]
    device = Device.objects.get(name="Handheld 07")
    client.logout()
    old_token = enrol(client, first).json()["token"]
    client.force_login(administrator)

    response = client.post(reverse("intake:device_enrolment_code", args=[device.pk]))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    second = response.context["code"]
    assert second != first and second.encode() in response.content
    assert qr_of(response).tag.endswith("svg")
    assert b"gets a new token" in response.content
    client.logout()
    new_token = enrol(client, second).json()["token"]
    stopped = client.get("/api/sync/v1/transactions", HTTP_AUTHORIZATION=f"Token {old_token}")
    assert stopped.status_code == 401
    assert client.get("/api/sync/v1/transactions", HTTP_AUTHORIZATION=f"Token {new_token}").status_code == 200
    assert [e.action for e in history(device)] == [
        "rotated", "enrolment_code_issued", "rotated", "enrolment_code_issued", "registered",
    ]


def test_a_revoked_device_gets_no_new_code(client, administrator):
    device, _token = register_device("Old handheld")
    revoke_device(device)
    client.force_login(administrator)

    response = client.post(reverse("intake:device_enrolment_code", args=[device.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("intake:device_list")
    assert b"is revoked: register a new handheld instead" in response.content
    assert not EnrolmentCode.objects.exists()


@pytest.mark.parametrize("persona", ["supervisor", "accountant", "floor_desktop", "outsider"])
def test_only_an_administrator_issues_codes(client, request, persona):
    device, _token = register_device("Handheld 07")
    client.force_login(request.getfixturevalue(persona))

    assert client.post(reverse("intake:device_enrolment_code", args=[device.pk])).status_code == 403
    assert client.post(reverse("intake:handheld_add"), {"name": "Handheld 08"}).status_code == 403
    assert not EnrolmentCode.objects.exists() and not Device.objects.filter(name="Handheld 08").exists()


def test_the_device_list_says_a_handheld_waits_for_enrolment_and_when_its_code_expired(client, administrator, mirror):
    client.force_login(administrator)
    client.post(reverse("intake:handheld_add"), {"name": "Handheld 08"})
    device = Device.objects.get(name="Handheld 08")
    code = EnrolmentCode.objects.get(device=device)

    page = client.get(reverse("intake:device_list")).content.decode()
    assert "Waiting for enrolment (code works until" in page

    EnrolmentCode.objects.filter(pk=code.pk).update(expires_at=code.created_at)
    page = client.get(reverse("intake:device_list")).content.decode()
    assert "Not enrolled: its code expired (make a new code)" in page

    # enrolled with a fresh code: Active again
    issued = client.post(reverse("intake:device_enrolment_code", args=[device.pk]))
    client.logout()
    assert enrol(client, issued.context["code"]).status_code == 200
    client.force_login(administrator)
    response = client.get(reverse("intake:device_list"))
    row = [r for r in response.context["table"].rows if r.record.pk == device.pk][0]
    assert row.get_cell_value("state") == "Active"
