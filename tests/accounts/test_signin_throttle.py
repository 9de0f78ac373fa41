"""Sign-in is throttled: a user name after 5 wrong passwords, an address after 20, each for 15 minutes;
an administrator unlocks sooner on Users; every lockout and unlock is in the audit trail."""
from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from intake.devices import register_device
from tests.factories import PASSWORD, UserFactory
from kernel.tokens import make_token

LOGIN = reverse("accounts:login")


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, **extra):
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", **extra)
    return response


@pytest.fixture
def person(db):
    return UserFactory(username="pat.person")


def test_it_refuses_the_right_password_after_five_wrong_ones_and_says_how_long_to_wait(client, person):
    last_wrong = fail(client, "pat.person", 5)
    response = sign_in(client, "pat.person", PASSWORD)

    assert last_wrong.status_code == 429  # the fifth wrong password locks
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Too many wrong passwords were given for <strong>pat.person</strong>" in page
    until = timezone.localtime(AccessAttempt.objects.get().attempt_time + timedelta(minutes=15))
    assert f'data-testid="locked-until">{until:%H:%M}<' in page
    assert "in 15 minutes" in page
    assert "An administrator can unlock your user name on <em>Users</em>" in page


def test_four_wrong_passwords_still_let_the_right_one_in(client, person):
    fail(client, "pat.person", 4)

    response = sign_in(client, "pat.person", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_good_sign_in_forgets_the_wrong_passwords_before_it(client, person):
    fail(client, "pat.person", 4)
    sign_in(client, "pat.person", PASSWORD)
    client.logout()

    fail(client, "pat.person", 4)

    assert sign_in(client, "pat.person", PASSWORD).status_code == 302


def test_a_lockout_is_one_audit_row_on_the_user_and_tries_meanwhile_neither_count_nor_extend_it(client, person):
    fail(client, "pat.person", 5)
    locked_at = AccessAttempt.objects.get().attempt_time
    fail(client, "pat.person", 3)
    sign_in(client, "pat.person", PASSWORD)

    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 5 and attempt.attempt_time == locked_at
    entry = AuditEntry.objects.get(action="signin.locked_out")
    assert entry.object_id == str(person.pk) and entry.object_repr == "pat.person"
    assert entry.actor is None and entry.actor_label == "sign-in"
    assert entry.changes["failures"] == [None, 5]
    assert entry.changes["address"] == [None, "127.0.0.1"]
    assert entry.reason == "5 wrong passwords for this user name within 15 minutes"


def test_the_lock_ends_fifteen_minutes_after_the_last_wrong_password(client, person):
    fail(client, "pat.person", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))

    response = sign_in(client, "pat.person", PASSWORD)

    assert response.status_code == 302 and signed_in(client)


def test_a_locked_user_name_is_locked_from_every_address(client, person):
    fail(client, "pat.person", 5, REMOTE_ADDR="10.0.0.7")

    assert sign_in(client, "pat.person", PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 429


def test_an_address_is_locked_after_twenty_wrong_passwords_for_any_user_names(client, person):
    for n in range(20):
        response = sign_in(client, f"guess{n}", "not-the-password", REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429
    assert "from this computer (for any user name)" in response.content.decode()

    assert sign_in(client, "pat.person", PASSWORD, REMOTE_ADDR="10.0.0.5").status_code == 429
    assert sign_in(client, "pat.person", PASSWORD, REMOTE_ADDR="10.0.0.6").status_code == 302
    entry = AuditEntry.objects.get(action="signin.locked_out")
    assert entry.object_repr == "sign-in from address 10.0.0.5"
    assert entry.changes["user_name"] == [None, "guess19"]
    assert entry.reason == "20 wrong passwords from address 10.0.0.5 within 15 minutes"


def test_a_lock_of_a_user_name_nobody_has_is_audited_too(client, db):
    fail(client, "nobody.here", 5)

    entry = AuditEntry.objects.get(action="signin.locked_out")
    assert entry.object_repr == "sign-in as 'nobody.here'"


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(client, person, settings):
    settings.WOSCAN_BEHIND_PROXY = True
    # The client forges an X-Forwarded-For entry; the proxy appends the address it saw.
    for n in range(20):
        sign_in(client, f"guess{n}", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 10.0.0.5", REMOTE_ADDR="127.0.0.1")

    assert sign_in(client, "pat.person", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.5").status_code == 429
    assert sign_in(client, "pat.person", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.6").status_code == 302


def test_the_limits_and_the_wait_come_from_the_settings(client, person, settings):
    settings.WOSCAN_SIGNIN_FAILURES = settings.AXES_FAILURE_LIMIT = 2
    settings.WOSCAN_SIGNIN_LOCK_MINUTES = 60
    settings.AXES_COOLOFF_TIME = timedelta(minutes=60)

    response = fail(client, "pat.person", 2)

    assert response.status_code == 429
    assert "in 60 minutes" in response.content.decode()


def test_an_administrator_sees_the_lock_on_the_users_page_and_unlocks_the_person(client, person, administrator):
    fail(client, "pat.person", 5)
    client.force_login(administrator)

    listed = client.get(reverse("accounts:user_list")).content.decode()
    page = client.get(reverse("accounts:user_edit", args=[person.pk])).content.decode()
    response = client.post(reverse("accounts:user_unlock", args=[person.pk]))

    assert "User name <strong>pat.person</strong>" in listed
    assert "5 wrong passwords; locked until" in page and "Unlock pat.person" in page
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action="signin.unlocked")
    assert entry.actor == administrator and entry.object_id == str(person.pk)
    assert entry.changes == {"locked": ["yes", "no"], "failures": [5, 0]}
    client.logout()
    assert sign_in(client, "pat.person", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_address_on_the_users_list(client, person, administrator):
    for n in range(20):
        sign_in(client, f"guess{n}", "x", REMOTE_ADDR="10.0.0.5")
    client.force_login(administrator)

    listed = client.get(reverse("accounts:user_list")).content.decode()
    response = client.post(reverse("accounts:address_unlock"), {"address": "10.0.0.5"})

    assert "Address <strong>10.0.0.5</strong>" in listed and "Unlock 10.0.0.5" in listed
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="signin.unlocked").object_repr == "sign-in from address 10.0.0.5"
    client.logout()
    assert sign_in(client, "pat.person", PASSWORD, REMOTE_ADDR="10.0.0.5").status_code == 302


def test_unlocking_a_bad_address_says_so_and_changes_nothing(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:address_unlock"), {"address": "not-an-address"}, follow=True)

    assert "That is not an address: nothing was unlocked." in response.content.decode()
    assert not AuditEntry.objects.filter(action="signin.unlocked").exists()


@pytest.mark.parametrize("persona", ["supervisor", "accountant", "floor_desktop", "outsider"])
def test_only_an_administrator_may_unlock(client, person, persona, request):
    fail(client, "pat.person", 5)
    client.force_login(request.getfixturevalue(persona))

    assert client.post(reverse("accounts:user_unlock", args=[person.pk])).status_code == 403
    assert client.post(reverse("accounts:address_unlock"), {"address": "127.0.0.1"}).status_code == 403
    assert AccessAttempt.objects.exists()


def test_unlock_is_post_only(client, person, administrator):
    client.force_login(administrator)

    assert client.get(reverse("accounts:user_unlock", args=[person.pk])).status_code == 405


def test_the_device_and_importer_apis_answer_while_their_address_is_locked(client, db):
    from batches.models import ImporterClient

    _, device_token = register_device("Handheld 01")
    importer_token = make_token()
    ImporterClient.objects.create(name="WOScan Sync", token_prefix=importer_token.prefix,
                                  token_hash=importer_token.digest)
    for n in range(20):
        sign_in(client, f"guess{n}", "x")
    assert sign_in(client, "guess0", "x").status_code == 429

    pulled = client.get("/api/sync/v1/masterdata", HTTP_AUTHORIZATION=f"Token {device_token}")
    pushed = client.post("/api/sync/v1/transactions", {"transactions": []}, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Token {device_token}")
    batches = client.get("/api/importer/v1/batches", HTTP_AUTHORIZATION=f"Token {importer_token.token}")
    refused = client.get("/api/sync/v1/masterdata", HTTP_AUTHORIZATION="Token wrong")

    assert pulled.status_code == 200 and pushed.status_code == 200 and batches.status_code == 200
    assert refused.status_code == 401
    assert AccessAttempt.objects.get(username="guess0").failures_since_start == 1  # API calls count for nothing
