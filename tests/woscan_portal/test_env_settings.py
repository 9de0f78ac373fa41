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
    ],
)
def test_check_deploy_names_the_production_setting_left_out(left_out, message):
    env = {name: value for name, value in PRODUCTION.items() if name != left_out}
    result = _manage("check", "--deploy", without=(left_out,), **env)

    assert message in result.stdout + result.stderr
