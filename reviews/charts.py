"""The figures of the supervisor's landing page charts (issue 14 item 8), drawn by ``kernel.charts``.

Each chart is one grouped query over a bounded window, so the page costs the same with millions
of lines of history behind it:

- hours by work center and day: the lines collected in the last ``HOURS_DAYS`` plant days (a
  range of the ``(collected_at, id)`` index), grouped by work center and day in the database;
- lines waiting by age, and findings by kind on them: the lines waiting for review (two ranges
  of the ``(status, collected_at, id)`` index, read from the index alone; their findings through
  the index of a finding's line), grouped likewise;
- rejection rate by day: the decided lines collected in the last ``REJECTION_DAYS`` days (three
  ranges of the status index), rejected and decided counted per day in one pass.

A plant day is the plant's calendar day (``start_of_day``), compared with the column itself
(``kernel.counting.bucket``), as the queue's date filters compare it — so each bar's link opens the
queue on exactly the lines the bar counts. Each query has its own time allowance
(``WOSCAN_CHART_BUDGET``); a chart not read in time says so.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import dateformat, timezone

from kernel.charts import Bar, BarList, Column, ColumnChart, DataTable, nice_ceiling
from kernel.counting import Budget, bucket
from kernel.display import number_text
from kernel.filters import start_of_day
from kernel.idlist import InIds
from mas.models import WorkCenter
from transactions.models import (
    TIMED_TYPES, Finding, Severity, TransactionStatus,
)
from transactions.validation import FINDING_SUMMARIES, finding_summary

S = TransactionStatus
TO_REVIEW = (S.NEEDS_REVIEW, S.FLAGGED)
DECIDED = (S.APPROVED, S.REJECTED, S.EXPORTED)
HOURS_DAYS = 7
REJECTION_DAYS = 14
WORK_CENTERS_SHOWN = 5  # the busiest work centers get a series each; the rest are "Other"
FINDINGS_SHOWN = 10  # the commonest kinds of finding; the caption says when there are more
WAITING_IDS = 20_000  # waiting lines whose findings are read by their ids; more, by a subquery
NO_WORK_CENTER = "No work center"
# (key, label, first day back, last day back): "2–3 days" is lines collected 2 or 3 plant days ago.
AGES = (
    ("today", "Today", 0, 0), ("1", "1 day", 1, 1), ("2-3", "2–3 days", 2, 3), ("4-7", "4–7 days", 4, 7),
    ("older", "Older", 8, None),
)

QueueLink = Callable[..., str]  # reviews.views.queue_url: (statuses, **filters) -> the queue's URL


def budget() -> Budget:
    return Budget(settings.WOSCAN_CHART_BUDGET)


def days_back(today: date, days: int) -> list[date]:
    """The last ``days`` plant days, oldest first, ``today`` last."""
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def day_column(day: date, today: date) -> tuple[str, str]:
    return ("Today" if day == today else dateformat.format(day, "D")), dateformat.format(day, "M j")


def hours_number(value: Decimal) -> str:
    """Hours as a chart writes them: one decimal under 100 (``12.5``), whole above (``1,204``)."""
    places = Decimal(1) if value >= 100 else Decimal("0.1")
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.1f}"


def hours_text(value: Decimal) -> str:
    return f"{hours_number(value)} h"


def percent_text(part: int, whole: int) -> str:
    if not whole:
        return "–"
    rate = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_text(rate)}%"


# --- hours by work center and day ---------------------------------------------------------------
def hours_by_work_center(rows, today: date | None = None, days: int = HOURS_DAYS) -> ColumnChart:
    """Hours of the labor and crew labor lines collected each of the last ``days`` plant days,
    by the line's work center; rejected lines are left out (their hours go nowhere, and a
    rejected line is often sent again corrected)."""
    today = today or timezone.localdate()
    day_list = days_back(today, days)
    starts = [start_of_day(day) for day in day_list]
    query = (rows.filter(collected_at__gte=starts[0], type__in=TIMED_TYPES).exclude(status=S.REJECTED)
             .order_by().values("work_center", day=bucket("collected_at", starts))
             .annotate(hours=Sum("hours")))
    grouped = budget().run(lambda: list(query))
    if grouped is None:
        return ColumnChart(id="hours", columns=[], series=[], empty="", unknown=True)
    per_center: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * days)
    for row in grouped:
        if row["hours"]:
            per_center[row["work_center"]][row["day"]] += row["hours"]
    ranked = sorted(per_center, key=lambda code: (-sum(per_center[code]), code))
    shown, rest = ranked[:WORK_CENTERS_SHOWN], ranked[WORK_CENTERS_SHOWN:]
    if len(rest) == 1:  # "Other" for one work center would hide a name for nothing
        shown, rest = ranked, []
    names = dict(WorkCenter.objects.filter(code__in=[c for c in ranked if c]).values_list("code", "description"))

    def name(code: str) -> str:
        if not code:
            return NO_WORK_CENTER
        return f"{code} · {names[code]}" if names.get(code) else code

    series = [(name(code), per_center[code]) for code in shown]
    if rest:
        series.append((f"Other ({len(rest)} work centers)",
                       [sum((per_center[code][d] for code in rest), Decimal(0)) for d in range(days)]))
    columns = []
    for d, day in enumerate(day_list):
        label, sublabel = day_column(day, today)
        values = [hours[d] for _, hours in series]
        total = sum(values, Decimal(0))
        columns.append(Column(
            label=label, sublabel=sublabel, values=values, total_text=hours_text(total) if total else "0",
            titles=[f"{series_name}, {label} {sublabel}: {hours_text(value)}" for (series_name, _), value
                    in zip(series, values)],
        ))
    table_rows = [[name(code), *(number_text(h) for h in per_center[code]), number_text(sum(per_center[code]))]
                  for code in ranked]
    day_totals = [sum((per_center[code][d] for code in ranked), Decimal(0)) for d in range(days)]
    table = DataTable(
        head=["Work center", *(" ".join(day_column(day, today)) for day in day_list), "Total"],
        rows=table_rows, foot=["All work centers", *(number_text(h) for h in day_totals),
                               number_text(sum(day_totals, Decimal(0)))],
    )
    return ColumnChart(
        id="hours", columns=columns, series=[s for s, _ in series], other=bool(rest), table=table, named=True,
        value_text=hours_number, empty=f"No hours collected in the last {days} days.",
    )


# --- lines waiting by age -----------------------------------------------------------------------
def age_bounds(today: date) -> list:
    """The first moments of the age buckets but the oldest, oldest first: 7 days ago, 3, 1, today."""
    return [start_of_day(today - timedelta(days=last)) for _, _, _, last in reversed(AGES[:-1])]


def waiting_by_age(rows, queue_url: QueueLink, today: date | None = None) -> BarList:
    """The lines waiting for review (needs review, flagged) by the plant day they were collected:
    today, yesterday, 2–3, 4–7 days ago, older. Each bar opens the queue on those lines."""
    today = today or timezone.localdate()
    starts = age_bounds(today)
    query = (rows.filter(status__in=TO_REVIEW).order_by()
             .values(age=bucket("collected_at", starts)).annotate(n=Count("id")))
    grouped = budget().run(lambda: list(query))
    if grouped is None:
        return BarList(id="ages", bars=[], empty="", unknown=True)
    counts = {len(starts) - 1 - row["age"]: row["n"] for row in grouped if row["age"] >= 0}
    counts[len(AGES) - 1] = sum(row["n"] for row in grouped if row["age"] < 0)
    bars = []
    for i, (key, label, first, last) in enumerate(AGES):
        n = counts.get(i, 0)
        filters = {"collected_before": today - timedelta(days=first)}
        if last is not None:
            filters = {"collected_after": today - timedelta(days=last), **(filters if first else {})}
        bars.append(Bar(key=key, label=label, value=n, text=f"{n:,}",
                        url=queue_url(TO_REVIEW, **filters) if n else ""))
    return BarList(id="ages", bars=bars, empty="Nothing waiting.")


# --- findings by kind on waiting lines ------------------------------------------------------------
def findings_by_kind(rows, queue_url: QueueLink) -> tuple[BarList, int]:
    """The waiting lines that carry each kind of finding (a line with two kinds counts under both),
    commonest first, errors before warnings at a tie; each bar opens the queue on those lines.
    With the number of kinds found (the chart shows ``FINDINGS_SHOWN`` at most)."""
    waiting = rows.filter(status__in=TO_REVIEW).order_by()
    allowance = budget()
    # The waiting lines' ids (the status index alone, a few thousand), then their findings through
    # the index of a finding's line, the ids passed as one list: given a subquery, PostgreSQL
    # hashes the ids and reads every finding ever made (17 ms at 2,000,000 lines, growing with
    # the history) wherever the oldest waiting line sits.
    ids = allowance.run(lambda: list(waiting.values_list("pk", flat=True)[:WAITING_IDS + 1]))
    if ids is None:
        grouped = None
    elif not ids:
        grouped = []
    else:
        lines = InIds(ids, "transaction_id") if len(ids) <= WAITING_IDS else Q(transaction__in=waiting.values("pk"))
        query = (Finding.objects.filter(lines).order_by().values("code", "severity")
                 .annotate(n=Count("transaction_id", distinct=True)))
        grouped = allowance.run(lambda: list(query))
    if grouped is None:
        return BarList(id="findings", bars=[], empty="", unknown=True), 0
    ranked = sorted(grouped, key=lambda row: (-row["n"], row["severity"] != Severity.ERROR, row["code"]))
    bars = [
        Bar(key=row["code"], label=finding_summary(row["code"]), value=row["n"], text=f"{row['n']:,}",
            note=Severity(row["severity"]).label if row["severity"] in Severity.values else "",
            style=0 if row["severity"] == Severity.ERROR else 1,
            # a kind the queue's filter offers (a check since removed is not among them)
            url=queue_url(TO_REVIEW, finding=row["code"]) if row["code"] in FINDING_SUMMARIES else "")
        for row in ranked[:FINDINGS_SHOWN]
    ]
    empty = "No findings on the lines waiting." if ids else "Nothing waiting."
    return BarList(id="findings", bars=bars, empty=empty), len(ranked)


# --- rejection rate by day ------------------------------------------------------------------------
def rejection_rate(rows, today: date | None = None, days: int = REJECTION_DAYS) -> ColumnChart:
    """Of the lines collected each of the last ``days`` plant days and decided since (approved,
    rejected or exported), the share rejected. A day with nothing decided has no rate ("–")."""
    today = today or timezone.localdate()
    day_list = days_back(today, days)
    starts = [start_of_day(day) for day in day_list]
    query = (rows.filter(status__in=DECIDED, collected_at__gte=starts[0]).order_by()
             .values(day=bucket("collected_at", starts))
             .annotate(decided=Count("id"), rejected=Count("id", filter=Q(status=S.REJECTED))))
    grouped = budget().run(lambda: list(query))
    if grouped is None:
        return ColumnChart(id="rejections", columns=[], series=[], empty="", unknown=True)
    decided, rejected = [0] * days, [0] * days
    for row in grouped:
        decided[row["day"]] += row["decided"]
        rejected[row["day"]] += row["rejected"]
    rates = [Decimal(r) * 100 / Decimal(d) if d else None for r, d in zip(rejected, decided)]
    columns = []
    for d, day in enumerate(day_list):
        label, sublabel = day_column(day, today)
        columns.append(Column(
            label=label, sublabel=sublabel, values=[rates[d]], total_text=percent_text(rejected[d], decided[d]),
            titles=[f"{label} {sublabel}: {rejected[d]:,} rejected of {decided[d]:,} decided"],
        ))
    table = DataTable(
        head=["Day collected", "Rejected", "Decided", "Rejection rate"],
        rows=[[" ".join(day_column(day, today)), f"{rejected[d]:,}", f"{decided[d]:,}",
               percent_text(rejected[d], decided[d])] for d, day in enumerate(day_list)],
        foot=[f"All {days} days", f"{sum(rejected):,}", f"{sum(decided):,}", percent_text(sum(rejected), sum(decided))],
    )
    top = max((rate for rate in rates if rate), default=Decimal(0))
    return ColumnChart(
        id="rejections", columns=columns, series=["Rejected"], table=table,
        scale_top=min(nice_ceiling(top), Decimal(100)) if top else None,
        # days decided at 0% still make a chart (a row of zeros says something); nothing decided does not
        figures=any(decided), empty=f"Nothing collected in the last {days} days has been decided yet.",
    )
