"""A request id for every request: in the response header, the log lines and the audit rows."""
from __future__ import annotations

import contextvars
import logging
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    """The id of the request being served, or ``"-"`` outside one (tasks, commands)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Takes a well-formed ``X-Request-ID`` from the proxy, or makes one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class HealthCheckMiddleware:
    """Answers ``/healthz`` first of all, before the host check and the HTTPS redirect: a
    monitor or a proxy checking gunicorn on 127.0.0.1 uses neither the site's host name nor
    HTTPS, and must still get the answer (the check reveals nothing but that it is up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            from kernel.views import healthz

            return healthz(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` from the ``PERMISSIONS_POLICY`` setting (feature → allow list)."""

    def __init__(self, get_response):
        from django.conf import settings

        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
