"""Settings come from the environment and a bad value stops the portal with a clear message."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kernel.env import envbool, envint, envlist

ROOT = Path(__file__).resolve().parents[2]


def test_envbool_reads_yes_and_no_values(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", True) is False


def test_envbool_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a yes/no value"):
        envbool("FLAG")


def test_envint_refuses_text_and_out_of_range(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="N='ten' is not a whole number"):
        envint("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="outside 1..64"):
        envint("N", 1, minimum=1, maximum=64)


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "portal.example.com, 10.0.0.5 ,")
    assert envlist("HOSTS", []) == ["portal.example.com", "10.0.0.5"]


def _manage(*args: str, without: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *without}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "woscan_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": "p" * 20 + "-not-a-real-key-only-for-the-check-0123456789",
    "DEBUG": "0",
    "WOSCAN_HTTPS": "1",
    "ALLOWED_HOSTS": "portal.example.com",
    "WOSCAN_MAS_ODBC": "DSN=SOTAMAS90;UID=portal;PWD=not-a-real-password;COMPANY=ABC",
}


def test_the_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "perhaps", "DEBUG='perhaps' is not a yes/no value"),
        ("DATABASE_URL", "oracle-ish://nowhere", "DATABASE_URL is not a database URL"),
        ("DATABASE_URL", "mysql://u:secret@db/woscan", "('mysql://…'): give postgres://user:password@host:5432/name"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL='localhost:6379' must start with redis://"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 50 characters"),
        ("WOSCAN_Q_WORKERS", "lots", "WOSCAN_Q_WORKERS='lots' is not a whole number"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL='verbose' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ],
)
def test_a_bad_setting_stops_the_portal_and_names_the_variable(name, value, message):
    result = _manage("check", **{name: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_a_log_level_in_lower_case_is_read():
    assert _manage("check", LOG_LEVEL="info").returncode == 0


def test_an_empty_allowed_hosts_stops_the_portal_when_debug_is_off():
    # ALLOWED_HOSTS= (a blank line in a service's environment file) would answer every request 400
    result = _manage("check", ALLOWED_HOSTS="", DEBUG="0")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is empty: give at least one value" in result.stderr


def test_the_embedded_database_is_readable_by_the_portals_user_alone(tmp_path):
    result = _manage("migrate", "--verbosity", "0", WOSCAN_VAR_DIR=str(tmp_path),
                     DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", REDIS_URL="")

    assert result.returncode == 0, result.stderr[-400:]
    database = tmp_path / "portal.sqlite3"
    assert database.stat().st_size > 0  # a real database now, in the file made for it
    assert database.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("left_out", "message"),
    [
        ("SECRET_KEY", "woscan.W001) SECRET_KEY is not set"),
        ("ALLOWED_HOSTS", "woscan.W002) ALLOWED_HOSTS is not set"),
        ("WOSCAN_HTTPS", "woscan.W003) WOSCAN_HTTPS is off"),
        ("WOSCAN_MAS_ODBC", "woscan.W004) WOSCAN_MAS_ODBC is left on the demo company"),
    ],
)
def test_check_deploy_names_the_production_setting_left_out(left_out, message):
    env = {name: value for name, value in PRODUCTION.items() if name != left_out}
    result = _manage("check", "--deploy", without=(left_out,), **env)

    assert message in result.stdout + result.stderr


def test_check_deploy_warns_when_mas_is_the_demo_company_named_by_hand(tmp_path):
    demo_file = tmp_path / "ABC.sqlite"
    by_hand = f"Driver={{SQLite3}};Database={demo_file.as_uri()};"  # not the default string, the same file
    result = _manage("check", "--deploy", **{**PRODUCTION, "WOSCAN_DEMO_MAS_PATH": str(demo_file),
                                             "WOSCAN_MAS_ODBC": by_hand})

    assert "woscan.W004) WOSCAN_MAS_ODBC is left on the demo company" in result.stdout + result.stderr


def test_the_demo_check_reads_the_settings_the_portal_runs_with(settings, tmp_path):
    from django.core.checks import run_checks

    from demo.company import odbc_connection_string

    def warnings_for(connection_string):
        settings.WOSCAN_MAS_ODBC = connection_string
        return [m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("woscan.")]

    assert "woscan.W004" in warnings_for(odbc_connection_string(settings.WOSCAN_DEMO_MAS_PATH))
    assert "woscan.W004" in warnings_for(f"Driver={{SQLite3}};Database={settings.WOSCAN_DEMO_MAS_PATH};")
    assert "woscan.W004" not in warnings_for("DSN=SOTAMAS90;UID=portal;PWD=x;COMPANY=ABC")
    assert "woscan.W004" not in warnings_for(odbc_connection_string(tmp_path / "another.sqlite"))
    assert "woscan.W004" not in warnings_for(odbc_connection_string(f"{settings.WOSCAN_DEMO_MAS_PATH}.copy"))


def test_the_settings_fall_back_on_the_demo_apps_own_connection_string(monkeypatch):
    # Read from the settings module as it was imported (the test settings' fixtures override the values).
    import importlib

    from demo.company import odbc_connection_string

    monkeypatch.delenv("WOSCAN_MAS_ODBC", raising=False)
    portal_settings = importlib.reload(importlib.import_module("woscan_portal.settings"))

    assert portal_settings.WOSCAN_MAS_ODBC == odbc_connection_string(portal_settings.WOSCAN_DEMO_MAS_PATH)
