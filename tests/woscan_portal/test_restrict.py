"""Rows per user and action (``kernel.permissions.restrict``), as each persona reads them."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from accounts.models import UserQuerySet
from batches.models import ExportBatch
from intake.devices import register_device
from transactions.models import Device
from transactions.models import Transaction
from tests.factories import TransactionFactory
from kernel.permissions import permission_for, restrict

pytestmark = pytest.mark.django_db
PERSONAS = ("supervisor", "accountant", "administrator", "outsider", "floor_desktop")


def _ids(rows) -> set[int]:
    return set(rows.values_list("pk", flat=True))


# persona -> (visible, reviewable, editable, exportable, enterable): whether they get every line
LINES = {
    "supervisor": (True, True, True, True, True),
    "accountant": (True, False, False, False, False),
    "administrator": (True, False, False, False, False),
    "outsider": (False, False, False, False, False),
    "floor_desktop": (False, False, False, False, True),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_reads_and_changes_exactly_its_lines(request, persona):
    user = request.getfixturevalue(persona)
    lines = {TransactionFactory(status=status).pk for status in ("needs_review", "approved", "exported")}
    got = (
        _ids(Transaction.objects.visible_to(user)) == lines,
        _ids(Transaction.objects.reviewable_by(user)) == lines,
        _ids(Transaction.objects.editable_by(user)) == lines,
        _ids(restrict(Transaction, user, "export")) == lines,
        _ids(restrict(Transaction.objects.all(), user, "enter")) == lines,
    )
    assert got == LINES[persona]
    for action, everything in zip(("view", "review", "change", "export", "enter"), LINES[persona]):
        assert everything or not restrict(Transaction, user, action).exists(), (persona, action)


@pytest.mark.parametrize("persona,sees,reexports", [
    ("supervisor", True, False), ("accountant", True, True), ("administrator", True, False),
    ("outsider", False, False), ("floor_desktop", False, False),
])
def test_batches_per_role(request, persona, sees, reexports):
    user = request.getfixturevalue(persona)
    ExportBatch.objects.create(number=7, status="deleted_in_mas")

    assert ExportBatch.objects.visible_to(user).exists() is sees
    assert ExportBatch.objects.reexportable_by(user).exists() is reexports


def test_devices_only_for_administrators(supervisor, administrator):
    register_device("Handheld 01")

    assert restrict(Device, administrator, "change").count() == 1
    assert not restrict(Device, supervisor, "view").exists()


def test_an_administrator_may_see_a_superuser_but_change_only_others(administrator):
    User = get_user_model()
    root = User.objects.create_superuser("root.user", password="x" * 20)
    users = UserQuerySet(model=User)

    assert root.pk in _ids(restrict(users, administrator, "view"))
    assert root.pk not in _ids(restrict(users, administrator, "change"))
    assert administrator.pk in _ids(restrict(users, administrator, "change"))
    assert root.pk in _ids(restrict(users, root, "change"))


def test_an_action_the_map_does_not_know_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="no action 'approve' on transactions.transaction"):
        permission_for(Transaction, "approve")
