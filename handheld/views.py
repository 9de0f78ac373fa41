"""The handheld: the app shell, its web app manifest and its service worker, all served by the
portal from its own files (shop networks are often offline; no CDN).

The handheld needs no sign-in: its identity is the device token it keeps in IndexedDB after
enrolment, sent on every call of the device API. These three answers hold nothing secret.

The service worker is served from ``/handheld/sw.js`` (not under ``/static/``) so that its
scope can be ``/handheld/``. It caches the app shell — this page, the manifest, every file
under ``static/handheld/`` — under a version that is a digest of those files: change one and
the browser installs the new worker, which fetches the new shell and drops the old cache.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

HERE = Path(__file__).resolve().parent
STATIC_DIR = settings.BASE_DIR / "static" / "handheld"
WORKER_SOURCE = HERE / "service_worker.js"  # not "sw.js": the test live server serves files by path
SHELL_TEMPLATE = "handheld/app.html"
NAME = "WOScan Handheld"
GREEN = "#146c2e"


def _static_files() -> list[Path]:
    return sorted(path for path in STATIC_DIR.rglob("*") if path.is_file())


def _static_url(path: Path) -> str:
    return static(f"handheld/{path.relative_to(STATIC_DIR).as_posix()}")


def shell_urls() -> list[str]:
    """What the service worker caches: the page, the manifest and the static files."""
    return [reverse("handheld:shell"), reverse("handheld:manifest")] + [_static_url(p) for p in _static_files()]


def shell_version() -> str:
    digest = hashlib.sha256()
    sources = [WORKER_SOURCE, Path(get_template(SHELL_TEMPLATE).origin.name), *_static_files()]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _no_cache(response: HttpResponse) -> HttpResponse:
    # The worker serves the shell offline; online, the browser must ask for a newer one.
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_safe
def shell(request):
    context = {
        "api_root": "/api/sync/v1/",
        "manifest_url": reverse("handheld:manifest"),
        "worker_url": reverse("handheld:service_worker"),
        "scope": reverse("handheld:shell"),
        "theme_color": GREEN,
    }
    return _no_cache(render(request, SHELL_TEMPLATE, context))


@login_not_required
@require_safe
def manifest(request):
    scope = reverse("handheld:shell")
    data = {
        "name": NAME,
        "short_name": "WOScan",
        "description": "Collect labor, material issues and completions on the floor, online or not.",
        "id": scope,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": GREEN,
        "icons": [
            {"src": static(f"handheld/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": "any maskable"}
            for size in (192, 512)
        ],
    }
    return _no_cache(JsonResponse(data, content_type="application/manifest+json"))


@login_not_required
@require_safe
def service_worker(request):
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    source = source.replace("__VERSION__", json.dumps(shell_version())).replace(
        "__SHELL__", json.dumps(shell_urls())
    ).replace("__SCOPE__", json.dumps(reverse("handheld:shell")))
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("handheld:shell")
    return _no_cache(response)
