"""What the portal's machine APIs share, on django-ninja: the device API (``intake.api``) and the
importer API (``batches.api``) are each a ``MachineAPI`` with its own OpenAPI document.

- **Tokens**: ``TokenAuth``, ``Authorization: Token <token>`` checked against a model's stored
  hashes (``kernel.tokens``), revoked tokens refused. No session, no CSRF, no sign-in page.
- **Bodies** are read within bounds before a schema sees them (``kernel.jsonbody``: size,
  nesting depth, a key twice, ``NaN``), and whatever their length — not through
  ``request.body``, which Django caps at ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with an HTML page.
  Declare one with ``JsonBody(...)`` as the default of a view argument typed by a pydantic model.
- **Errors**: every error is ``{<key>: "<message>"}`` with the API's key (``apierrors``):
  401 a missing or revoked token; 400 or 413 a body that cannot be read; 400 or 413 a body the
  schema refuses (the API's ``body_problem`` puts it in words — never ninja's 422); ``ApiError``
  (or ninja's ``HttpError``: 403, 404, 409, 503…) raised by an operation; Django's own 404 and
  405 answered by ``apierrors.JsonApiErrorsMiddleware`` in the same shape.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.params.models import Body, BodyModel
from ninja.parser import Parser
from ninja.security import APIKeyHeader

from kernel import jsonbody
from kernel.apierrors import json_error
from kernel import tokens

# (status, message) for the errors a body's schema found (ninja's ``ValidationError.errors``,
# each ``loc`` starting ("body", <argument name>, …)).
BodyProblem = Callable[[list[dict[str, Any]]], tuple[int, str]]


class ApiError(HttpError):
    """An operation's refusal: answered as ``{<key>: message}`` with ``status`` and ``headers``."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(status, message)
        self.headers = headers or {}


class TokenAuth(APIKeyHeader):
    """``Authorization: Token <token>`` of a row of ``model`` (``token_hash``, ``revoked_at``)
    that is not revoked; the row becomes ``request.auth``."""

    param_name = "Authorization"
    model: Any = None

    def authenticate(self, request, key):
        return tokens.holder(self.model, key)


class BoundedJSONParser(Parser):
    def __init__(self, *, max_bytes: int, max_depth: int):
        self.max_bytes, self.max_depth = max_bytes, max_depth

    def parse_body(self, request):
        return jsonbody.read_body(request, max_bytes=self.max_bytes, max_depth=self.max_depth)


class _JsonBodyModel(BodyModel):
    @classmethod
    def get_request_data(cls, request, api, path_params):
        # Always parsed: an empty body is "not JSON", as any other body that is not.
        data = api.parser.parse_body(request)
        name = getattr(cls, "__read_from_single_attr__", None)
        return {name: data} if name else data


class JsonBody(Body):  # type: ignore[misc]
    """The request body, read by the API's ``BoundedJSONParser``, then validated by the schema."""

    _model = _JsonBodyModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


class MachineAPI(NinjaAPI):
    """A token API of the portal: its own OpenAPI document at ``openapi.json`` (no Swagger page:
    it loads scripts from a CDN, and shop networks are often offline), bodies read within
    ``max_body_bytes`` and ``max_body_depth``, one error shape with ``error_key``."""

    def __init__(
        self, *, error_key: str, unauthorized: str | Callable[[Any], str], body_problem: BodyProblem, max_body_bytes: int,
        max_body_depth: int, too_large_hint: str = "", challenge: str | None = None, **options,
    ):
        super().__init__(
            openapi_url="/openapi.json", docs_url=None, docs_decorator=login_not_required,
            parser=BoundedJSONParser(max_bytes=max_body_bytes, max_depth=max_body_depth), **options,
        )
        self.error_key = error_key
        self._unauthorized, self._challenge = unauthorized, challenge
        self._body_problem, self._too_large_hint = body_problem, too_large_hint
        self.add_exception_handler(AuthenticationError, self._on_unauthorized)
        self.add_exception_handler(HttpError, self._on_refusal)
        self.add_exception_handler(jsonbody.BadJSON, self._on_unreadable_body)
        self.add_exception_handler(ValidationError, self._on_invalid_input)
        self.add_exception_handler(Http404, self._on_not_found)

    def get_content_type(self) -> str:
        return "application/json"  # as every error and Django's JsonResponse: JSON is UTF-8

    def error(self, status: int, message: str, **extra) -> JsonResponse:
        return json_error(self.error_key, status, message, **extra)

    def urls_without_sign_in(self):
        """``urls`` with every view exempt from the site's sign-in requirement (tokens only)."""
        patterns, app_name, namespace = self.urls
        for pattern in patterns:
            login_not_required(pattern.callback)
        return patterns, app_name, namespace

    # --- the error handlers -----------------------------------------------------------------
    def _on_unauthorized(self, request, exc):
        said = self._unauthorized(request) if callable(self._unauthorized) else self._unauthorized
        response = self.error(401, said)
        if self._challenge:
            response["WWW-Authenticate"] = self._challenge
        return response

    def _on_refusal(self, request, exc: HttpError):
        response = self.error(exc.status_code, exc.message)
        for name, value in getattr(exc, "headers", {}).items():
            response[name] = value
        return response

    def _on_unreadable_body(self, request, exc: jsonbody.BadJSON):
        return self.error(exc.status, f"{exc}{self._too_large_hint if exc.status == 413 else ''}")

    def _on_invalid_input(self, request, exc: ValidationError):
        in_body = [error for error in exc.errors if error["loc"][:1] == ("body",)]
        if in_body:
            return self.error(*self._body_problem(in_body))
        answer = {self.error_key: "Bad request parameters.", "errors": exc.errors}
        return JsonResponse(answer, status=400, encoder=DjangoJSONEncoder)

    def _on_not_found(self, request, exc):
        return self.error(404, str(exc) or "Not found.")
