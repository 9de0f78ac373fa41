"""Deployment checks (``manage.py check --deploy``) that say which setting of ours fixes what."""
from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs) -> list[Warning]:
    found = []
    if not os.environ.get("SECRET_KEY"):
        found.append(Warning(
            "SECRET_KEY is not set: the key generated into var/secret_key is used, and each server gets its own "
            "(sign-ins and forms then fail behind a proxy with two web servers).",
            hint='Set SECRET_KEY (python -c "import secrets; print(secrets.token_urlsafe(64))").',
            id="woscan.W001",
        ))
    if "ALLOWED_HOSTS" not in os.environ:
        found.append(Warning(
            "ALLOWED_HOSTS is not set: only localhost is served; a request for the portal's own name gets a 400.",
            hint="Set ALLOWED_HOSTS to the name people browse to, e.g. portal.example.com.",
            id="woscan.W002",
        ))
    if not settings.WOSCAN_HTTPS:
        found.append(Warning(
            "WOSCAN_HTTPS is off: cookies are sent over plain HTTP and there is no HTTPS redirect or HSTS "
            "(the security.W004/W008/W012/W016 warnings say the same).",
            hint="Behind a TLS proxy that sets X-Forwarded-Proto, set WOSCAN_HTTPS=1.",
            id="woscan.W003",
        ))
    if on_the_demo_company(settings.WOSCAN_MAS_ODBC):
        found.append(Warning(
            "WOSCAN_MAS_ODBC is left on the demo company: pulls read the demo plant \"ABC\" and batches are reconciled "
            "against it, not against MAS.",
            hint="Set WOSCAN_MAS_ODBC to the MAS ODBC connection string, e.g. DSN=SOTAMAS90;UID=…;PWD=…;COMPANY=….",
            id="woscan.W004",
        ))
    return found


def on_the_demo_company(connection_string: str) -> bool:
    """Whether the connection string reads the demo company's file (``WOSCAN_DEMO_MAS_PATH``), as the
    default one does, whether the file is named as a path or as a SQLite URI."""
    demo_file = Path(settings.WOSCAN_DEMO_MAS_PATH).resolve()
    names = "|".join(re.escape(name) for name in (demo_file.as_uri(), str(demo_file)))
    return re.search(rf"(?:^|[=;])(?:{names})(?=[?;]|$)", connection_string) is not None
