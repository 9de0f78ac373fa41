"""The supervisor's timesheet (issue 14 item 4): one person's (crew's, work order's) day of lines
in time order, its total, and the gaps and overlaps between the lines' start and stop times.

A line belongs to the plant day it was collected on (``collected_at``, compared with the day's
first moment so the ``(employee | crew | work_order, collected_at, id)`` queue indexes serve it).
Rejected lines are shown but neither counted in the total nor placed on the timeline.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import DateField, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from kernel.clock import elapsed_hours
from kernel.filters import start_of_day
from mas import names
from transactions.models import Finding, TransactionStatus, TransactionType

S = TransactionStatus
# group kind -> (the line's field, label)
GROUPS = {"employee": ("employee", "Employee"), "crew": ("crew", "Crew"), "work_order": ("work_order", "Work order")}
# People do one thing at a time; a work order is worked by many at once: no gaps or overlaps there.
TIMELINE_GROUPS = ("employee", "crew")
TO_REVIEW = (S.NEEDS_REVIEW, S.FLAGGED)
LINE_FIELDS = ("id", "type", "status", "version", "work_order", "step", "employee", "crew",
               "start", "stop", "hours", "collected_at", "received_at", "updated_at")
# What the list of days reads of each line (a day's row: totals, span, gaps, findings, states); every
# datetime read costs a conversion, so only the three the row needs.
SUMMARY_FIELDS = ("id", "status", "employee", "crew", "work_order", "start", "stop", "hours", "collected_at")
DAYS_PER_PAGE = 100


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return start_of_day(day), start_of_day(day + timedelta(days=1))


@dataclass
class Mark:
    """A gap or an overlap before a line, in plain words."""

    kind: str  # "gap" or "overlap"
    start: datetime
    stop: datetime

    @property
    def minutes(self) -> int:
        return round((self.stop - self.start).total_seconds() / 60)

    @property
    def text(self) -> str:
        if self.kind == "gap":
            return f"Gap of {self.minutes} min: no line covers this time"
        return f"Overlaps the line before by {self.minutes} min: this time is booked twice"


@dataclass
class Line:
    row: dict
    findings: list = field(default_factory=list)
    mark: Mark | None = None

    def __getattr__(self, name):
        try:
            return self.row[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def pk(self):
        return self.row["id"]

    @property
    def state_label(self) -> str:
        return S(self.row["status"]).label

    @property
    def type_label(self) -> str:
        return TransactionType(self.row["type"]).label

    @property
    def counted(self) -> bool:
        return self.row["status"] != S.REJECTED

    @property
    def line_hours(self) -> Decimal | None:
        if self.row["hours"] is not None:
            return Decimal(self.row["hours"])
        if self.row["start"] and self.row["stop"]:
            return elapsed_hours(self.row["start"], self.row["stop"])
        return None

    @property
    def timed(self) -> bool:
        return bool(self.row["start"] and self.row["stop"]) and self.counted

    @property
    def order(self):
        return (self.row["start"] or self.row["collected_at"], self.row["id"])

    @property
    def no_times_text(self) -> str:
        return "" if self.row["start"] and self.row["stop"] else "No start and stop: hours only, not on the timeline"


@dataclass
class Day:
    kind: str
    key: str
    day: date
    name: str = ""
    lines: list[Line] = field(default_factory=list)

    @property
    def token(self) -> str:
        return f"{self.key}|{self.day.isoformat()}"

    @cached_property
    def total_hours(self) -> Decimal:
        return sum((line.line_hours or Decimal(0) for line in self.lines if line.counted), Decimal(0))

    @cached_property
    def gaps(self) -> list[Mark]:
        return [line.mark for line in self.lines if line.mark and line.mark.kind == "gap"]

    @cached_property
    def overlaps(self) -> list[Mark]:
        return [line.mark for line in self.lines if line.mark and line.mark.kind == "overlap"]

    @property
    def gap_minutes(self) -> int:
        return sum(mark.minutes for mark in self.gaps)

    @property
    def overlap_minutes(self) -> int:
        return sum(mark.minutes for mark in self.overlaps)

    @cached_property
    def span(self) -> tuple[datetime, datetime] | None:
        timed = [line for line in self.lines if line.timed]
        if not timed:
            return None
        return min(line.start for line in timed), max(line.stop for line in timed)

    @cached_property
    def errors(self) -> int:
        return sum(1 for line in self.lines for f in line.findings if f["severity"] == "error")

    @cached_property
    def warnings(self) -> int:
        return sum(1 for line in self.lines for f in line.findings if f["severity"] == "warning")

    @cached_property
    def states(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for line in self.lines:
            counts[line.status] += 1
        return {S(status).label: n for status, n in sorted(counts.items())}

    @cached_property
    def to_review(self) -> int:
        return sum(1 for line in self.lines if line.status in TO_REVIEW)


def mark_timeline(lines: list[Line]) -> None:
    """Order the lines by start and mark, on each timed line, the gap or overlap before it."""
    lines.sort(key=lambda line: line.order)
    reach = None  # the latest stop of the timed lines so far
    for line in lines:
        line.mark = None
        if not line.timed:
            continue
        if reach is not None and line.start > reach:
            line.mark = Mark("gap", reach, line.start)
        elif reach is not None and line.start < reach:
            line.mark = Mark("overlap", line.start, min(reach, line.stop))
        reach = line.stop if reach is None else max(reach, line.stop)


def in_days(rows, kind: str, first: date, last: date, *, key: str = ""):
    """The lines of ``kind`` groups (one group: ``key``) collected from ``first`` to ``last``."""
    name, _ = GROUPS[kind]
    since, _ = day_bounds(first)
    _, until = day_bounds(last)
    qs = rows.filter(collected_at__gte=since, collected_at__lt=until)
    return qs.filter(**{name: key}) if key else qs.exclude(**{name: ""})


# Up to this many days the (group, day) pairs are read a day at a time (day_keys).
DAYS_BY_RANGE = 62


def day_keys(rows, kind: str, first: date, last: date, *, key: str = "", to_review: bool = False):
    """The (group, plant day) pairs with lines, in the list's order (day, then group): what the
    list of days pages through without reading the lines of the other pages."""
    name, _ = GROUPS[kind]

    def lines(since: date, until: date):
        qs = in_days(rows, kind, since, until, key=key)
        return (qs.filter(status__in=TO_REVIEW) if to_review else qs).order_by()

    span = (last - first).days + 1
    if span > DAYS_BY_RANGE:
        plant_day = TruncDate("collected_at", tzinfo=timezone.get_current_timezone())
        return lines(first, last).annotate(plant_day=plant_day).values_list(name, "plant_day").distinct().order_by(
            "plant_day", name)
    # One range of the collected_at index a day, the day written in: truncating each line's time to
    # its plant day is a Python function per row on SQLite (80 ms for a day of 10,000 lines).
    days = [first + timedelta(days=offset) for offset in range(span)]
    parts = [lines(day, day).annotate(plant_day=Value(day, output_field=DateField()))
             .values_list(name, "plant_day").distinct() for day in days]
    return parts[0].union(*parts[1:], all=True).order_by("plant_day", name)


def read_days(rows, kind: str, first: date, last: date, *, key: str = "", findings: bool = True,
              only=None, fields=LINE_FIELDS) -> list[Day]:
    """The days of ``kind`` groups with lines collected from ``first`` to ``last`` (plant days),
    one query for the lines and one for their findings; ``only``: just these (group, day) pairs."""
    name, _ = GROUPS[kind]
    qs = in_days(rows, kind, first, last, key=key)
    if only is not None:
        qs = qs.filter(**{f"{name}__in": sorted({k for k, _ in only})})
        only = set(only)
    days: dict[tuple[str, date], Day] = {}
    lines = {}

    for values in qs.order_by().values_list(*fields):
        row = dict(zip(fields, values))
        day = timezone.localtime(row["collected_at"]).date()
        group = days.get((row[name], day))
        if group is None:
            if only is not None and (row[name], day) not in only:
                continue
            group = days[(row[name], day)] = Day(kind, row[name], day)
        line = Line(row)
        group.lines.append(line)
        lines[row["id"]] = line
    if findings and lines:
        found = Finding.objects.filter(transaction__in=qs).order_by("-severity", "code")
        for f in found.values("transaction_id", "severity", "message"):
            if f["transaction_id"] in lines:
                lines[f["transaction_id"]].findings.append(f)
    for group in days.values():
        if kind in TIMELINE_GROUPS:
            mark_timeline(group.lines)
        else:
            group.lines.sort(key=lambda line: line.order)
    result = sorted(days.values(), key=lambda d: (d.day, d.key))
    name_days(result, kind)
    return result


NAMES = {"employee": names.employees, "crew": names.crews, "work_order": names.work_orders}


def group_names(kind: str, keys) -> dict[str, str]:
    """Whose (which crew's, which work order's) days these are: one query for the keys (``mas.names``)."""
    return NAMES[kind](keys)


def name_days(days: list[Day], kind: str) -> None:
    found = group_names(kind, (d.key for d in days))
    for d in days:
        d.name = found.get(d.key, "")
