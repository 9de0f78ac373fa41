"""The importer API: how WOScan Sync, on the MAS side, takes batches (PRODUCT.md §6).

JSON over HTTP under ``/api/importer/v1/``, one token per importer
(``Authorization: Token <token>``; ``manage.py create_importer_token <name>`` makes one):

- ``GET batches`` — the batches ready to import (exported, files written), oldest first;
- ``GET batches/<number>`` — one batch: its control file and its CSV text;
- ``POST batches/<number>/ack`` with ``{"result": "imported"}`` — the batch is in Transaction
  Entry (``exported → imported``; again is harmless), or ``{"result": "refused", "reason": "…"}``
  — the files did not match; the batch stays ``exported`` and the accountant sees the reason.

Errors are JSON ``{"error": "…"}``: 400 bad body, 401 missing or revoked token, 404 unknown
batch, 409 the batch's state does not allow it (or its files are not complete; a batch deleted
in MAS is never acknowledged), 503 the export folder cannot be read (try again later).
"""
from __future__ import annotations

import json
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.csrf import csrf_exempt

from batches import services, writer
from batches.models import BatchStatus, ExportBatch, ImporterClient
from kernel import jsonbody
from kernel.tokens import hash_token, parse_authorization

MAX_ACK_BYTES = 64 * 1024  # {"result": …, "reason": …}: a reason is kept to 2000 characters
MAX_ACK_DEPTH = 8  # the body is 1 level deep; a nested reason is answered "must be text"
MAX_REASON_CHARS = 2000


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def importer_api(method: str):
    """Token authentication for the importer; no session, no CSRF, no sign-in page; one method."""

    def decorate(view):
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return _call(view, method, request, *args, **kwargs)

        return wrapped

    return decorate


def _call(view, method: str, request, *args, **kwargs):
    token = parse_authorization(request.headers.get("Authorization", ""))
    client = None
    if token:
        client = ImporterClient.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True).first()
    if client is None:
        response = _error(401, "A valid importer token is required: Authorization: Token <token>.")
        response["WWW-Authenticate"] = "Token"
        return response
    if request.method != method:
        response = _error(405, f"Use {method}.")
        response["Allow"] = method
        return response
    ImporterClient.objects.filter(pk=client.pk).update(last_seen_at=timezone.now())
    request.importer = client
    return view(request, *args, **kwargs)


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


@importer_api("GET")
def batch_list(request):
    ready = ExportBatch.objects.filter(status=BatchStatus.EXPORTED).order_by("number")
    return JsonResponse({"batches": [_summary(b) for b in ready]})


@importer_api("GET")
def batch_detail(request, number: int):
    batch = ExportBatch.objects.filter(number=number).first()
    if batch is None:
        return _error(404, f"There is no batch {number:06d}.")
    if batch.status not in (BatchStatus.EXPORTED, BatchStatus.IMPORTED, BatchStatus.POSTED):
        return _error(409, f"{batch} is {batch.get_status_display().lower()}: it is not for import.")
    try:
        problem = writer.file_problem(batch)
        if problem:
            return _error(409, f"{batch} is not ready: {problem}.")
        control = json.loads(writer.ctl_path(batch).read_text("utf-8"))
        csv_text = writer.csv_path(batch).read_bytes().decode("utf-8")  # exact bytes: CRLF kept
    except OSError as exc:
        response = _error(503, f"{capfirst(writer.unreadable(exc))}; try again later.")
        response["Retry-After"] = "60"
        return response
    return JsonResponse({**_summary(batch), "control": control, "csv_text": csv_text})


@importer_api("POST")
def batch_ack(request, number: int):
    try:
        body = jsonbody.read_body(request, max_bytes=MAX_ACK_BYTES, max_depth=MAX_ACK_DEPTH)
    except jsonbody.BadJSON as exc:
        return _error(exc.status, str(exc))
    if not isinstance(body, dict):
        return _error(400, 'The body must be a JSON object {"result": "imported" | "refused", "reason": "…"}.')
    result = body.get("result")
    reason = body.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        return _error(400, "reason: must be text.")
    if jsonbody.text_problem(reason):
        return _error(400, f"reason: {jsonbody.text_problem(reason)}")
    if len(reason) > MAX_REASON_CHARS:
        return _error(400, f"reason: at most {MAX_REASON_CHARS} characters.")
    actor = f"importer {request.importer.name}"
    try:
        if result == "imported":
            batch, changed = services.acknowledge_import(number, actor_label=actor)
        elif result == "refused":
            batch, changed = services.refuse_import(number, reason, actor_label=actor)
        else:
            return _error(400, 'result: must be "imported" or "refused".')
    except services.BatchStateError as exc:
        status = 404 if not ExportBatch.objects.filter(number=number).exists() else 409
        return _error(status, str(exc))
    return JsonResponse({**_summary(batch), "changed": changed, "import_error": batch.import_error})
