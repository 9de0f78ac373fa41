"""The Users pages: an administrator adds people, gives them roles, deactivates leavers and sets
passwords — each change one audit row — and cannot lock themselves (and the plant) out."""
from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.roles import Role
from audit.log import history
from audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "tangerine-forklift-42"


def _edit_data(user, **overrides) -> dict:
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on" if user.is_active else "",
        "roles": services.role_names(user),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value not in ("", None)}


def _groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# --- add ------------------------------------------------------------------------------------------
def test_an_administrator_adds_a_supervisor_who_signs_in_and_lands_on_the_review_queue(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_add"), {
        "username": "sam.new", "first_name": "Sam", "last_name": "New", "email": "sam@example.com",
        "roles": [Role.SUPERVISOR], "is_active": "on", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })

    assert response.status_code == 302 and response["Location"] == reverse("accounts:user_list")
    sam = User.objects.get(username="sam.new")
    assert (sam.first_name, sam.last_name, sam.email, sam.is_active) == ("Sam", "New", "sam@example.com", True)
    assert _groups(sam) == {"Supervisor"}
    assert not sam.is_superuser and not sam.is_staff and not sam.user_permissions.exists()
    [entry] = history(sam)
    assert (entry.action, entry.actor) == ("user.created", administrator)
    assert entry.changes["roles"] == [None, "Supervisor"]
    assert entry.changes["username"] == [None, "sam.new"]
    assert NEW_PASSWORD not in str(entry.changes) and sam.password not in str(entry.changes)

    client.logout()
    signed_in = client.post(reverse("accounts:login"), {"username": "sam.new", "password": NEW_PASSWORD}, follow=True)

    assert signed_in.redirect_chain[-1] == (reverse("reviews:dashboard"), 302)
    assert signed_in.status_code == 200 and signed_in.context["user"] == sam


def test_a_new_password_must_pass_the_password_validators(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_add"), {
        "username": "weak", "roles": [Role.SUPERVISOR], "is_active": "on", "password1": "123", "password2": "123",
    })

    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="weak").exists()
    assert not AuditEntry.objects.filter(action="user.created").exists()


def test_a_username_taken_in_another_case_is_refused(client, administrator, supervisor):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_add"), {
        "username": supervisor.username.upper(), "is_active": "on", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })

    assert response.status_code == 200 and "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact=supervisor.username).count() == 1


def test_the_roles_offered_are_exactly_the_role_groups(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("accounts:user_add"))

    form = response.context["form"]
    assert [value for value, _label in form.fields["roles"].choices] == Role.values
    assert not {"is_superuser", "is_staff", "user_permissions", "groups"} & set(form.fields)
    assert response.content.count(b'type="checkbox" class="form-check-input"  name="roles"') == len(Role)


# --- edit -----------------------------------------------------------------------------------------
def test_an_administrator_changes_someones_roles_and_the_audit_row_has_before_and_after(client, administrator):
    alex = UserFactory(username="alex", roles=[Role.SUPERVISOR])
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:user_edit", args=[alex.pk]), _edit_data(alex, roles=[Role.SUPERVISOR, Role.ACCOUNTANT])
    )

    assert response.status_code == 302
    assert _groups(alex) == {"Supervisor", "Accountant"}
    [entry] = history(alex)
    assert (entry.action, entry.actor) == ("user.changed", administrator)
    assert entry.changes == {"roles": ["Supervisor", "Supervisor, Accountant"]}


def test_changing_roles_keeps_other_groups_and_personal_permissions(administrator):
    alex = UserFactory(username="alex", roles=[Role.SUPERVISOR])
    other = Group.objects.create(name="Night shift")
    over_error = Permission.objects.get(content_type__app_label="transactions", codename="approve_over_error")
    alex.groups.add(other)
    alex.user_permissions.add(over_error)

    changes = services.update_user(alex, by=administrator, roles=[Role.ACCOUNTANT])

    assert changes == {"roles": ["Supervisor", "Accountant"]}
    assert _groups(alex) == {"Accountant", "Night shift"}
    assert list(alex.user_permissions.all()) == [over_error]


def test_saving_without_a_change_writes_no_audit_row(client, administrator, supervisor):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[supervisor.pk]), _edit_data(supervisor), follow=True)

    assert response.status_code == 200 and b"Nothing changed." in response.content
    assert not history(supervisor).exists()


def test_a_deactivated_user_can_no_longer_sign_in(client, administrator):
    leaver = UserFactory(username="lee.leaver", roles=[Role.SUPERVISOR])
    leavers_browser = type(client)()
    leavers_browser.force_login(leaver)
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[leaver.pk]), _edit_data(leaver, is_active=""))

    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.is_active is False
    assert _groups(leaver) == {"Supervisor"}  # roles kept: reactivating restores them
    [entry] = history(leaver)
    assert (entry.action, entry.changes) == ("user.changed", {"is_active": [True, False]})
    assert authenticate(username="lee.leaver", password=PASSWORD) is None
    client.logout()
    refused = client.post(reverse("accounts:login"), {"username": "lee.leaver", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.context["user"].is_authenticated
    # a session opened before the change ends too
    assert leavers_browser.get(reverse("reviews:dashboard")).status_code == 302


def test_an_administrator_cannot_remove_their_own_administrator_role(client, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:user_edit", args=[administrator.pk]), _edit_data(administrator, roles=[Role.SUPERVISOR])
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["roles"] == [services.OWN_ADMINISTRATOR_ROLE]
    assert b"cannot remove your own Administrator role" in response.content
    assert _groups(administrator) == {"Administrator"}
    assert not history(administrator).exists()


def test_an_administrator_cannot_deactivate_themselves(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[administrator.pk]), _edit_data(administrator, is_active=""))

    assert response.status_code == 200
    assert response.context["form"].errors["is_active"] == [services.OWN_DEACTIVATION]
    administrator.refresh_from_db()
    assert administrator.is_active is True
    assert not history(administrator).exists()


def test_an_administrator_may_change_their_own_name_and_add_a_role(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[administrator.pk]), _edit_data(
        administrator, first_name="Ada", roles=[Role.SUPERVISOR, Role.ADMINISTRATOR],
    ))

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.first_name == "Ada" and _groups(administrator) == {"Administrator", "Supervisor"}
    assert history(administrator).get().changes["roles"] == ["Administrator", "Supervisor, Administrator"]


def test_the_service_itself_refuses_a_self_lockout(administrator):
    with pytest.raises(ValidationError) as refused:
        services.update_user(administrator, by=administrator, roles=[], is_active=False)

    assert set(refused.value.message_dict) == {"roles", "is_active"}
    administrator.refresh_from_db()
    assert administrator.is_active and _groups(administrator) == {"Administrator"}
    assert not history(administrator).exists()


def test_another_administrator_may_remove_an_administrators_role(client, administrator):
    other = UserFactory(username="other.admin", roles=[Role.ADMINISTRATOR])
    client.force_login(administrator)

    response = client.post(reverse("accounts:user_edit", args=[other.pk]), _edit_data(other, roles=[], is_active=""))

    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.is_active and _groups(other) == set()
    assert history(other).get().changes == {"is_active": [True, False], "roles": ["Administrator", ""]}


# --- password -------------------------------------------------------------------------------------
def test_an_administrator_sets_a_password_and_the_audit_row_says_only_that(client, administrator, supervisor):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:user_password", args=[supervisor.pk]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert authenticate(username=supervisor.username, password=NEW_PASSWORD) == supervisor
    assert authenticate(username=supervisor.username, password=PASSWORD) is None
    [entry] = history(supervisor)
    assert (entry.action, entry.actor, entry.changes) == ("user.password_set", administrator, {"password": [None, "set"]})
    supervisor.refresh_from_db()
    assert NEW_PASSWORD not in str(entry.changes) and supervisor.password not in str(entry.changes)


def test_a_password_that_fails_the_validators_is_not_set(client, administrator, supervisor):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:user_password", args=[supervisor.pk]), {"new_password1": "password", "new_password2": "password"}
    )

    assert response.status_code == 200 and "new_password2" in response.context["form"].errors
    assert authenticate(username=supervisor.username, password=PASSWORD) == supervisor
    assert not history(supervisor).exists()


def test_setting_ones_own_password_keeps_one_signed_in(client, administrator):
    client.force_login(administrator)

    client.post(
        reverse("accounts:user_password", args=[administrator.pk]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert client.get(reverse("accounts:user_list")).status_code == 200
    assert authenticate(username=administrator.username, password=NEW_PASSWORD) == administrator
    assert history(administrator).get().action == "user.password_set"


# --- who may ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["accounts:user_list", "accounts:user_add", "accounts:user_edit", "accounts:user_password"])
def test_a_supervisor_gets_403_on_the_users_pages(client, supervisor, name):
    target = UserFactory(username="target", roles=[Role.ACCOUNTANT])
    url = reverse(name, args=[target.pk] if name.endswith(("edit", "password")) else None)
    client.force_login(supervisor)

    shown = client.get(url)
    sent = client.post(url, {
        "username": "target", "roles": [Role.ADMINISTRATOR], "is_active": "on",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert shown.status_code == 403 and sent.status_code == 403
    assert b"You may not use this page" in shown.content
    target.refresh_from_db()
    assert _groups(target) == {"Accountant"} and target.check_password(PASSWORD)
    assert _groups(supervisor) == {"Supervisor"}
    assert not AuditEntry.objects.filter(action__startswith="user.").exists()


@pytest.mark.parametrize("name", ["accounts:user_edit", "accounts:user_password"])
def test_only_a_superuser_may_change_a_superuser(client, administrator, name):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(administrator)

    response = client.post(reverse(name, args=[root.pk]), {
        **_edit_data(root, is_active=""), "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.check_password(PASSWORD)
    assert not history(root).exists()
    client.force_login(root)
    assert client.get(reverse(name, args=[root.pk])).status_code == 200


# --- the list -----------------------------------------------------------------------------------
def test_the_list_shows_roles_and_filters_by_text_role_and_active(client, administrator):
    UserFactory(username="sue", first_name="Sue", last_name="Banks", roles=[Role.SUPERVISOR])
    UserFactory(username="old.sue", first_name="Sue", last_name="Former", roles=[Role.SUPERVISOR], is_active=False)
    UserFactory(username="al", first_name="Al", last_name="Count", roles=[Role.ACCOUNTANT])
    administrator.first_name, administrator.last_name, administrator.email = "Ada", "Admin", ""  # not random
    administrator.save()
    client.force_login(administrator)

    def usernames(**params) -> list[str]:
        response = client.get(reverse("accounts:user_list"), params)
        assert response.status_code == 200
        return [row.record.username for row in response.context["table"].paginated_rows]

    assert usernames() == ["ada.admin", "al", "old.sue", "sue"]
    assert usernames(q="sue") == ["old.sue", "sue"]
    assert usernames(q="banks") == ["sue"]
    assert usernames(role=Role.SUPERVISOR) == ["old.sue", "sue"]
    assert usernames(role=Role.SUPERVISOR, active="yes") == ["sue"]
    assert usernames(active="no") == ["old.sue"]
    page = client.get(reverse("accounts:user_list"), {"q": "al"})
    [row] = page.context["table"].rows
    assert row.get_cell_value("roles") == "Accountant" and row.get_cell_value("is_active") == "Active"
    assert reverse("accounts:user_edit", args=[row.record.pk]).encode() in page.content


def test_the_list_exports_csv(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("accounts:user_list"), {"_export": "csv"})

    lines = response.content.decode().splitlines()
    assert lines[0] == "Username,Name,Roles,Active,Last sign-in"
    assert lines[1].startswith("ada.admin,") and ",Administrator,Active," in lines[1]


def test_the_menu_shows_users_to_administrators_only(client, administrator, supervisor):
    client.force_login(administrator)
    labels = [item["label"] for item in client.get(reverse("accounts:user_list")).context["nav_items"]]
    assert labels.index("Users") == labels.index("MAS data") - 1

    client.force_login(supervisor)
    labels = [item["label"] for item in client.get(reverse("reviews:dashboard")).context["nav_items"]]
    assert "Users" not in labels
