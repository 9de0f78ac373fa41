"""The machine APIs (devices, WOScan Sync) answer in JSON, even for a URL or method they lack,
and when Django itself refuses the request (a host not allowed, a body over Django's size limit)."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.views.defaults import bad_request as _html_bad_request

API_PREFIX = "/api/"
_DETAIL = {
    404: "No such API address: check the path (no trailing slash) against the API's OpenAPI description.",
    405: "This API address does not take {method}; allowed: {allow}.",
}


class JsonApiErrorsMiddleware:
    """Django's own 404 and 405 answers are HTML pages; under ``/api/`` they become JSON errors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in _DETAIL
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = _DETAIL[response.status_code].format(method=request.method, allow=response.get("Allow", ""))
            answer = JsonResponse({"detail": detail}, status=response.status_code)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response


def bad_request(request, exception=None):
    """``handler400``: the site's page, or under ``/api/`` the APIs' JSON error (413 for a body
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
    if not request.path.startswith(API_PREFIX):
        return _html_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        status, detail = 413, f"The body is larger than this address takes ({limit:,} bytes)."
    elif isinstance(exception, TooManyFieldsSent):
        status, detail = 400, "The body has too many form fields; the API takes JSON."
    else:
        status, detail = 400, "Bad request: check the host name, the headers and the body."
    key = "error" if request.path.startswith("/api/importer/") else "detail"
    return JsonResponse({key: detail}, status=status)
