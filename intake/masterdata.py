"""What the master-data pull sends a device (PRODUCT.md §5): the mirror rows changed since a
cursor, written out as they are read.

A handheld's first pull (no ``since``) is the whole mirror: 100,000 items and more. The answer
is streamed: each table is read in pages of ``PAGE`` rows by key (``pk > last``, never an
OFFSET, and no cursor left open while a slow handheld reads), and each page is encoded and
sent before the next is read, so the portal holds one page at a time whatever the mirror's
size. The JSON is the same document a single encoding would give.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from mas import models as mirror
from kernel import cursors

PAGE = 2000
CURSOR_OVERLAP = timedelta(seconds=60)
TABLES = {
    # response key: (mirror model, fields sent)
    "work_orders": (mirror.WorkOrder, (
        "number", "status", "on_hold", "item_code", "item_description", "qty_ordered", "qty_complete",
        "qty_scrapped", "parent_warehouse", "wo_date", "due_date", "last_step_complete",
    )),
    "steps": (mirror.WorkOrderStep, (
        "work_order", "step", "work_center", "operation_code", "description", "step_complete",
    )),
    "materials": (mirror.MaterialLine, (
        "work_order", "line_key", "step", "item_code", "warehouse", "qty_required", "qty_issued", "unit_of_measure",
    )),
    "items": (mirror.Item, ("code", "description", "item_type", "mas_inactive")),
    "warehouses": (mirror.Warehouse, ("code", "description")),
    "employees": (mirror.Employee, ("number", "first_name", "last_name", "mas_inactive", "default_work_center")),
    "crews": (mirror.Crew, ("number", "description")),
    "crew_members": (mirror.CrewMember, ("crew", "employee")),
}


# --- the cursor ------------------------------------------------------------------------------
def make_cursor(moment: datetime) -> str:
    return cursors.encode({"v": 1, "t": moment.astimezone(dt_timezone.utc).isoformat()})


def read_cursor(cursor: str) -> datetime:
    """The moment of a cursor made by ``make_cursor``; ``ValueError`` for anything else. Its
    size and nesting are bounded before it is decoded: it comes from outside."""
    payload = cursors.decode(cursor)
    try:
        moment = datetime.fromisoformat(payload["t"])
    except (ValueError, TypeError, KeyError):  # BadJSON is a ValueError
        raise ValueError("not a cursor this server made") from None
    if timezone.is_naive(moment):
        raise ValueError("not a cursor this server made")
    return moment


def cursor_time() -> datetime:
    """Now, or the start of a pull still running if earlier: its rows commit later than they
    are stamped, so the next cursor must not pass them."""
    from syncconfig.models import PullRun, PullStatus

    now = timezone.now()
    running = PullRun.objects.filter(status=PullStatus.RUNNING).order_by("started_at").values_list(
        "started_at", flat=True
    ).first()
    return min(now, running) if running else now


# --- the answer --------------------------------------------------------------------------------
def rows(model, fields, changed_since: datetime | None) -> Iterator[list[dict]]:
    """The rows of one table to send, in pages of at most ``PAGE``, by primary key."""
    queryset = model.objects.order_by("pk")
    if changed_since is not None:
        queryset = queryset.filter(last_changed_at__gte=changed_since)
    last = None
    while True:
        page = list((queryset if last is None else queryset.filter(pk__gt=last)).values("pk", *fields, "active")[:PAGE])
        if not page:
            return
        last = page[-1]["pk"]
        for row in page:
            del row["pk"]
            if row.pop("mas_inactive", False):
                row["active"] = False  # marked inactive in MAS: the device treats it as gone
        yield page
        if len(page) < PAGE:
            return


def encoded(head: dict, changed_since: datetime | None) -> Iterator[bytes]:
    """``head`` (cursor, pull sleep time) and then every table of ``TABLES``, as one JSON object
    in pieces of about one page each."""
    encoder = DjangoJSONEncoder(separators=(",", ":"))
    yield encoder.encode(head)[:-1].encode()
    for key, (model, fields) in TABLES.items():
        before = f",{encoder.encode(key)}:["  # what goes before the next page's rows
        for page in rows(model, fields, changed_since):
            yield (before + encoder.encode(page)[1:-1]).encode()
            before = ","
        yield (("" if before == "," else before) + "]").encode()
    yield b"}"
