"""Enrolling a handheld with a one-time code (``POST /api/sync/v1/enrol``), through the real path."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.log import history
from intake import enrolment
from intake.devices import register_device, revoke_device
from intake.enrolment import ALPHABET, issue_code, register_handheld
from transactions.models import Device, EnrolmentCode, EnrolmentFailure
from tests.intake.conftest import PUSH_URL, labor
from kernel.tokens import hash_token

pytestmark = pytest.mark.django_db
ENROL_URL = "/api/sync/v1/enrol"


def post_enrol(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(ENROL_URL, data=data, content_type="application/json", **extra)


def push_one(client, token):
    return client.post(PUSH_URL, data=json.dumps({"transactions": [labor()]}), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def handheld(administrator):
    return register_handheld("Handheld 07", by=administrator)


def test_a_code_is_eight_unambiguous_characters_stored_only_as_a_hash(handheld):
    device, new = handheld

    assert len(new.code) == 8 and set(new.code) <= set(ALPHABET) and not set("0O1I") & set(ALPHABET)
    assert enrolment.display(new.code) == f"{new.code[:4]}-{new.code[4:]}"
    stored = EnrolmentCode.objects.get(device=device)
    assert new.code not in stored.code_hash and stored.code_hash == enrolment.code_hash(new.code)
    assert stored.used_at is None
    assert timedelta(minutes=14) < stored.expires_at - timezone.now() <= timedelta(minutes=15)


def test_a_handheld_enrols_once_and_its_token_pushes(client, handheld, mirror):
    device, new = handheld

    response = post_enrol(client, {"code": enrolment.display(new.code)})

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"token", "device", "pull_sleep_time"}
    assert answer["device"] == "Handheld 07" and answer["pull_sleep_time"] == "00:05:00"
    device.refresh_from_db()
    assert device.token_hash == hash_token(answer["token"]) and device.token_prefix == answer["token"][:8]
    assert EnrolmentCode.objects.get(device=device).used_at is not None
    pushed = push_one(client, answer["token"])
    assert pushed.status_code == 200 and pushed.json()["results"][0]["status"] == "accepted"
    actions = [entry.action for entry in history(device)]
    assert actions == ["rotated", "enrolment_code_issued", "registered"]
    rotated = history(device).first()
    assert rotated.actor_label == "Handheld 07" and "ada.admin" in rotated.reason
    assert rotated.changes["token_prefix"][1] == answer["token"][:8]


def test_a_code_works_once(client, handheld):
    _device, new = handheld
    assert post_enrol(client, {"code": new.code}).status_code == 200

    again = post_enrol(client, {"code": new.code})

    assert again.status_code == 400
    assert "used already" in again.json()["detail"]


def test_an_expired_code_is_refused(client, handheld, settings):
    device, new = handheld
    EnrolmentCode.objects.filter(device=device).update(expires_at=timezone.now() - timedelta(seconds=1))
    token_hash = Device.objects.get(pk=device.pk).token_hash

    response = post_enrol(client, {"code": new.code})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("This enrolment code expired at ")
    assert Device.objects.get(pk=device.pk).token_hash == token_hash


def test_the_code_expires_after_the_minutes_of_the_setting(settings, administrator):
    settings.WOSCAN_ENROL_CODE_MINUTES = 60
    _device, new = register_handheld("Handheld 08", by=administrator)

    assert timedelta(minutes=59) < new.expires_at - timezone.now() <= timedelta(minutes=60)


def test_a_wrong_code_is_refused_with_a_clear_message(client, handheld):
    _device, new = handheld
    wrong = "".join(ALPHABET[(ALPHABET.index(c) + 1) % len(ALPHABET)] for c in new.code)

    response = post_enrol(client, {"code": wrong})

    assert response.status_code == 400
    assert response.json() == {"detail": (
        "This enrolment code is not known: check it, or ask an administrator for a new code on the device page."
    )}
    assert EnrolmentFailure.objects.count() == 1


@pytest.mark.parametrize("shape", [
    "{dashed}", "{lower}", "{spaced}", "https://portal.example.com/handheld/?code={dashed}",
    "https://portal.example.com/handheld/?x=1&code={lower}#top", "http://127.0.0.1:8000/handheld/?CODE={plain}",
])
def test_the_code_is_read_in_any_case_with_dashes_or_spaces_or_inside_its_url(client, handheld, shape):
    _device, new = handheld
    text = shape.format(dashed=enrolment.display(new.code), lower=new.code.lower(), plain=new.code,
                        spaced=f" {new.code[:4]} {new.code[4:]} ")

    response = post_enrol(client, {"code": text})

    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"code": 12345678}', b'{"kode": "K7QM-2XPA"}'])
def test_a_body_that_is_not_a_code_object_is_a_400_in_the_apis_error_shape(client, body):
    response = post_enrol(client, body)

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert not EnrolmentFailure.objects.exists()  # no code was tried


def test_text_that_cannot_be_a_code_says_what_a_code_looks_like(client):
    response = post_enrol(client, {"code": "K7QM-2XP0"})  # a 0 is never in a code

    assert response.status_code == 400 and "XXXX-XXXX" in response.json()["detail"]


def test_a_new_code_rotates_the_token_so_the_old_handheld_stops(client, handheld, administrator, mirror):
    device, first = handheld
    old_token = post_enrol(client, {"code": first.code}).json()["token"]
    assert push_one(client, old_token).status_code == 200

    second = issue_code(device, by=administrator)
    new_token = post_enrol(client, {"code": second.code}).json()["token"]

    assert new_token != old_token
    stopped = push_one(client, old_token)
    assert stopped.status_code == 401
    assert push_one(client, new_token).status_code == 200
    assert [e.action for e in history(device)][:3] == ["rotated", "enrolment_code_issued", "rotated"]


def test_a_new_code_ends_the_code_issued_before(client, handheld, administrator):
    device, first = handheld
    issue_code(device, by=administrator)

    response = post_enrol(client, {"code": first.code})

    assert response.status_code == 400 and "expired" in response.json()["detail"]


def test_a_code_of_a_device_revoked_since_gives_no_token(client, handheld, administrator):
    device, new = handheld
    revoke_device(device, by=administrator)

    response = post_enrol(client, {"code": new.code})

    assert response.status_code == 400
    assert response.json()["detail"] == "This handheld was revoked: ask an administrator to register it again."
    with pytest.raises(ValueError):
        issue_code(Device.objects.get(pk=device.pk), by=administrator)


def test_guessing_is_throttled_per_address_with_a_429(client, handheld, settings):
    settings.WOSCAN_ENROL_FAILURES_PER_ADDRESS = 3
    _device, new = handheld
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert post_enrol(client, {"code": guess}).status_code == 400

    locked = post_enrol(client, {"code": new.code})  # even the right code, while locked

    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("Too many wrong enrolment codes from this address")
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    assert EnrolmentCode.objects.get().used_at is None
    other = post_enrol(client, {"code": new.code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    EnrolmentFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert post_enrol(client, {"code": "DDDD-DDDD"}).status_code == 400  # the window has passed


def test_a_revoked_handheld_is_told_so_at_its_next_sync(client, mirror, administrator):
    device, token = register_device("Handheld 09")
    revoke_device(device, by=administrator)

    response = push_one(client, token)

    assert response.status_code == 401
    assert response.json()["detail"].startswith("This handheld was revoked on ")
    unknown = push_one(client, "no-such-token")
    assert unknown.json()["detail"] == "Missing, unknown or revoked device token: send Authorization: Token <token>."


def test_the_enrol_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/sync/v1/openapi.json").json()

    operation = document["paths"]["/api/sync/v1/enrol"]["post"]
    assert operation.get("security") in (None, [])
    assert set(operation["responses"]) == {"200", "400", "413", "429"}
