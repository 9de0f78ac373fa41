"""A list of ids as one query parameter, whatever its length.

``pk__in=[…]`` writes one placeholder per id: 20,000 ids make a statement of 20,000 parameters
that the database parses again for every query that carries it (the queue's page, its counts,
its totals), and SQLite refuses past 250,000. Here the list is one value — an array on
PostgreSQL (``= ANY(%s)``; a constant array, which it hashes when it filters rows with it),
a JSON array on SQLite (``IN (SELECT value FROM json_each(%s))``, json1 is built in).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, F, Func


def condition(column: str, ids: Iterable[int], vendor: str) -> tuple[str, list]:
    """(sql, params): ``column`` is one of ``ids``, for a statement written by hand."""
    ids = [int(pk) for pk in ids]
    if vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [f"[{','.join(map(str, ids))}]"]


class InIds(Func):
    """``filter(InIds(ids))``: the rows whose primary key is one of ``ids`` (a condition on the
    key, so it combines in a ``Q`` and survives a subquery, like ``pk__in``)."""

    output_field = BooleanField()

    def __init__(self, ids: Iterable[int], field: str = "pk"):
        super().__init__(F(field))
        self.ids = sorted({int(pk) for pk in ids})

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        sql, more = condition(column, self.ids, connection.vendor)
        return sql, (*params, *more)
