""""My lines" (PRODUCT.md §5): the states of the lines one device pushed, changed since a cursor.

A handheld asks ``GET /api/sync/v1/transactions?since=<cursor>`` after each sync and shows its
worker what became of each line: approved, rejected with the supervisor's reason, exported.

A line's change time is its ``updated_at`` (every state change, edit and re-check sets it). The
lines are read in ``(updated_at, id)`` order from the ``(device, updated_at, id)`` index, at most
``PAGE`` an answer; ``more`` says another page follows at once. The cursor (opaque: base64 of a
small JSON object, made only here, at most ``MAX_CURSOR_CHARS``) holds the position after the last
line sent and, while pages follow, the moment the first page of this pass was read less
``CURSOR_OVERLAP``. A change is stamped before its transaction commits, so a line stamped just
before a read may become visible only after it: when the last page of a pass is sent, the next
cursor is that moment, and lines changed in the minute before the pass are sent again rather
than missed. Clients replace a line's state by its ``client_txn_id``, so a repeat is harmless.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.db.models import Q
from django.utils import timezone

from intake.masterdata import CURSOR_OVERLAP
from transactions.models import Transaction, TransactionStatus
from kernel import cursors
from kernel.cursors import MAX_CURSOR_CHARS  # noqa: F401 - the bound the API documents

PAGE = 1000
FIRST_PULL_DAYS = 14  # no cursor: the lines that changed in the last 14 days
DECIDED = (TransactionStatus.APPROVED, TransactionStatus.REJECTED, TransactionStatus.EXPORTED)
_KIND = "lines"  # a master-data cursor is not a cursor of this endpoint


@dataclass(frozen=True)
class Position:
    updated_at: datetime
    id: int
    restart: datetime | None = None  # set while a pass goes on: where its last page sends the cursor back to


def make_cursor(position: Position) -> str:
    payload = {"v": 1, "k": _KIND, "t": _utc(position.updated_at), "i": position.id}
    if position.restart is not None:
        payload["r"] = _utc(position.restart)
    return cursors.encode(payload, compact=True)


def read_cursor(cursor: str) -> Position:
    """The position a cursor made by ``make_cursor`` holds; ``ValueError`` for anything else. Its
    size and nesting are bounded before it is decoded: it comes from outside."""
    payload = cursors.decode(cursor)
    try:
        if payload.get("v") != 1 or payload.get("k") != _KIND:
            raise ValueError("not a cursor this server made")
        line_id = payload["i"]
        if not isinstance(line_id, int) or isinstance(line_id, bool) or not 0 <= line_id < 2**63:
            raise ValueError("not a cursor this server made")
        moments = [datetime.fromisoformat(payload["t"])]
        if "r" in payload:
            moments.append(datetime.fromisoformat(payload["r"]))
    except (ValueError, TypeError, KeyError):  # BadJSON and binascii.Error are ValueErrors
        raise ValueError("not a cursor this server made") from None
    if any(timezone.is_naive(moment) for moment in moments):
        raise ValueError("not a cursor this server made")
    return Position(moments[0], line_id, moments[1] if len(moments) > 1 else None)


def _utc(moment: datetime) -> str:
    return moment.astimezone(dt_timezone.utc).isoformat()


def changes(device, since: str | None, *, now: datetime | None = None) -> dict:
    """The answer for ``device``: ``cursor``, ``more`` and up to ``PAGE`` ``lines``.
    ``since`` is checked first: ``ValueError`` when it is not a cursor of this endpoint."""
    now = now or timezone.now()
    position = read_cursor(since) if since else Position(now - timedelta(days=FIRST_PULL_DAYS), 0)
    restart = position.restart or now - CURSOR_OVERLAP
    after = Q(updated_at__gt=position.updated_at) | Q(updated_at=position.updated_at, id__gt=position.id)
    rows = list(
        Transaction.objects.filter(device=device, updated_at__gte=position.updated_at).filter(after)
        .order_by("updated_at", "id")
        .values_list("client_txn_id", "id", "status", "review_reason", "reviewed_at", "received_at", "updated_at")
        [: PAGE + 1]
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    if more:
        following = Position(rows[-1][6], rows[-1][1], restart)
    else:
        # Every line visible now after the position was sent; one not visible yet commits later
        # than it was stamped, so after ``restart`` (and a line missed between the pages of this
        # pass was stamped after it too): the next pass starts there.
        following = Position(restart, 0)
    return {"cursor": make_cursor(following), "more": more, "lines": [_line(*row) for row in rows]}


def _line(client_txn_id, pk, status, reason, reviewed_at, received_at, updated_at) -> dict:
    decided_at = None
    if status in DECIDED:
        decided_at = reviewed_at or received_at  # no reviewer: approved on arrival by the processing option
    return {
        "client_txn_id": str(client_txn_id),
        "id": pk,
        "status": status,
        "reason": reason if status == TransactionStatus.REJECTED else "",
        "decided_at": decided_at,
        "updated_at": updated_at,
    }
