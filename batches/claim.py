"""Claiming the approved lines of an export in one pass.

One statement moves every approved line in scope ``approved → exported`` and raises its
version: ``UPDATE … SET status='exported', version=version+1 WHERE status='approved' AND
<scope> RETURNING id`` — the ``export`` move of ``transactions.lifecycle``, which writes the
statement (``lifecycle.export_claim``); this module runs it. The ids it returns go into a temporary table of the connection, from
which the export then reads the claimed lines, oldest first, a chunk at a time
(``claimed_chunks``): no list of every line is ever held, and no line is visited twice.

The statement is the compare-and-set: a line another process changes at the same moment is
either claimed as it is after that change (PostgreSQL re-checks ``status = 'approved'`` on the
row's newest version once the other transaction commits; SQLite runs one writer at a time) or
not claimed at all. From the claim to the commit the claimed rows are the export's alone (row
locks on PostgreSQL, the write lock on SQLite), so what is read after the claim is exactly what
was claimed, and each row's version before the claim is its version now minus one — which is
what the supervisor's confirmation (``services.Selection.fingerprint``) is checked against.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models.expressions import RawSQL

from transactions.models import Transaction
from transactions import lifecycle

TEMP_TABLE = "woscan_export_claim"
FETCH = 5_000  # ids taken at a time from the claim's RETURNING (SQLite)
READ_CHUNK = 2_000  # claimed lines read at a time


def claim(ids=None, *, automatic_only: bool = False, now) -> int:
    """Claim every approved line (of ``ids``, or automatically approved only) in one statement;
    return how many were claimed. Inside the export's transaction."""
    update, params = lifecycle.export_claim(ids, automatic_only=automatic_only, now=now)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
        if postgresql:
            cursor.execute(f"CREATE TEMPORARY TABLE {TEMP_TABLE} (id bigint PRIMARY KEY) ON COMMIT DROP")
            cursor.execute(f"WITH claimed AS ({update}) INSERT INTO {TEMP_TABLE} (id) SELECT id FROM claimed", params)
            count = cursor.rowcount
            cursor.execute(f"ANALYZE {TEMP_TABLE}")  # temporary tables are never analysed on their own
            return count
        cursor.execute(f"CREATE TEMPORARY TABLE {TEMP_TABLE} (id INTEGER PRIMARY KEY)")
        cursor.execute(update, params)
        claimed = array("q")
        while rows := cursor.fetchmany(FETCH):
            claimed.extend(row[0] for row in rows)
        cursor.executemany(f"INSERT INTO {TEMP_TABLE} (id) VALUES (%s)", ((pk,) for pk in claimed))
        return len(claimed)


def claimed_chunks(*fields: str) -> Iterator[list[tuple]]:
    """The claimed lines' ``fields``, oldest first (``collected_at``, then id), as lists of up to
    ``READ_CHUNK`` tuples: the values ``values_list(*fields)`` gives, read through one cursor.

    The ORM's iterator cost more than the export's own work per line; here the statement is
    the ORM's own, the rows are fetched as the driver gives them (a server-side cursor on
    PostgreSQL, as the ORM's iterator uses) and only the columns whose field has a database
    converter are converted, with that field's own converters (``_chunk_converter``).
    """
    compiler = _claimed().values_list(*fields).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    convert = _chunk_converter(compiler)
    with _streaming_cursor() as cursor:
        _load_timestamps_in_c(cursor)
        with _planned_for_every_row():
            cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_CHUNK):
            yield convert(rows)


def _claimed():
    return Transaction.objects.filter(pk__in=RawSQL(f"SELECT id FROM {TEMP_TABLE}", [])).order_by("collected_at", "pk")


def _streaming_cursor():
    """A cursor that fetches a chunk at a time (PostgreSQL: server-side, unless the settings
    disable those, as for ``QuerySet.iterator``)."""
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        return connection.cursor()
    return connection.chunked_cursor()


@contextmanager
def _planned_for_every_row():
    """On PostgreSQL, a cursor declared inside is planned for reading all its rows, as the export
    does. By default a cursor is planned for its first tenth (``cursor_tuple_fraction``): the
    planner walked the ``(collected_at, id)`` index of every line ever collected, looking each
    one up among the claimed ids, instead of sorting the claimed lines (twice the time of the
    read at 200,000 lines). The setting is put back as it was once the cursor is declared."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('cursor_tuple_fraction')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('cursor_tuple_fraction', '1', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('cursor_tuple_fraction', %s, true)", [previous])


def _load_timestamps_in_c(cursor) -> None:
    """On PostgreSQL, load ``timestamptz`` values with psycopg's own loader (written in C in
    psycopg-binary) instead of Django's, a Python subclass of it that sets the connection's time
    zone on each value (a third of the read). psycopg gives them in the session's time zone,
    which Django sets to the connection's own; only when the two are the same zone."""
    if connection.vendor != "postgresql":
        return
    from psycopg.types.datetime import TimestamptzLoader

    raw = cursor.cursor
    if raw.connection.info.timezone == connection.timezone:
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)


def _chunk_converter(compiler) -> Callable[[list[tuple]], list[tuple]]:
    """What makes fetched rows the tuples ``values_list`` gives: the compiler's converters of each
    column (``get_converters``, as ``results_iter`` applies them), applied a column at a time and
    not to ``None`` when the column's converters keep ``None`` as it is. Rows pass as they are
    when no column has a converter (PostgreSQL, for the export's fields)."""
    converters = compiler.get_converters([col for col, _sql, _alias in compiler.select[:compiler.col_count]])
    if not converters:
        return _as_fetched
    columns = [(pos, *_value_converter(convs, expression, compiler.connection))
               for pos, (convs, expression) in converters.items()]

    def convert(rows: list[tuple]) -> list[tuple]:
        table = list(zip(*rows))
        for pos, value_of, keeps_none in columns:
            values = table[pos]
            if keeps_none:
                table[pos] = [None if v is None else value_of(v) for v in values]
            else:
                table[pos] = list(map(value_of, values))
        return list(zip(*table))

    return convert


def _as_fetched(rows: list[tuple]) -> list[tuple]:
    return rows


def _value_converter(convs, expression, db) -> tuple[Callable, bool]:
    """One column's converters as one function of its value, and whether they keep ``None``."""
    if len(convs) == 1:
        (only,) = convs

        def value_of(value):
            return only(value, expression, db)
    else:
        def value_of(value):
            for convert in convs:
                value = convert(value, expression, db)
            return value

    return value_of, value_of(None) is None


def release() -> None:
    """Drop the claim's temporary table (PostgreSQL drops it at the commit anyway)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
