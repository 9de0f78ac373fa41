"""Every answer carries a Content-Security-Policy and a Permissions-Policy; templates hold no inline
script, style or handler; debug pages never show the passwords of WOSCAN_MAS_ODBC, DATABASE_URL or REDIS_URL."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import include, path

from kernel.debugfilter import mask_secrets

TEMPLATES = Path(settings.BASE_DIR) / "templates"
POLICY = (
    "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self'; "
    "worker-src 'self'; manifest-src 'self'"  # the handheld's service worker and web app manifest
)


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("who", [None, "supervisor", "accountant", "administrator", "floor_desktop"])
def test_every_page_sends_the_content_security_policy_and_the_permissions_policy(client, who, request):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
    permissions = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert permissions["camera"] == "(self)"  # a handheld page may scan barcodes with it
    assert permissions["microphone"] == permissions["geolocation"] == permissions["usb"] == "()"
    assert all(allow == "()" for feature, allow in permissions.items() if feature != "camera")


def test_the_apis_send_them_too(client, db):
    for response in (
        client.get("/api/sync/v1/masterdata"),  # 401, JSON
        client.get("/api/sync/v1/openapi.json"),
        client.get("/healthz"),
    ):
        assert "Content-Security-Policy" in response or response.request["PATH_INFO"] == "/healthz"
        assert "Permissions-Policy" in response or response.request["PATH_INFO"] == "/healthz"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…= handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_inline_script_style_or_handlers(template):
    text = (TEMPLATES / template).read_text()

    found = [what for pattern, what in INLINE if pattern.search(text)]

    assert not found, f"{template} holds {', '.join(found)}: move it to static/woscan/"


# --- debug pages -----------------------------------------------------------------------------
# Built, not written out: the debug page also shows the source lines around the failing frame.
SECRETS = tuple(f"{where}-{'s3cr3t'}" for where in ("odbc", "db", "redis"))
ODBC = f"DSN=SOTAMAS90;UID=masreader;PWD={SECRETS[0]};COMPANY=ABC"
DATABASE = f"postgres://woscan:{SECRETS[1]}@db.plant.local:5432/woscan"
REDIS = f"redis://:{SECRETS[2]}@redis.plant.local:6379/0"


def broken_view(request):
    connection_string = settings.WOSCAN_MAS_ODBC  # a local of the failing frame, as in the MAS gateway
    urls = {"database": settings.DATABASE_URL, "redis": settings.REDIS_URL}
    raise RuntimeError(f"MAS did not answer ({len(connection_string)} characters, {len(urls)} URLs)")


urlpatterns = [path("broken/", broken_view), path("", include("woscan_portal.urls"))]


@pytest.fixture
def debug_on(settings, monkeypatch):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    settings.WOSCAN_MAS_ODBC = ODBC
    settings.DATABASE_URL = DATABASE
    settings.REDIS_URL = REDIS
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": REDIS}
    for name, value in (("WOSCAN_MAS_ODBC", ODBC), ("DATABASE_URL", DATABASE), ("REDIS_URL", REDIS)):
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("accept", ["text/html", "text/plain"])
def test_the_debug_error_page_shows_no_password(client, administrator, debug_on, accept):
    client.raise_request_exception = False
    client.force_login(administrator)
    environ = {"WOSCAN_MAS_ODBC": ODBC, "DATABASE_URL": DATABASE, "REDIS_URL": REDIS}  # the server's environment

    response = client.get("/broken/", HTTP_ACCEPT=accept, **environ)

    page = response.content.decode()
    assert response.status_code == 500
    assert "MAS did not answer" in page  # the technical page itself
    assert not [secret for secret in SECRETS if secret in page]
    assert "UID=masreader;PWD=********************;COMPANY=ABC" in page  # the rest stays readable
    assert "db.plant.local:5432/woscan" in page and "redis.plant.local:6379" in page


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (ODBC, "DSN=SOTAMAS90;UID=masreader;PWD=********************;COMPANY=ABC"),
        ("Driver={MAS 90 4.0 ODBC Driver};Password={a;b}}c};Company=ABC",
         "Driver={MAS 90 4.0 ODBC Driver};Password=********************;Company=ABC"),
        ("uid=sa; pwd = plain ;Server=mas", "uid=sa; pwd = ********************;Server=mas"),
        ("postgres://woscan:p@ss@db:5432/woscan", "postgres://woscan:********************@db:5432/woscan"),
        ("redis://:pw@redis.plant.local:6379/0", "redis://:********************@redis.plant.local:6379/0"),
        ("sqlite:///var/portal.sqlite3", "sqlite:///var/portal.sqlite3"),
        ("redis://redis:6379/0", "redis://redis:6379/0"),
    ],
)
def test_passwords_are_masked_in_connection_strings_and_urls(text, shown):
    assert mask_secrets(text) == shown


def test_the_error_page_without_debug_is_the_portals_own(client, administrator, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(administrator)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
    assert not [secret for secret in SECRETS if secret in response.content.decode()]
