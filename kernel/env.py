"""Typed readers for settings taken from the environment.

Each reader fails loudly (``ImproperlyConfigured``) on a value it cannot parse, naming
the variable, so a typo in a service file stops the portal at start-up instead of
running it with a silently different setting.
"""
from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1/0, true/false, yes/no, on/off).")


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is outside {minimum}..{maximum}.")
    return value


def envlist(name: str, default: list[str], *, required: bool = False) -> list[str]:
    """Comma-separated values. ``required``: an empty list (``NAME=`` left blank) is refused."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    values = [part.strip() for part in raw.split(",") if part.strip()]
    if required and not values:
        raise ImproperlyConfigured(f"{name} is empty: give at least one value, comma-separated.")
    return values


def envchoice(name: str, default: str, choices: list[str]) -> str:
    """One of ``choices`` (upper-cased, so ``info`` reads as ``INFO``)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(choices)}.")
    return value


def envpath(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def secret_key(var_dir: Path) -> str:
    """``SECRET_KEY`` from the environment, else one generated once into ``var/``.

    The generated key is for the embedded demo only; production sets ``SECRET_KEY``.
    """
    raw = os.environ.get("SECRET_KEY")
    if raw:
        if len(raw) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
        return raw
    path = var_dir / "secret_key"
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        var_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(get_random_secret_key())
    return path.read_text().strip()
