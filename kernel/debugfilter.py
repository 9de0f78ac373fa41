"""The debug pages' filter (``DEBUG=1`` only): passwords inside connection strings and URLs are masked.

Django's own filter hides settings whose *name* looks secret (``SECRET_KEY``, ``PASSWORD``…), but
``WOSCAN_MAS_ODBC`` (``…;PWD=…``), ``DATABASE_URL`` and ``REDIS_URL`` (``scheme://user:password@host``)
carry theirs inside the value. This filter masks those values wherever the page shows them: settings,
the request's environment (``request.META``), and the local variables of every traceback frame.
"""
from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

MASK = SafeExceptionReporterFilter.cleansed_substitute

# ODBC: PWD=secret; or Password={se;cret}} } (a braced value may hold ';', '}}' is a literal '}').
_ODBC_PASSWORD = re.compile(r"(?i)\b(PWD|PASSWORD)(\s*=\s*)(\{(?:[^}]|\}\})*\}?|[^;'\"\n]*)")
# URL: scheme://user:password@host — the user part is kept; the password runs to the last '@' of the authority.
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/?#@\s'\"]*):([^/?#\s'\"]*)@")


def mask_secrets(text: str) -> str:
    """``text`` with the passwords of any ODBC connection string or URL in it replaced by stars."""
    text = _ODBC_PASSWORD.sub(lambda m: f"{m[1]}{m[2]}{MASK}", text)
    return _URL_PASSWORD.sub(lambda m: f"{m[1]}:{MASK}@", text)


class _Shown(str):
    """A value already turned into text and masked: shown as it is (no quotes added)."""

    def __repr__(self) -> str:
        return str(self)


def _masked(value):
    """``value`` itself when it shows no password, else its text with the passwords masked."""
    try:
        text = value if type(value) is str else repr(value)
    except Exception:  # noqa: BLE001 - Django shows its own placeholder for a value that cannot be shown
        return value
    masked = mask_secrets(text)
    if masked == text:
        return value
    return masked if type(value) is str else _Shown(masked)


class SecretMaskingFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        # Dicts and lists were walked by Django already (each item through this method).
        return cleansed if isinstance(cleansed, (dict, list, tuple)) else _masked(cleansed)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, _masked(value)) for name, value in super().get_traceback_frame_variables(request, tb_frame)]

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if not parameters:
            return parameters
        masked = parameters.copy()
        for key, values in parameters.lists():
            masked.setlist(key, [_masked(v) for v in values])
        return masked
