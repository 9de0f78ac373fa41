"""The portal's own error page for a server error (``handler500``).

Django renders ``500.html`` with no context processors, and the error may be the database
itself: this view gathers what the page shows (the request id, the navigation of the person
signed in) one piece at a time, leaving out any piece that fails, renders the page with a
plain context, and falls back to a static page if even that fails. An answer under ``/api/``
is JSON, like the APIs' other errors.
"""
from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import Context, loader
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.csrf import requires_csrf_token

from kernel.apierrors import API_PREFIX
from kernel.middleware import current_request_id
from kernel.apierrors import error_key, json_error

log = logging.getLogger(__name__)

ADVICE = (
    "Nothing you saved before this page was lost. Try again in a moment; if it happens again, "
    "tell an administrator what you were doing, the time and this reference."
)
STATIC_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error · WOScan Portal</title></head>'
    '<body><nav><a href="/">WOScan Portal</a></nav><h1>Something went wrong</h1><p>{advice}</p>'
    "<p>Reference: <code>{request_id}</code> · {when}</p></body></html>"
)


def _request_id(request) -> str:
    return getattr(request, "id", None) or current_request_id()


def _when() -> str:
    try:
        return timezone.localtime().strftime("%Y-%m-%d %H:%M")
    except Exception:  # noqa: BLE001 - a broken time zone setting must not break the error page
        return ""


def _signed_in(request) -> dict:
    """The user and their navigation, or nothing when reading them fails (the database is down)."""
    from kernel.navigation import navigation

    try:
        user = request.user
        if not user.is_authenticated:
            return {}
        context = {"user": user, **navigation(request)}
        list(user.groups.all())  # the navigation bar names them: read them now, or leave the user out
        return context
    except Exception:  # noqa: BLE001 - the page must render whatever failed
        return {}


def _csrf(request) -> dict:
    try:
        return {"csrf_token": get_token(request)}
    except Exception:  # noqa: BLE001
        return {}


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    request_id = _request_id(request)
    if request.path.startswith(API_PREFIX):
        return json_error(
            error_key(request.path), 500, "Server error: the portal logged it. Try again later.", request_id=request_id
        )
    context = {"request": request, "request_id": request_id, "when": _when(), "advice": ADVICE,
               **_csrf(request), **_signed_in(request)}
    try:
        template = loader.get_template(template_name)
        return HttpResponseServerError(template.template.render(Context(context)))
    except Exception:  # noqa: BLE001 - the static page below needs nothing
        log.exception("The error page could not be rendered")
    try:  # without the navigation: a broken context processor or template tag of the base layout
        context = {key: value for key, value in context.items() if key not in ("user", "nav_items")}
        return HttpResponseServerError(loader.get_template(template_name).template.render(Context(context)))
    except Exception:  # noqa: BLE001
        log.exception("The error page could not be rendered without the navigation either")
    return HttpResponseServerError(
        STATIC_PAGE.format(advice=escape(ADVICE), request_id=escape(request_id), when=escape(_when()))
    )
