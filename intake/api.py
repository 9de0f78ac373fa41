"""The SyncServices API for Sync Mode clients (PRODUCT.md §5), with django-ninja.

Mounted at ``/api/sync/v1/``; the OpenAPI document is ``/api/sync/v1/openapi.json``.
Every operation but the enrolment (``POST /enrol``: a one-time code, ``intake.enrolment``)
authenticates with ``Authorization: Token <token>`` (one token per device, got by enrolling or
made on the Devices page or with ``manage.py create_device``) and nothing else: no session,
so no CSRF either, and the site's sign-in requirement does not apply (``urls()``).

The push body is read within bounds (``kernel.machine_api``) and validated by its schema,
``PushIn``: a JSON object whose ``transactions`` is an array of at most 1000 (400 or 413
otherwise). The lines themselves are read by ``intake.parsing``, not by a pydantic model: one
malformed transaction must answer ``invalid`` in its own result row with the field named, the
other lines stored — a line schema would refuse the whole request. ``TransactionIn`` describes
a line for the OpenAPI document, with the limits the reader applies (both from the model,
``transactions.field_limits``).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, Optional, Union

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from ninja import Field, Schema
from ninja.decorators import decorate_view
from pydantic import BaseModel, WithJsonSchema

from intake import enrolment, mylines
from intake.masterdata import CURSOR_OVERLAP, cursor_time, encoded, make_cursor, read_cursor
from intake.parsing import DECIMAL_FIELDS, TEXT_FIELDS
from intake.services import MAX_PER_REQUEST, collect
from kernel import jsonbody, tokens
from kernel.apierrors import DETAIL
from kernel.display import plant_datetime
from kernel.machine_api import ApiError, JsonBody, MachineAPI, TokenAuth
from transactions.models import Device, TransactionStatus, TransactionType

ENROL_MAX_BODY_BYTES = 4096  # {"code": "…"}; a URL from a QR code fits many times over
MAX_BODY_BYTES = 16 * 1024 * 1024  # 1000 lines with the longest comments fit several times over
MAX_BODY_DEPTH = 512  # a body is 3 levels deep; a line's value deeper than 16 makes only that line invalid
SEEN_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often on a pull
PUSH_SHAPE = 'The body must be a JSON object {"transactions": [...]}.'


class DeviceToken(TokenAuth):
    """``Authorization: Token <token>`` of a device that is not revoked."""

    model = Device
    openapi_description = "`Token <token>`: the device's token, shown once when it was registered."

    def authenticate(self, request, key):
        device = tokens.holder(Device, key, revoked=True)  # one read: a revoked handheld is told so
        if device is not None and not device.is_active:
            request.revoked_device = device  # the 401's message says when; an unknown token gets the plain one
            return None
        return device


def _unauthorized(request) -> str:
    revoked = getattr(request, "revoked_device", None)
    if revoked is not None:
        return (
            f"This handheld was revoked on {plant_datetime(revoked.revoked_at)}: it can no longer push or pull. "
            "Ask an administrator to register it again."
        )
    return "Missing, unknown or revoked device token: send Authorization: Token <token>."


def _push_problem(errors: list[dict]) -> tuple[int, str]:
    """What ``PushIn`` found, in the words the device API has always answered."""
    for error in errors:
        if error["loc"][2:] == ("transactions",) and error["type"] == "too_long":
            count = error["ctx"]["actual_length"]
            return 413, f"{count} transactions in one request; at most {MAX_PER_REQUEST}."
    return 400, PUSH_SHAPE


api = MachineAPI(
    title="WOScan SyncServices",
    version="1",
    description=(
        "The device API of the WOScan Portal (PRODUCT.md §5): Sync Mode clients push collected "
        "work-order transactions and pull the mirror of MAS master data. Authenticate every call "
        "with `Authorization: Token <token>`."
    ),
    auth=DeviceToken(),
    urls_namespace="sync_api",
    error_key=DETAIL,
    unauthorized=_unauthorized,
    body_problem=_push_problem,
    max_body_bytes=MAX_BODY_BYTES,
    max_body_depth=MAX_BODY_DEPTH,
    too_large_hint=" Push fewer transactions at once.",
)


def _error(status: int, detail: str) -> JsonResponse:
    """The device API's one error shape ({"detail": …}), for the answers an endpoint gives itself."""
    return api.error(status, detail)


# --- the bodies -------------------------------------------------------------------------------
def _text(name: str):
    return Field(None, max_length=TEXT_FIELDS[name])


def _decimal(name: str, description: str = "At most {places} decimal places."):
    """A decimal field as the reader takes it: fewer digits before the point than the column
    holds, and at most its decimal places (said in words: JSON Schema's ``multipleOf`` is not
    exact on floats)."""
    max_digits, places = DECIMAL_FIELDS[name]
    bound = 10 ** (max_digits - places)
    return Field(None, gt=-bound, lt=bound, description=description.format(places=places))


class TransactionIn(Schema):
    """One collected transaction; which fields are required depends on ``type`` (PRODUCT.md §4)."""

    client_txn_id: uuid.UUID = Field(description="A UUID the device makes once and sends on every retry.")
    type: Literal[tuple(TransactionType.values)]  # type: ignore[valid-type]
    collected_at: datetime = Field(description="ISO 8601; without an offset it is the plant's local time.")
    work_order: Optional[str] = _text("work_order")
    step: Optional[str] = _text("step")
    employee: Optional[str] = _text("employee")
    crew: Optional[str] = _text("crew")
    start: Optional[datetime] = None
    stop: Optional[datetime] = None
    hours: Optional[float] = _decimal("hours", "At most {places} decimal places; or give start and stop.")
    qty_completed: Optional[float] = _decimal(
        "qty_completed", "Negative on a labor line: a reversal. At most {places} decimal places."
    )
    step_complete: Optional[bool] = None
    item_code: Optional[str] = _text("item_code")
    warehouse: Optional[str] = _text("warehouse")
    quantity: Optional[float] = _decimal(
        "quantity", "Negative on a material issue: a return. At most {places} decimal places."
    )
    lot_serial: Optional[str] = _text("lot_serial")
    qty_scrapped: Optional[float] = _decimal("qty_scrapped")
    close_order: Optional[bool] = None
    amount: Optional[float] = _decimal("amount")
    comment: Optional[str] = _text("comment")


class PushResult(Schema):
    client_txn_id: Optional[Union[str, int, float]] = Field(
        description=(
            "The transaction's `client_txn_id`, echoed so the device can match the answer: the UUID "
            "(lower case) when it reads as one; otherwise the value as sent when it is a string or a "
            "number (e.g. `0`; a number too large for a float comes back as the text `\"inf\"`); "
            "`null` when it was missing, `true`/`false`, an array or an object."
        ),
    )
    status: Literal["accepted", "duplicate", "conflict", "invalid"]
    id: Optional[int] = Field(description="The portal's id of the stored transaction (none when invalid).")
    errors: dict[str, str] = Field(description="Field name → what is wrong with it.")


class PushOut(Schema):
    results: list[PushResult]


class Message(Schema):
    detail: str


class MasterDataOut(Schema):
    cursor: str = Field(description="Send it back as `since` on the next pull.")
    pull_sleep_time: str = Field(description="hh:mm:ss between pulls (Settings > General).")
    work_orders: list[dict]
    steps: list[dict]
    materials: list[dict]
    items: list[dict]
    warehouses: list[dict]
    employees: list[dict]
    crews: list[dict]
    crew_members: list[dict]


class EnrolIn(Schema):
    code: str = Field(
        description=(
            "The one-time code from the device page, as shown (`K7QM-2XPA`) or typed in any case, with or "
            "without the dash and spaces; or the URL its QR code holds (`…/handheld/?code=K7QM-2XPA`)."
        ),
        max_length=2048,
        examples=["K7QM-2XPA"],
    )


class EnrolOut(Schema):
    token: str = Field(description="The device's token: send it as `Authorization: Token <token>` on every call.")
    device: str = Field(description="The device's name on the device page.")
    pull_sleep_time: str = Field(description="hh:mm:ss between syncs (Settings > General).")


class LineState(Schema):
    client_txn_id: uuid.UUID = Field(description="The id the device gave the line when it pushed it.")
    id: int = Field(description="The portal's id of the line (the `id` of its push result).")
    status: Literal[tuple(TransactionStatus.values)]  # type: ignore[valid-type]
    reason: str = Field(description='The supervisor\'s reason when the line was rejected; "" otherwise.')
    decided_at: Optional[datetime] = Field(
        description="When it was approved or rejected (on arrival, for a processing option that approves); "
        "null while it waits for review.",
    )
    updated_at: datetime = Field(description="When its state last changed.")


class MyLinesOut(Schema):
    cursor: str = Field(description="Send it back as `since` next time (at once while `more` is true).")
    more: bool = Field(description=f"More lines changed than one answer holds ({mylines.PAGE}): ask again at once.")
    lines: list[LineState]


class PushIn(BaseModel):
    """The push body: validated here as a whole; each line is read by ``intake.parsing``."""

    transactions: list[Any] = Field(max_length=MAX_PER_REQUEST, strict=True)


def _push_body_schema() -> dict:
    """``PushIn`` as the document shows it: inline, each line described by ``TransactionIn``."""
    item = TransactionIn.model_json_schema()
    item.pop("title", None)
    return {
        "type": "object",
        "required": ["transactions"],
        "properties": {"transactions": {"type": "array", "maxItems": MAX_PER_REQUEST, "items": item}},
    }


# --- push ---------------------------------------------------------------------------------------
@api.post(
    "/transactions",
    response={200: PushOut, 400: Message, 401: Message, 413: Message},
    url_name="push",
    summary="Push collected transactions (at most 1000 a request)",
)
def push(request, body: Annotated[PushIn, WithJsonSchema(_push_body_schema())] = JsonBody(...)):
    results = collect(body.transactions, device=request.auth)
    return JsonResponse({"results": [result.as_json() for result in results]})


# --- my lines ------------------------------------------------------------------------------------
@api.get(
    "/transactions",
    response={200: MyLinesOut, 400: Message, 401: Message},
    url_name="my_lines",
    summary="The states of this device's lines changed since a cursor",
)
def my_lines(request, since: Optional[str] = None):
    """What became of the lines this device pushed: each line whose state changed since ``since``
    (without it: in the last 14 days), oldest change first, at most 1000 an answer — ``more`` says
    to ask again at once with the new ``cursor``. A rejected line carries the supervisor's
    ``reason``; fix it and push it again as a new line, with a new ``client_txn_id``. Lines of
    other devices never appear.

    The cursor is opaque (base64 of a small JSON object). Lines changed in the minute before a
    pass are sent again on the next one rather than missed; replace a line's state by its
    ``client_txn_id``.
    """
    try:
        answer = mylines.changes(request.auth, since)
    except ValueError:
        return _error(400, "since is not a cursor of this endpoint; ask without since to start over.")
    _seen(request.auth)
    return JsonResponse(answer, encoder=DjangoJSONEncoder)


# --- enrolment -------------------------------------------------------------------------------
@api.post(
    "/enrol",
    auth=None,
    response={200: EnrolOut, 400: Message, 413: Message, 429: Message},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {**EnrolIn.model_json_schema(), "title": "EnrolIn"}}}}},
    url_name="enrol",
    summary="Enrol a handheld with a one-time code (no token needed)",
)
def enrol(request):
    """Trade a one-time enrolment code for the device's token. The code works once and expires
    (``WOSCAN_ENROL_CODE_MINUTES``, 15 by default); enrolling gives the device a new token, so a
    handheld enrolled before as the same device stops. Unknown, used or expired codes answer 400;
    after too many refused codes from one address it is answered 429 for a while."""
    from accounts.throttle import client_address
    from syncconfig.models import ServerConfig

    address = client_address(request)
    until = enrolment.locked_until(address)
    if until is not None:
        wait = max(1, int((until - timezone.now()).total_seconds()))
        response = _error(429, (
            f"Too many wrong enrolment codes from this address: try again after {plant_datetime(until)}."
        ))
        response["Retry-After"] = str(wait)
        return response
    try:
        body = jsonbody.read_body(request, max_bytes=ENROL_MAX_BODY_BYTES, max_depth=2)
    except jsonbody.BadJSON as exc:
        return _error(exc.status, str(exc))
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return _error(400, 'The body must be a JSON object {"code": "<the code on the device page>"}.')
    try:
        device, token = enrolment.enrol(body["code"], address=address)
    except enrolment.EnrolmentRefused as exc:
        return _error(400, str(exc))
    return JsonResponse({
        "token": token, "device": device.name, "pull_sleep_time": _hhmmss(ServerConfig.load().pull_sleep_time),
    })


# --- pull ---------------------------------------------------------------------------------------
def _hhmmss(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@api.get(
    "/masterdata",
    response={200: MasterDataOut, 400: Message, 401: Message},
    url_name="masterdata",
    summary="Pull the MAS master data changed since a cursor",
)
@decorate_view(gzip_page)  # 21 MB of JSON for 100,000 items is about 2 MB gzipped, for clients that ask
def masterdata(request, since: Optional[str] = None):
    """The mirror rows changed since ``since`` (all rows without it), a new ``cursor`` and
    ``pull_sleep_time``. Each row says whether it is ``active``: rows gone from MAS, or marked
    inactive there (items, employees), are sent with ``"active": false``, never left out.

    The cursor is opaque (base64 of a timestamp). A pull returns rows whose change time is at
    or after the cursor's time less one minute, so rows stamped in the same instant as the
    previous answer, or committed a moment after it, are sent again rather than missed; a
    client upserts rows by their key, so a repeat is harmless.
    """
    from syncconfig.models import ServerConfig

    changed_since = None
    if since:
        try:
            changed_since = read_cursor(since) - CURSOR_OVERLAP
        except (ValueError, OverflowError):
            raise ApiError(400, "since is not a cursor this server made; pull without since to start over.") from None
    head = {
        # taken before reading: what commits after it comes next time
        "cursor": make_cursor(cursor_time()),
        "pull_sleep_time": _hhmmss(ServerConfig.load().pull_sleep_time),
    }
    _seen(request.auth)
    return StreamingHttpResponse(encoded(head, changed_since), content_type="application/json")


def _seen(device: Device) -> None:
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)


def urls():
    """``api.urls`` with every view exempt from the site's sign-in requirement (tokens only)."""
    return api.urls_without_sign_in()
