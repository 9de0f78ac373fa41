"""The machine APIs (devices, WOScan Sync) answer in JSON, even for a URL or method they lack."""
from __future__ import annotations

from django.http import JsonResponse

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
