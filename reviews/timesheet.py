"""The supervisor's timesheet (issue 14 item 4): one person's (crew's, work order's) day of lines
in time order, its total, and the gaps and overlaps between the lines' start and stop times.

A line belongs to the plant day it was collected on (``collected_at``, compared with the day's
first moment so the ``(employee | crew | work_order, collected_at, id)`` queue indexes serve it).
Rejected lines are shown but neither counted in the total nor placed on the timeline.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from kernel.clock import elapsed_hours
from kernel.filters import start_of_day
from mas import models as mirror
from transactions.models import Finding, TransactionStatus, TransactionType

S = TransactionStatus
# group kind -> (the line's field, label)
GROUPS = {"employee": ("employee", "Employee"), "crew": ("crew", "Crew"), "work_order": ("work_order", "Work order")}
# People do one thing at a time; a work order is worked by many at once: no gaps or overlaps there.
TIMELINE_GROUPS = ("employee", "crew")
TO_REVIEW = (S.NEEDS_REVIEW, S.FLAGGED)
LINE_FIELDS = ("id", "type", "status", "version", "work_order", "step", "employee", "crew",
               "start", "stop", "hours", "collected_at", "received_at", "updated_at")


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

    @property
    def total_hours(self) -> Decimal:
        return sum((line.line_hours or Decimal(0) for line in self.lines if line.counted), Decimal(0))

    @property
    def gaps(self) -> list[Mark]:
        return [line.mark for line in self.lines if line.mark and line.mark.kind == "gap"]

    @property
    def overlaps(self) -> list[Mark]:
        return [line.mark for line in self.lines if line.mark and line.mark.kind == "overlap"]

    @property
    def gap_minutes(self) -> int:
        return sum(mark.minutes for mark in self.gaps)

    @property
    def overlap_minutes(self) -> int:
        return sum(mark.minutes for mark in self.overlaps)

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        timed = [line for line in self.lines if line.timed]
        if not timed:
            return None
        return min(line.start for line in timed), max(line.stop for line in timed)

    @property
    def errors(self) -> int:
        return sum(1 for line in self.lines for f in line.findings if f["severity"] == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for line in self.lines for f in line.findings if f["severity"] == "warning")

    @property
    def states(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for line in self.lines:
            counts[line.status] += 1
        return {S(status).label: n for status, n in sorted(counts.items())}

    @property
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


def read_days(rows, kind: str, first: date, last: date, *, key: str = "", findings: bool = True) -> list[Day]:
    """The days of ``kind`` groups with lines collected from ``first`` to ``last`` (plant days),
    one query for the lines and one for their findings."""
    name, _ = GROUPS[kind]
    since, _ = day_bounds(first)
    _, until = day_bounds(last)
    qs = rows.filter(collected_at__gte=since, collected_at__lt=until)
    qs = qs.filter(**{name: key}) if key else qs.exclude(**{name: ""})
    days: dict[tuple[str, date], Day] = {}
    lines = {}
    from django.utils import timezone

    for row in qs.order_by().values(*LINE_FIELDS):
        day = timezone.localtime(row["collected_at"]).date()
        group = days.get((row[name], day))
        if group is None:
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


def group_names(kind: str, keys) -> dict[str, str]:
    keys = sorted(set(keys))
    if not keys:
        return {}
    if kind == "employee":
        return {e.number: f"{e.first_name} {e.last_name}".strip()
                for e in mirror.Employee.objects.filter(number__in=keys).only("number", "first_name", "last_name")}
    if kind == "crew":
        return dict(mirror.Crew.objects.filter(number__in=keys).values_list("number", "description"))
    return dict(mirror.WorkOrder.objects.filter(number__in=keys).values_list("number", "item_description"))


def name_days(days: list[Day], kind: str) -> None:
    names = group_names(kind, (d.key for d in days))
    for d in days:
        d.name = names.get(d.key, "")
