"""Inserting many rows fast, for the few hot paths that write tens of thousands at once
(the pull's mirror rows, audit rows, export batch lines)."""
from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from itertools import chain, islice

from django.db import DEFAULT_DB_ALIAS, connection, connections


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
        raw, marks, per_statement = _statements(cursor, width)
        rows = iter(rows)
        while chunk := list(islice(rows, per_statement)):
            params = list(chain.from_iterable(chunk))
            raw.execute(f"INSERT INTO {target} VALUES {', '.join([marks] * len(chunk))}", params)


def _statements(cursor, width: int):
    """(what to execute on, one row's placeholders, rows a statement) for multi-row INSERTs.

    On SQLite the driver's own connection: Django's cursor scans every statement for "%s" with a
    regular expression (a tenth of a second per 100,000 rows); and SQLite's own limit of
    parameters, not Django's cautious 999."""
    if connection.vendor == "sqlite":
        raw, mark = connection.connection, "?"
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        raw, mark, limit = cursor, "%s", connection.features.max_query_params or 65535
    return raw, f"({', '.join([mark] * width)})", max(1, min(1000, limit // width))


# Values bound as they are when of one of these types (what the hot paths hold); any other value —
# a dict for a JSON field, a date — goes through its field's ``get_db_prep_save``, as
# ``bulk_create`` would do for every value.
_AS_IS = {
    "CharField": (str,), "TextField": (str,), "SlugField": (str,), "BooleanField": (bool,),
    "IntegerField": (int,), "PositiveIntegerField": (int,), "PositiveSmallIntegerField": (int,),
    "SmallIntegerField": (int,), "BigIntegerField": (int,), "ForeignKey": (int,),
}
# Values bound as they are where the field, asked once, binds such a value unchanged on this
# database: a Decimal everywhere, a UUID and an aware datetime on PostgreSQL (psycopg adapts
# them; SQLite's fields turn them into text). A naive datetime always goes through its field,
# which says so (Django's warning) and makes it aware.
_PROBES = {
    "DecimalField": Decimal("1.5"),
    "UUIDField": uuid.UUID(int=1),
    "DateTimeField": datetime(2026, 1, 1, tzinfo=timezone.utc),
}


def insert_objects(objs: Sequence, *, key: str | None = None, rows: Sequence | None = None) -> None:
    """``bulk_create`` of new model instances, without its statement compiler, which prepared
    every value through its field (a second of a 1,000-line push, most of it for plain strings).

    Each instance's ``auto_now``/``auto_now_add`` fields are set and, with ``key`` (a unique
    field), its primary key too. On PostgreSQL the keys are taken from the table's sequence first
    and the rows go in by ``COPY``; elsewhere multi-row ``INSERT … RETURNING`` and each returned
    key is matched to its instance by ``key`` (SQLite does not promise the order of returned rows).
    Without ``key`` the instances get no primary key. ``rows``: the instances' values prepared
    beforehand by ``prepared_rows`` (outside a lock, say). Raises Django's ``IntegrityError`` as
    ``bulk_create`` does; the statements go to the driver itself (not in Django's query log)."""
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = _inserted_fields(meta)
    rows = prepared_rows(objs) if rows is None else rows
    columns = [f.column for f in fields]
    if key is None:
        insert_rows(meta.db_table, columns, rows)
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objs)])
            pks = [pk for (pk,) in cursor.fetchall()]
        insert_rows(meta.db_table, [meta.pk.column, *columns], ([pk, *row] for pk, row in zip(pks, rows)))
        for obj, pk in zip(objs, pks):
            _stored_as(obj, pk)
        return
    at = next(i for i, f in enumerate(fields) if f.name == key)
    by_key = {str(row[at]): obj for row, obj in zip(rows, objs)}
    quote = connection.ops.quote_name
    target = f"{quote(meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    returning = f" RETURNING {quote(meta.pk.column)}, {quote(fields[at].column)}"
    width = len(columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw, marks, per_statement = _statements(cursor, width)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            returned = raw.execute(f"INSERT INTO {target} VALUES {', '.join([marks] * len(chunk))}{returning}",
                                   list(chain.from_iterable(chunk))).fetchall()
            for pk, value in returned:
                _stored_as(by_key[str(value)], pk)


def prepared_rows(objs: Sequence) -> list[list]:
    """Each new instance's values as ``insert_objects`` binds them, its ``auto_now`` fields set."""
    if not objs:
        return []
    prepared = _preparers(_inserted_fields(type(objs[0])._meta))
    return [[prep(obj) for prep in prepared] for obj in objs]


def _inserted_fields(meta) -> list:
    return [f for f in meta.concrete_fields if not f.primary_key]


def _stored_as(obj, pk) -> None:
    obj.pk = pk
    obj._state.adding, obj._state.db = False, connection.alias


def _preparers(fields) -> list:
    # The thread's own connection, once: every attribute read of ``django.db.connection`` goes
    # through a thread-local lookup (a fifth of the preparing of a 1,000-line push).
    conn = connections[DEFAULT_DB_ALIAS]

    def preparer(field):
        attname = field.attname
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), conn)
        kind = field.get_internal_type()
        as_is = _AS_IS.get(kind, ()) or _binds_unchanged(field, _PROBES.get(kind), conn)
        if as_is == (datetime,):
            def prep_moment(obj):
                value = getattr(obj, attname)
                if value is None or (type(value) is datetime and value.tzinfo is not None):
                    return value
                return field.get_db_prep_save(value, conn)
            return prep_moment

        def prep(obj):
            value = getattr(obj, attname)
            if value is None or type(value) in as_is:
                return value
            return field.get_db_prep_save(value, conn)
        return prep
    return [preparer(field) for field in fields]


def _binds_unchanged(field, sample, conn) -> tuple:
    """``(type(sample),)`` when the field prepares ``sample`` as an equal value of its own type."""
    if sample is None:
        return ()
    try:
        prepared = field.get_db_prep_save(sample, conn)
    except Exception:  # a field that cannot take the sample prepares every value itself
        return ()
    return (type(sample),) if type(prepared) is type(sample) and prepared == sample else ()
