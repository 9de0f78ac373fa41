"""manage.py approve_over_error grants and revokes the override permission, with an audit row."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.contrib.auth import get_user_model

from audit.log import history

pytestmark = pytest.mark.django_db


def test_an_administrator_grants_then_revokes_the_override(supervisor, capsys):
    call_command("approve_over_error", grant=supervisor.username, reason="Lead supervisor")
    granted = get_user_model().objects.get(pk=supervisor.pk).has_perm("transactions.approve_over_error")
    call_command("approve_over_error", list=True)
    listed = capsys.readouterr().out
    call_command("approve_over_error", revoke=supervisor.username, reason="Moved")

    assert granted and "sue.supervisor" in listed
    assert not get_user_model().objects.get(pk=supervisor.pk).has_perm("transactions.approve_over_error")
    assert [(e.action, e.reason) for e in history(supervisor)] == [("revoke", "Moved"), ("grant", "Lead supervisor")]
