"""Inserting many rows fast, for the few hot paths that write tens of thousands at once
(the pull's mirror rows, audit rows, export batch lines)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain, islice

from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert rows of values already prepared for the database (``get_db_prep_save``).

    ``COPY`` on PostgreSQL (psycopg 3); elsewhere multi-row ``INSERT`` statements with as many
    rows each as the database takes parameters for. ``table`` and ``columns`` are unquoted
    names. Constraints and foreign keys are checked as for any insert, and a failure raises
    Django's own exceptions (``IntegrityError``…). The statements go to the driver itself, so
    they are not in Django's query log (``CaptureQueriesContext``).
    """
    quote = connection.ops.quote_name
    target = f"{quote(table)} ({', '.join(quote(c) for c in columns)})"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        width = len(columns)
        if connection.vendor == "sqlite":
            # The driver's own connection: Django's cursor scans every statement for "%s" with a
            # regular expression (a tenth of a second per 100,000 rows); and SQLite's own limit
            # of parameters, not Django's cautious 999.
            raw, mark = connection.connection, "?"
            limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        else:
            raw, mark, limit = cursor, "%s", connection.features.max_query_params or 65535
        per_statement = max(1, min(1000, limit // width))
        marks = f"({', '.join([mark] * width)})"
        rows = iter(rows)
        while chunk := list(islice(rows, per_statement)):
            params = list(chain.from_iterable(chunk))
            raw.execute(f"INSERT INTO {target} VALUES {', '.join([marks] * len(chunk))}", params)
