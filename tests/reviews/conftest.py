"""Fixtures of the review tests."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def lead_supervisor(db):
    """A supervisor who was also granted transactions.approve_over_error."""
    user = UserFactory(username="lee.lead", roles=[Role.SUPERVISOR])
    user.user_permissions.add(Permission.objects.get(codename="approve_over_error"))
    return user


@pytest.fixture
def other_supervisor(db):
    return UserFactory(username="sam.second", first_name="Sam", last_name="Second", roles=[Role.SUPERVISOR])


@pytest.fixture
def quiet_validation(monkeypatch):
    """The re-check after an edit finds nothing (engineer B's real checks are tested in their
    own module; here the findings a test needs are made with the ORM)."""
    from transactions import validation
    from transactions.models import Finding

    def replace_findings(txns):
        Finding.objects.filter(transaction__in=list(txns)).delete()

    monkeypatch.setattr(validation, "replace_findings", replace_findings)
