"""'Forgot your password?': a link by e-mail where the portal can send e-mail, else 'ask an administrator'.
Setting the new password is one audit row and lifts the user name's sign-in lock."""
from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from audit.actions import AuditAction
from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "tangerine-forklift-42"
LOGIN = reverse("accounts:login")


@pytest.fixture
def person(db):
    return UserFactory(username="pat.person", email="pat@plant.example")


@pytest.fixture
def email_on(settings):
    settings.WOSCAN_EMAIL_CONFIGURED = True


def test_without_e_mail_the_sign_in_page_says_to_ask_an_administrator_and_there_is_no_reset_page(client, settings):
    settings.WOSCAN_EMAIL_CONFIGURED = False

    page = client.get(LOGIN).content.decode()

    assert "Ask an administrator to set a new one for you." in page
    assert reverse("accounts:password_reset") not in page
    assert client.get(reverse("accounts:password_reset")).status_code == 404


def test_the_e_mail_setting_follows_email_host(monkeypatch):
    import subprocess
    import sys

    from tests.woscan_portal.test_env_settings import ROOT

    code = "from django.conf import settings; print(settings.WOSCAN_EMAIL_CONFIGURED)"
    env = {"DJANGO_SETTINGS_MODULE": "woscan_portal.settings", "PATH": "/usr/bin:/bin"}
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env={**env, **extra},
        capture_output=True, text=True, timeout=60,
    ).stdout.strip()

    assert run() == "False"
    assert run(EMAIL_HOST="smtp.plant.example") == "True"


def test_a_person_resets_their_password_through_the_e_mailed_link_and_signs_in(client, person, email_on):
    page = client.get(LOGIN).content.decode()
    assert reverse("accounts:password_reset") in page

    sent = client.post(reverse("accounts:password_reset"), {"email": "PAT@plant.example"}, follow=True)

    assert "a link to set a new password is on its way" in sent.content.decode()
    [message] = mail.outbox
    assert message.to == ["pat@plant.example"] and message.subject == "WOScan Portal: set a new password"
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body)[1]
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode() and "pat.person" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                       follow=True)

    assert "Your new password is set." in done.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET)
    assert entry.actor == person and entry.changes == {"password": [None, "set"]}
    assert client.post(LOGIN, {"username": "pat.person", "password": NEW_PASSWORD}).status_code == 302
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, person, email_on):
    sent = client.post(reverse("accounts:password_reset"), {"email": "nobody@plant.example"}, follow=True)

    assert "a link to set a new password is on its way" in sent.content.decode()
    assert mail.outbox == []


def test_resetting_the_password_lifts_the_sign_in_lock_of_the_user_name(client, person, email_on):
    for _ in range(5):
        client.post(LOGIN, {"username": "pat.person", "password": "wrong"})
    assert AccessAttempt.objects.exists()
    client.post(reverse("accounts:password_reset"), {"email": "pat@plant.example"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)

    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not AccessAttempt.objects.filter(username="pat.person").exists()
    assert AuditEntry.objects.get(action=AuditAction.UNLOCKED).actor == person
    assert client.post(LOGIN, {"username": "pat.person", "password": NEW_PASSWORD}).status_code == 302


def test_the_lockout_page_offers_the_reset_where_e_mail_is_configured(client, person, email_on):
    for _ in range(5):
        response = client.post(LOGIN, {"username": "pat.person", "password": "wrong"})

    assert reverse("accounts:password_reset") in response.content.decode()
