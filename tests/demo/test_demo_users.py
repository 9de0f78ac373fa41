"""`create_demo_users` makes one user per role, prints the passwords, and is safe to rerun."""
from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _run() -> str:
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    return out.getvalue()


def test_it_creates_one_user_per_role_and_prints_working_passwords(var_dir):
    output = _run()

    printed = dict(re.findall(r"user (\w+)\s+password (\S+)", output))
    assert set(printed) == {"supervisor", "accountant", "admin", "floor"}
    for username, password in printed.items():
        assert authenticate(username=username, password=password) is not None
    User = get_user_model()
    assert User.objects.get(username="accountant").groups.get().name == "Accountant"
    assert oct((var_dir / "demo-credentials.json").stat().st_mode & 0o777) == "0o600"


def test_running_it_twice_keeps_the_same_users_and_passwords(var_dir):
    first = _run()
    second = _run()

    assert first == second
    assert get_user_model().objects.count() == 4
    saved = json.loads((var_dir / "demo-credentials.json").read_text())
    assert authenticate(username="admin", password=saved["admin"]) is not None
