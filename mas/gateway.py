"""The MAS gateway: the only code in the portal that talks to Sage MAS.

It speaks the ProvideX driver's small SQL dialect so that the same queries run against a
real MAS 90/200 and the demo company: single-table ``SELECT`` statements, ``?`` parameters,
``IN`` lists chunked to at most 200 values, and fixed-width ``char`` values with their
trailing spaces trimmed. Rows are streamed with ``fetchmany`` so a large table never sits
in memory at once. The connection is opened read-only where the driver honours it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyodbc
from django.conf import settings

IN_CHUNK = 200
FETCH_SIZE = 1000
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MASError(Exception):
    """Anything that went wrong talking to MAS, in one sentence for the run log and the page."""


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise MASError(f"{name!r} is not a valid MAS table or column name.")
    return name


def _trimmed(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple([v.rstrip() if v.__class__ is str else v for v in row])


def _describe(exc: pyodbc.Error) -> str:
    parts = [str(arg) for arg in exc.args if arg]
    return " ".join(parts) or exc.__class__.__name__


class MASGateway:
    """A read-only session with MAS. Use as a context manager: ``with MASGateway() as mas:``."""

    def __init__(self, connection_string: str | None = None, *, timeout: int | None = None):
        self.connection_string = connection_string or settings.WOSCAN_MAS_ODBC
        self.timeout = timeout or settings.WOSCAN_MAS_TIMEOUT
        self._conn: pyodbc.Connection | None = None

    def __enter__(self) -> MASGateway:
        try:
            self._conn = pyodbc.connect(
                self.connection_string, autocommit=True, readonly=True, timeout=self.timeout
            )
            self._conn.timeout = self.timeout  # query timeout, where the driver supports it
        except pyodbc.Error as exc:
            raise MASError(f"MAS connection failed: {_describe(exc)} (the connection is set by WOSCAN_MAS_ODBC).") from exc
        return self

    def __exit__(self, *exc_info) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except pyodbc.Error:
                pass
            self._conn = None

    @contextmanager
    def _cursor(self) -> Iterator[pyodbc.Cursor]:
        if self._conn is None:
            raise MASError("MAS connection failed: the gateway is not open.")
        try:
            cursor = self._conn.cursor()  # fails too when the link dropped since the last query
        except pyodbc.Error as exc:
            raise MASError(f"MAS query failed: {_describe(exc)}") from exc
        try:
            yield cursor
        except pyodbc.Error as exc:
            raise MASError(f"MAS query failed: {_describe(exc)}") from exc
        finally:
            try:
                cursor.close()
            except pyodbc.Error:
                pass

    def select_rows(
        self,
        table: str,
        columns: Sequence[str],
        *,
        where: str = "",
        params: Sequence[Any] = (),
        convert_row: Callable[[Sequence[Any]], tuple] | None = None,
        order_by: Sequence[str] = (),
    ) -> Iterator[tuple[Any, ...]]:
        """Stream rows of one table, each a tuple in ``columns`` order. ``where`` is a condition in the
        ProvideX subset with ``?`` placeholders.

        ``convert_row``: one function making each fetched row the tuple to yield, trimming
        included (``mas.rowforms.row_function``: a big pull converts every value, and a second
        pass over each row costs more); without it, values are only trimmed. ``order_by``: columns
        to sort by (ascending, in MAS's own collation: the caller checks the order it relies on).
        """
        for chunk in self.select_chunks(
            table, columns, where=where, params=params, convert_row=convert_row, order_by=order_by
        ):
            yield from chunk

    def select_chunks(
        self,
        table: str,
        columns: Sequence[str],
        *,
        where: str = "",
        params: Sequence[Any] = (),
        convert_row: Callable[[Sequence[Any]], tuple] | None = None,
        order_by: Sequence[str] = (),
    ) -> Iterator[list[tuple[Any, ...]]]:
        """``select_rows`` a list of up to ``FETCH_SIZE`` rows at a time (the pull's own pace)."""
        cols = ", ".join(_ident(c) for c in columns)
        sql = f"SELECT {cols} FROM {_ident(table)}"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {', '.join(_ident(c) for c in order_by)}"
        convert_row = convert_row or _trimmed
        with self._cursor() as cursor:
            cursor.execute(sql, list(params))
            while rows := cursor.fetchmany(FETCH_SIZE):
                yield list(map(convert_row, rows))

    def count(self, table: str) -> int:
        """How many rows ``table`` has."""
        with self._cursor() as cursor:
            # int(): a driver may hand an expression's value back as text (SQLite's, stepping)
            return int(cursor.execute(f"SELECT COUNT(*) FROM {_ident(table)}").fetchone()[0])

    def select_in(
        self, table: str, columns: Sequence[str], key: str, values: Iterable[Any]
    ) -> Iterator[dict[str, Any]]:
        """Rows whose ``key`` is one of ``values``, asked for in chunks of at most 200."""
        for row in self.select_in_rows(table, columns, key, values):
            yield dict(zip(columns, row))

    def select_in_rows(
        self, table: str, columns: Sequence[str], key: str, values: Iterable[Any], *, convert_row=None
    ) -> Iterator[tuple[Any, ...]]:
        """``select_in`` with tuples for rows (cheaper for big reads); ``convert_row`` as for ``select_rows``."""
        values = list(values)
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            yield from self.select_rows(
                table, columns, where=f"{_ident(key)} IN ({marks})", params=chunk, convert_row=convert_row
            )

    def tables(self) -> list[str]:
        """Names of the tables of the company the connection is to (for discovery by an administrator).

        A driver for a whole database server (MariaDB's) lists the tables of every database the
        account sees: those of another catalog than the connection's own are left out.
        """
        with self._cursor() as cursor:
            rows = cursor.tables(tableType="TABLE").fetchall()
            catalogs = {row.table_cat for row in rows}
            if len(catalogs) > 1:
                own = self._conn.getinfo(pyodbc.SQL_DATABASE_NAME)
                if own in catalogs:
                    rows = [row for row in rows if row.table_cat == own]
        return sorted({row.table_name for row in rows})

    def columns(self, table: str) -> list[tuple[str, str, int | None]]:
        """(name, type, size) of each column of ``table``."""
        with self._cursor() as cursor:
            return [(row.column_name, row.type_name, row.column_size) for row in cursor.columns(table=_ident(table))]
