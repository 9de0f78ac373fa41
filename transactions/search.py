"""Substring search over the lines' text fields, answered by an index (migrations 0005, 0008).

The searched fields — the item and the comment — are kept in ``reviews_transaction_search`` by
triggers (the keys — work order, employee, crew — are found whole from their own indexes, see
``reviews.filtersets``): on PostgreSQL a table with a pg_trgm GIN index,
on SQLite an FTS5 table with the trigram tokenizer. Both answer "contains this text, in any
case" from the index for a text of ``MIN_LENGTH`` characters or more; a shorter text has no
trigram to look up, so ``TextContains`` refuses it (the caller answers it from the keyed indexes).

On SQLite a migration that remakes ``reviews_transaction`` (Django does so to alter a column)
drops its triggers: such a migration must create them again (tests/transactions/test_search.py
fails otherwise).
"""
from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func

MIN_LENGTH = 3
TABLE = "reviews_transaction_search"


class TextContains(Func):
    """``filter(TextContains("bolt-1"))``: the lines whose searched fields contain the text.

    A condition on the line's primary key, so it combines with other conditions in a ``Q``
    (``|``, ``&``) and survives being used in a subquery (the key's alias is relabelled)."""

    output_field = BooleanField()

    def __init__(self, text: str):
        text = text.strip()
        if len(text) < MIN_LENGTH:
            raise ValueError(f"A text search needs {MIN_LENGTH} characters or more.")
        super().__init__(F("pk"))
        self.text = text

    def as_sql(self, compiler, connection, **extra):
        key, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            # ANY(ARRAY(…)): the ids are read once, from the GIN index, and the condition stays
            # an index condition on the primary key — so, or-ed with keyed conditions, the plan
            # is a BitmapOr of indexes, never a walk through the history testing each line.
            sql = f"{key} = ANY(ARRAY(SELECT transaction_id FROM {TABLE} WHERE text ILIKE %s))"
            return sql, (*params, _pattern(self.text))
        if connection.vendor == "sqlite":
            sql = f"{key} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
            return sql, (*params, _phrase(self.text))
        raise NotImplementedError(f"No search index on {connection.vendor}.")


def matching_ids(text: str, limit: int) -> list[int]:
    """Up to ``limit`` ids of the lines whose searched fields contain the text, read from the
    search index alone (no line is read)."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise ValueError(f"A text search needs {MIN_LENGTH} characters or more.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT transaction_id FROM {TABLE} WHERE text ILIKE %s LIMIT %s", [_pattern(text), limit])
        else:
            cursor.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s", [_phrase(text), limit])
        return [row[0] for row in cursor.fetchall()]


def _pattern(text: str) -> str:
    """An ILIKE pattern: the text anywhere, its own wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _phrase(text: str) -> str:
    """One FTS5 string: with the trigram tokenizer, the text as a substring, in any case."""
    return '"' + text.replace('"', '""') + '"'


def triggers() -> set[str]:
    """The names of the triggers that keep the search table (for the test that guards them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reviews_transaction'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'reviews_transaction'::regclass AND NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}
