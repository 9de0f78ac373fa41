"""User names are NFKC-normalised and limited to ASCII letters, digits and . _ - @ when an administrator
adds or renames a user: a look-alike (``supervısor`` with a dotless ı) is refused with a clear error."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import services
from audit.actions import AuditAction
from audit.models import AuditEntry
from tests.accounts.test_user_pages import NEW_PASSWORD, _edit_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def _add(client, username):
    return client.post(reverse("accounts:user_add"), {
        "username": username, "first_name": "New", "last_name": "Person", "is_active": "on",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })


@pytest.mark.parametrize(("username", "named"), [
    ("supervısor", "'ı' (latin small letter dotless i)"),
    ("ѕupervisor", "'ѕ' (cyrillic small letter dze)"),
    ("josé", "'é' (latin small letter e with acute)"),
    ("sue supervisor", "A space"),
    ("sue+floor", "'+' (plus sign)"),
])
def test_an_administrator_cannot_add_a_look_alike_or_accented_user_name(client, administrator, supervisor, username, named):
    client.force_login(administrator)

    response = _add(client, username)

    assert response.status_code == 200
    errors = response.context["form"].errors["username"]
    assert errors[0].startswith(named) or errors[0].startswith(f"The character {named}")
    assert "letters a–z and A–Z, digits and . _ - @ only" in errors[0]
    assert not User.objects.filter(username=username).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATED).exists()


def test_full_width_letters_are_stored_as_their_plain_form(client, administrator):
    client.force_login(administrator)

    assert _add(client, "ｐａｔ.ｎｅｗ").status_code == 302

    assert User.objects.filter(username="pat.new").exists()


def test_a_name_differing_only_in_case_is_refused(client, administrator, supervisor):
    client.force_login(administrator)

    response = _add(client, "Sue.Supervisor")

    assert response.status_code == 200 and "username" in response.context["form"].errors


def test_renaming_a_user_to_a_look_alike_is_refused(client, administrator, supervisor):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[supervisor.pk]),
                           _edit_data(supervisor, username="supervısor"))

    assert response.status_code == 200
    assert "is not allowed in a user name" in response.context["form"].errors["username"][0]
    supervisor.refresh_from_db()
    assert supervisor.username == "sue.supervisor"


def test_a_name_given_before_the_rule_can_still_be_edited_until_it_is_renamed(client, administrator):
    legacy = UserFactory(username="josé")
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[legacy.pk]), _edit_data(legacy, first_name="José"))

    assert response.status_code == 302
    legacy.refresh_from_db()
    assert (legacy.username, legacy.first_name) == ("josé", "José")


def test_the_service_refuses_a_look_alike_too(administrator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="dotless i"):
        services.create_user(by=administrator, username="supervısor", password=NEW_PASSWORD)
