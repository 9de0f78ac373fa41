"""Counts that give up rather than slow a page down.

A capped count ("10,000+") bounds the rows counted only when enough rows match: a rare filter
("this work center, with an error") over millions of lines matches few and so walks them all.
What bounds a count whatever the filter is time: ``Budget`` gives the counts of one page a
shared time allowance, and a count that would take longer is stopped by the database itself —
PostgreSQL's ``statement_timeout`` (``SET LOCAL`` in a savepoint), SQLite's progress handler —
and reported as unknown (``None``): the page says so instead of waiting.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.db.models import Case, IntegerField, Sum, Value, When


T = TypeVar("T")
_SQLITE_STEPS = 1_000  # virtual-machine steps between two looks at the clock


@contextmanager
def deadline(seconds: float):
    """The statements of the block are stopped by the database after ``seconds`` (an
    ``OperationalError``), on PostgreSQL and SQLite; elsewhere they run to the end."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        end = time.perf_counter() + seconds
        raw.set_progress_handler(lambda: int(time.perf_counter() > end), _SQLITE_STEPS)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
    elif connection.vendor == "postgresql":
        # A savepoint (or a transaction of its own): a stopped statement rolls back only it, and
        # with it the SET LOCAL; a finished block puts the session's own timeout back.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [max(1, int(seconds * 1000))])
            yield
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
    else:
        yield


def capped(queryset, cap: int) -> int:
    """How many rows, counting no further than ``cap + 1`` (more than ``cap`` reads "cap+"); a
    queryset of parts (``kernel.parts``) counts each part on its own index."""
    if hasattr(queryset, "capped_count"):
        return queryset.capped_count(cap)
    return queryset.order_by().values("id")[:cap + 1].count()


def capped_sums(queryset, cap: int, *fields: str) -> tuple[int, dict | None]:
    """How many rows (counting no further than ``cap + 1``) and, when they are no more than ``cap``,
    the sums of ``fields`` (None past it: a sum of some of the rows would mislead).

    The rows are counted first, on an index where one serves the filter (no row read); only a
    count within the cap reads them to add them up — a filter of millions of lines costs its capped
    count. A queryset of parts (``kernel.parts``) is added up part by part (``PartsMixin.capped_sums``)."""
    if hasattr(queryset, "capped_sums"):
        return queryset.capped_sums(cap, fields)
    n = capped(queryset, cap)
    if n > cap:
        return n, None
    return n, queryset.order_by().values("id", *fields)[:cap + 1].aggregate(**{name: Sum(name) for name in fields})


class Budget:
    """A time allowance shared by several counts (or sums) of one page."""

    def __init__(self, seconds: float):
        self.end = time.perf_counter() + seconds
        self.spent_out = False

    def run(self, work: Callable[[], T]) -> T | None:
        """``work()``, or None when the allowance is gone or it would take longer than what is left."""
        left = self.end - time.perf_counter()
        if left <= 0:
            self.spent_out = True
            return None
        try:
            with deadline(left):
                return work()
        except OperationalError:
            self.spent_out = True
            return None

    def part(self, seconds: float) -> Budget:
        """An allowance of at most ``seconds`` out of this one (ending no later), for work that
        must not take all of it from what follows."""
        part = Budget(0)
        part.end = min(self.end, time.perf_counter() + seconds)
        return part

    def count(self, queryset, cap: int) -> int | None:
        """The rows of ``queryset``, counting no further than ``cap + 1``; None when out of time."""
        return self.run(lambda: capped(queryset, cap))


def bucket(field: str, starts: Sequence[datetime], *, before: int = -1):
    """Which of the ranges that begin at ``starts`` (ascending) the column's value falls in, as
    a query expression: ``i`` for ``starts[i] <= value < starts[i + 1]``, the last index for
    anything from ``starts[-1]`` on, ``before`` for earlier values. Compared in SQL with the
    column itself (no date function per row, so a range read on the column's index is grouped
    at once, and a plant day is the one ``kernel.filters.start_of_day`` gives, summer time or not).
    The comparisons are nested halves (``CASE WHEN v >= middle THEN (…) ELSE (…) END``): four per
    row for 14 days, not fourteen."""

    def within(low: int, high: int):  # the value is known to be >= starts[low - 1] and < starts[high]
        if low == high:
            return Value(low - 1 if low else before)
        middle = (low + high) // 2
        return Case(When(**{f"{field}__gte": starts[middle]}, then=within(middle + 1, high)),
                    default=within(low, middle), output_field=IntegerField())

    return within(0, len(starts))
