"""The importer API: how WOScan Sync, on the MAS side, takes batches (PRODUCT.md §6), with django-ninja.

JSON over HTTP under ``/api/importer/v1/``, one token per importer
(``Authorization: Token <token>``; ``manage.py create_importer_token <name>`` makes one); the
OpenAPI document is ``/api/importer/v1/openapi.json``:

- ``GET batches`` — the batches ready to import (exported, files written), oldest first;
- ``GET batches/<number>`` — one batch: its control file and its CSV text;
- ``POST batches/<number>/ack`` with ``{"result": "imported"}`` — the batch is in Transaction
  Entry (``exported → imported``; again is harmless), or ``{"result": "refused", "reason": "…"}``
  — the files did not match; the batch stays ``exported`` and the accountant sees the reason.

Errors are JSON ``{"error": "…"}`` (``kernel.machine_api``): 400 bad body, 401 missing
or revoked token, 404 unknown batch or address, 405 wrong method, 409 the batch's state does
not allow it (or its files are not complete; a batch deleted in MAS is never acknowledged),
413 a body over 64 KB, 503 the export folder cannot be read (try again later).
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Optional

from django.utils import timezone
from django.utils.text import capfirst
from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, StrictStr

from batches import services, writer
from batches.models import BatchStatus, ExportBatch, ImporterClient
from kernel import jsonbody
from kernel.apierrors import ERROR
from kernel.machine_api import ApiError, JsonBody, MachineAPI, TokenAuth

MAX_ACK_BYTES = 64 * 1024  # {"result": …, "reason": …}: a reason is kept to 2000 characters
MAX_ACK_DEPTH = 8  # the body is 1 level deep; a nested reason is answered "must be text"
MAX_REASON_CHARS = 2000
ACK_SHAPE = 'The body must be a JSON object {"result": "imported" | "refused", "reason": "…"}.'


class ImporterToken(TokenAuth):
    """``Authorization: Token <token>`` of an importer that is not revoked; each call is its last seen."""

    model = ImporterClient
    openapi_description = "`Token <token>`: the importer's token, shown once by `manage.py create_importer_token`."

    def authenticate(self, request, key):
        client = super().authenticate(request, key)
        if client is not None:
            ImporterClient.objects.filter(pk=client.pk).update(last_seen_at=timezone.now())
        return client


def _ack_problem(errors: list[dict]) -> tuple[int, str]:
    """What ``AckIn`` found, in the words the importer API has always answered (the reason first)."""
    error = min(errors, key=lambda e: e["loc"][2:3] != ("reason",))
    where = error["loc"][2:]
    if not where:
        return 400, ACK_SHAPE
    if where[0] != "reason":
        return 400, 'result: must be "imported" or "refused".'
    if error["type"] == "string_too_long":
        return 400, f"reason: at most {MAX_REASON_CHARS} characters."
    if error["type"] == "value_error":
        return 400, f"reason: {error['ctx']['error']}"
    return 400, "reason: must be text."


api = MachineAPI(
    title="WOScan Portal importer API",
    version="1",
    description=(
        "How WOScan Sync, inside the MAS Work Order module, takes the portal's export batches "
        "(PRODUCT.md §6): list the batches ready to import, fetch one (its control file and CSV), "
        "acknowledge it as imported or refused. Authenticate every call with "
        "`Authorization: Token <token>`."
    ),
    auth=ImporterToken(),
    urls_namespace="importer_api",
    error_key=ERROR,
    unauthorized="A valid importer token is required: Authorization: Token <token>.",
    challenge="Token",
    body_problem=_ack_problem,
    max_body_bytes=MAX_ACK_BYTES,
    max_body_depth=MAX_ACK_DEPTH,
)


# --- the bodies -------------------------------------------------------------------------------
def _plain_text(value: Any) -> Any:
    if isinstance(value, str) and jsonbody.text_problem(value):
        raise ValueError(jsonbody.text_problem(value))
    return value


class AckIn(BaseModel):
    result: Literal["imported", "refused"] = Field(
        description="`imported`: the batch is in Transaction Entry. `refused`: its files did not match.",
    )
    # The length is checked in the string schema, after the plain-text check (as it always was).
    reason: Optional[Annotated[StrictStr, Field(max_length=MAX_REASON_CHARS), BeforeValidator(_plain_text)]] = (
        Field("", description="Why the batch was refused (kept, trimmed, for the accountant).")
    )


class Error(Schema):
    error: str


class BatchOut(Schema):
    batch: int = Field(description="The batch number (the files are WOS<number, 6 digits>.csv and .ctl).")
    status: str = Field(description="`exported`, `imported`, `posted`… (PRODUCT.md §6).")
    lines: int
    total_hours: float
    total_quantity: float
    sha256: str = Field(description="SHA-256 of the CSV, as in the control file.")
    created_at: str = Field(description="ISO 8601, to the second.")
    csv: str = Field(description="The CSV file's name in the export folder.")
    ctl: str = Field(description="The control file's name in the export folder.")


class BatchListOut(Schema):
    batches: list[BatchOut]


class BatchDetailOut(BatchOut):
    control: dict[str, Any] = Field(description="The control file (`WOS<N>.ctl`) as written.")
    csv_text: str = Field(description="The CSV file's text, exactly as written (CRLF line ends).")


class AckOut(BatchOut):
    changed: bool = Field(description="Whether this call changed the batch (false for an acknowledgement repeated).")
    import_error: str = Field(description="The reason of the last refusal; empty once imported.")


def _summary(batch: ExportBatch) -> dict:
    return {
        "batch": batch.number,
        "status": batch.status,
        "lines": batch.lines,
        "total_hours": float(batch.total_hours),
        "total_quantity": float(batch.total_quantity),
        "sha256": batch.sha256,
        "created_at": batch.created_at.isoformat(timespec="seconds"),
        "csv": f"{batch.file_stem}.csv",
        "ctl": f"{batch.file_stem}.ctl",
    }


# --- the operations -----------------------------------------------------------------------------
@api.get("/batches", response={200: BatchListOut, 401: Error}, url_name="batch_list",
         summary="The batches ready to import, oldest first")
def batch_list(request):
    ready = ExportBatch.objects.filter(status=BatchStatus.EXPORTED).order_by("number")
    return {"batches": [_summary(b) for b in ready]}


@api.get("/batches/{int:number}", response={200: BatchDetailOut, 401: Error, 404: Error, 409: Error, 503: Error},
         url_name="batch_detail", summary="One batch: its control file and its CSV text")
def batch_detail(request, number: int):
    batch = ExportBatch.objects.filter(number=number).first()
    if batch is None:
        raise ApiError(404, f"There is no batch {number:06d}.")
    if batch.status not in (BatchStatus.EXPORTED, BatchStatus.IMPORTED, BatchStatus.POSTED):
        raise ApiError(409, f"{batch} is {batch.get_status_display().lower()}: it is not for import.")
    try:
        problem = writer.file_problem(batch)
        if problem:
            raise ApiError(409, f"{batch} is not ready: {problem}.")
        control = json.loads(writer.ctl_path(batch).read_text("utf-8"))
        csv_text = writer.csv_path(batch).read_bytes().decode("utf-8")  # exact bytes: CRLF kept
    except OSError as exc:
        raise ApiError(
            503, f"{capfirst(writer.unreadable(exc))}; try again later.", headers={"Retry-After": "60"}
        ) from None
    return {**_summary(batch), "control": control, "csv_text": csv_text}


@api.post("/batches/{int:number}/ack",
          response={200: AckOut, 400: Error, 401: Error, 404: Error, 409: Error, 413: Error},
          url_name="batch_ack", summary="Acknowledge a batch: imported, or refused with a reason")
def batch_ack(request, number: int, body: AckIn = JsonBody(...)):
    actor = f"importer {request.auth.name}"
    try:
        if body.result == "imported":
            batch, changed = services.acknowledge_import(number, actor_label=actor)
        else:
            batch, changed = services.refuse_import(number, body.reason or "", actor_label=actor)
    except services.BatchStateError as exc:
        status = 404 if not ExportBatch.objects.filter(number=number).exists() else 409
        raise ApiError(status, str(exc)) from None
    return {**_summary(batch), "changed": changed, "import_error": batch.import_error}


def urls():
    """``api.urls`` with every view exempt from the site's sign-in requirement (tokens only)."""
    return api.urls_without_sign_in()
