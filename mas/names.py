"""Names from the mirror, both ways: the names of these keys (a page's employees, crews, work
orders, steps, items — one query per kind for the whole page), and the keys a typed text stands
for (a code's beginning, or part of a name: the queue's search box and the correction form's
lookups).

Every reader is answered by an index: a key by its unique index; a code's beginning by that
index too (``code_starts``); part of a name on PostgreSQL by a pg_trgm index (migration
mas/0004), on SQLite by a scan of the table (the mirror's tables are small beside the lines'
history, and SQLite has no index for "contains").
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import CharField, F, Func, Q, QuerySet

from kernel.counting import Budget
from mas import models as mirror

CHUNK = 500  # keys per query (SQLite's cautious limit of parameters)


class FullName(Func):
    """``first_name || ' ' || last_name``: an employee's name as the queue shows it. Written out
    rather than ``Concat`` (which wraps each part in COALESCE on PostgreSQL) so that it is the
    very expression the trigram index of migration mas/0004 holds."""

    output_field = CharField()
    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "

    def __init__(self, **extra):
        super().__init__(F("first_name"), F("last_name"), **extra)


def full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _chunks(keys) -> list[list]:
    keys = sorted(set(keys) - {"", None})
    return [keys[i:i + CHUNK] for i in range(0, len(keys), CHUNK)]


# --- the names of these keys ---------------------------------------------------------------------
def employees(numbers) -> dict[str, str]:
    """{employee number: "First Last"}."""
    return {number: full_name(first, last) for chunk in _chunks(numbers)
            for number, first, last in mirror.Employee.objects.filter(number__in=chunk).order_by()
            .values_list("number", "first_name", "last_name")}


def crews(numbers) -> dict[str, str]:
    """{crew number: its description}."""
    return _described(mirror.Crew, "number", "description", numbers)


def work_orders(numbers) -> dict[str, str]:
    """{work order number: the description of the item it makes}."""
    return _described(mirror.WorkOrder, "number", "item_description", numbers)


def items(codes) -> dict[str, str]:
    """{item code: its description}."""
    return _described(mirror.Item, "code", "description", codes)


def steps(pairs) -> dict[tuple[str, str], str]:
    """{(work order, step): the step's description}, for (work order, step) pairs: the steps of the
    pairs' work orders, read by the (work_order, step) index."""
    wanted = {(wo, step) for wo, step in pairs if wo and step}
    found = {}
    for chunk in _chunks(wo for wo, _ in wanted):
        for wo, step, description in mirror.WorkOrderStep.objects.filter(work_order__in=chunk).order_by() \
                .values_list("work_order", "step", "description"):
            if (wo, step) in wanted and description:
                found[(wo, step)] = description
    return found


def _described(model, key: str, name: str, keys) -> dict[str, str]:
    return {k: text for chunk in _chunks(keys)
            for k, text in model.objects.filter(**{f"{key}__in": chunk}).order_by().values_list(key, name) if text}


# --- the keys a typed text stands for ------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """One kind of mirror row a line's field names: its model, its key, the text that names it,
    and what makes a row one a correction should pick (MAS still has it, it is not closed or
    inactive in MAS)."""

    model: type
    key: str
    name: str  # a field, or "full_name" (the employee's first and last name)
    usable: Q
    # why a row is not one to pick: (field, value, what it means), the first that holds
    unusable: tuple[tuple[str, object, str], ...]
    label: str

    def note(self, values: dict) -> str:
        return next((why for field, value, why in self.unusable if values[field] == value), "")


GONE = ("active", False, "gone from MAS")


KINDS: dict[str, Kind] = {
    "work_order": Kind(mirror.WorkOrder, "number", "item_description",
                       Q(active=True) & ~Q(status=mirror.WorkOrderStatus.CLOSED),
                       (GONE, ("status", mirror.WorkOrderStatus.CLOSED, "closed")), "work order"),
    "step": Kind(mirror.WorkOrderStep, "step", "description", Q(active=True), (GONE,), "step"),
    "employee": Kind(mirror.Employee, "number", "full_name", Q(active=True, mas_inactive=False),
                     (GONE, ("mas_inactive", True, "inactive in MAS")), "employee"),
    "crew": Kind(mirror.Crew, "number", "description", Q(active=True), (GONE,), "crew"),
    "item": Kind(mirror.Item, "code", "description", Q(active=True, mas_inactive=False),
                 (GONE, ("mas_inactive", True, "inactive in MAS")), "item"),
}
NAME_MIN_LENGTH = 2  # part of a name: from two characters (one matches nearly every row)


def rows_of(kind: Kind) -> QuerySet:
    rows = kind.model.objects.all()
    return rows.annotate(full_name=FullName()) if kind.name == "full_name" else rows


def code_starts(field: str, text: str) -> Q:
    """The rows whose key begins with ``text``, as a range of the key's unique index — from the
    text itself up to the text followed by the last character there is — where the database
    compares text character by character (SQLite; PostgreSQL in the C collation): the index then
    gives them in key order, so "the first 20" stops after 20 rows even when a single letter
    matches a third of a million items. In a linguistic collation that range is not exactly "begins
    with": there it is ``LIKE 'text%'``, served by the ``varchar_pattern_ops`` index Django makes
    beside a unique key on PostgreSQL (then sorted)."""
    if _compares_by_character():
        return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})
    return Q(**{f"{field}__startswith": text})


_COLLATIONS: dict[tuple, bool] = {}


def _compares_by_character() -> bool:
    """Whether the database orders text by its characters' code points (SQLite's BINARY; the C,
    C.UTF-8 and POSIX collations on PostgreSQL): asked once per database."""
    if connection.vendor == "sqlite":
        return True
    key = (connection.vendor, connection.settings_dict.get("NAME"))
    if key not in _COLLATIONS:
        if connection.vendor != "postgresql":
            _COLLATIONS[key] = False
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
                (collation,) = cursor.fetchone()
            _COLLATIONS[key] = collation.lower().replace("-", "") in ("c", "posix", "c.utf8")
    return _COLLATIONS[key]


def name_contains(kind: Kind, text: str) -> Q:
    """The rows whose name contains ``text``, in any case (the trigram index on PostgreSQL)."""
    return Q(**{f"{kind.name}__icontains": text})


def keys_named(kind_name: str, text: str, limit: int, *, rows: QuerySet | None = None) -> list:
    """Up to ``limit`` keys (in key order) of the rows whose name contains ``text``: what the
    queue's search box finds by a name. Steps are (work order, step) pairs."""
    kind = KINDS[kind_name]
    rows = rows if rows is not None else rows_of(kind)
    found = rows.filter(name_contains(kind, text))
    if kind_name == "step":
        return list(found.order_by("work_order", "step").values_list("work_order", "step")[:limit])
    return list(found.order_by(kind.key).values_list(kind.key, flat=True)[:limit])


LOOKUP_LIMIT = 20
# The time the parts of one lookup that search names may take together: on SQLite "contains" is a
# scan of the table, about a second at a million items on a busy machine; past it the lookup
# answers what it found and says it is not complete (kernel.counting.Budget stops the statement).
NAME_BUDGET = settings.WOSCAN_NAME_BUDGET


@dataclass
class Suggestions:
    results: list[dict]
    complete: bool = True  # False: a name search was stopped by NAME_BUDGET; more may match


def lookup(kind_name: str, text: str, *, work_order: str = "", width: int = 0, limit: int = LOOKUP_LIMIT,
           budget: float | None = None) -> Suggestions:
    """The rows a correction may pick for ``text``: ``{"code", "name", "usable", "note"}``, at
    most ``limit``. Rows to pick (MAS has them, not closed or inactive) come first; within each,
    the key as typed ("42" is employee 0000042 when ``width`` is 7), then the keys that begin
    with the text, then the names that contain it (two characters or more), each in key order.
    Steps are those of ``work_order`` only.

    Each part is its own small query, stopped at ``limit`` rows by an index walk in key order (or,
    for part of a name on PostgreSQL, a trigram index scan), so a mirror of a million items
    answers a code as fast as one of a thousand. Part of a name on SQLite reads the table: those
    parts share ``budget`` seconds (``NAME_BUDGET``), and what they had no time for is left out
    (``complete`` is then False)."""
    kind = KINDS[kind_name]
    rows = rows_of(kind)
    if kind_name == "step":
        rows = rows.filter(work_order=work_order)
    text = text.strip()
    code = text.upper()
    parts = []
    if width and code.isdigit() and len(code) < width:
        parts.append((Q(**{kind.key: code.zfill(width)}), False))
    parts.append((code_starts(kind.key, code), False))
    if len(text) >= NAME_MIN_LENGTH:
        parts.append((name_contains(kind, text), True))
    names_time = Budget(NAME_BUDGET if budget is None else budget)
    found = Suggestions([])
    seen: list[str] = []
    for usable in (True, False):
        chosen = rows.filter(kind.usable) if usable else rows.exclude(kind.usable)
        for part, by_name in parts:
            wanted = limit - len(found.results)
            if wanted <= 0:
                return found
            matches = chosen.filter(part).exclude(**{f"{kind.key}__in": seen}).order_by(kind.key)
            fields = (kind.key, kind.name, *(() if usable else dict.fromkeys(field for field, _, _ in kind.unusable)))
            read = lambda: list(matches.values(*fields)[:wanted])  # noqa: E731
            got = names_time.run(read) if by_name else read()
            if got is None:
                found.complete = False
                continue
            for row in got:
                seen.append(row[kind.key])
                found.results.append({"code": row[kind.key], "name": row[kind.name], "usable": usable,
                                      "note": "" if usable else kind.note(row)})
    return found
