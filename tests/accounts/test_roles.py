"""The role groups carry exactly the permissions that accounts.roles states."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def _perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_group_has_exactly_its_permissions(role):
    assert _perms(Group.objects.get(name=role)) == ROLE_PERMISSIONS[role]


def test_an_accountant_is_read_only_on_transactions(accountant):
    assert accountant.has_perm("transactions.view_transaction")
    assert not accountant.has_perm("transactions.change_transaction")
    assert not accountant.has_perm("transactions.review_transaction")
