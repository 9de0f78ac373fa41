"""The demo company "ABC" in a MariaDB database, read through MariaDB Connector/ODBC.

A second real ODBC driver beside the SQLite one, and one that hands values over as ProvideX
does: the reading session sets ``sql_mode=PAD_CHAR_TO_FULL_LENGTH`` (``CHAR(n)`` values come
padded with spaces), ``DECIMAL`` columns come as ``Decimal`` and ``DATE`` columns as ``date``.
The reading session is read-only (``tx_read_only``), as MAS is for the portal: the driver does
not honour ODBC's read-only connection attribute.

The tables are those of ``demo.company.TABLES`` (a column name and a type each;
``PRIMARY_KEYS`` for the key, which a table may lack), filled with the rows of a demo company
that ``build_company()`` wrote. They are InnoDB tables in ``ROW_FORMAT=DYNAMIC`` with the
``latin1`` character set (MariaDB's ``latin1`` is Windows-1252, the single-byte text ProvideX
stores): a ``CHAR(n)`` then takes n bytes, not the 4n of ``utf8mb4``, against InnoDB's limit
of about 8 KB for the part of a row kept in its page. A table whose columns would still pass
that limit has its widest character columns outside the key made ``TEXT`` (kept off the page),
their values written padded as they are. ``latin1_bin`` compares case-sensitively and, like
fixed-width keys, ignores trailing spaces.

This is the MAS side of the demo and of the tests (a stand-in for MAS), so it writes freely.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyodbc

DRIVER = "MariaDB Unicode"  # the name Debian's odbc-mariadb registers with unixODBC
PAD_MODE = "PAD_CHAR_TO_FULL_LENGTH"
CHARSET = "CHARACTER SET latin1 COLLATE latin1_bin"
TABLE_OPTIONS = f"ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT {CHARSET}"
# InnoDB refuses a table whose longest row cannot keep its in-page part under half a 16 KB page
# (8,126 bytes); below this estimate every layout loads with room for the record headers.
ROW_BYTES_LIMIT = 7_500
OFF_PAGE_BYTES = 20  # what a TEXT column kept off the page costs in the row
MAX_PARAMS = 2_000  # per INSERT statement

_CHARS = re.compile(r"(?i)(VAR)?CHAR\((\d+)\)")
_DECIMAL = re.compile(r"(?i)(?:DECIMAL|NUMERIC)\((\d+),\s*(\d+)\)")
_FIXED_BYTES = {"DATE": 3, "INTEGER": 4, "INT": 4, "TEXT": OFF_PAGE_BYTES}
_DB_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")

Columns = Sequence[tuple[str, str]]


def server_connection_string(
    server: str = "127.0.0.1", port: int = 3306, user: str = "root", password: str = "", driver: str = DRIVER
) -> str:
    """The MariaDB server, with no database chosen."""
    return f"Driver={{{driver}}};Server={server};Port={port};UID={user};PWD={{{password}}};"


def reader_connection_string(server: str, database: str) -> str:
    """What the portal sets as ``WOSCAN_MAS_ODBC``: padded ``CHAR`` values, a read-only session."""
    return f"{server}Database={_name(database)};InitStmt={{SET SESSION sql_mode='{PAD_MODE}', SESSION tx_read_only=1}};"


def writer_connection_string(server: str, database: str | None = None) -> str:
    """For changing the company as MAS would: padded ``CHAR`` values, MariaDB's lenient mode
    (a value a column cannot hold is fitted to it, as the SQLite company takes anything)."""
    db = f"Database={_name(database)};" if database else ""
    return f"{server}{db}InitStmt={{SET SESSION sql_mode='{PAD_MODE}'}};"


def connect(connection_string: str, *, timeout: int = 10) -> pyodbc.Connection:
    return pyodbc.connect(connection_string, autocommit=True, timeout=timeout)


# --- building ---------------------------------------------------------------------------------
def load_company(
    sqlite_path: Path,
    server: str,
    database: str,
    *,
    tables: Mapping[str, Columns] | None = None,
    primary_keys: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, int]:
    """Create ``database`` (replacing one of that name) with the tables and rows of the demo
    company at ``sqlite_path``; returns the row count per table."""
    if tables is None or primary_keys is None:
        from demo import company

        tables = company.TABLES if tables is None else tables
        primary_keys = company.PRIMARY_KEYS if primary_keys is None else primary_keys
    counts: dict[str, int] = {}
    with closing(connect(writer_connection_string(server))) as con, closing(sqlite3.connect(sqlite_path)) as source:
        cursor = con.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS `{_name(database)}`")
        cursor.execute(f"CREATE DATABASE `{database}` {CHARSET}")
        cursor.execute(f"USE `{database}`")
        for table, columns in tables.items():
            nullable = _nullable(source, table)
            cursor.execute(table_ddl(table, columns, primary_keys.get(table) or (), nullable))
            names = [name for name, _type in columns]
            rows = source.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
            counts[table] = _insert(cursor, table, columns, rows)
    return counts


def copy_company(server: str, source: str, database: str) -> None:
    """A new database ``database`` holding the tables and rows of ``source`` (fast: no parsing)."""
    with closing(connect(writer_connection_string(server))) as con:
        cursor = con.cursor()
        tables = [row[0] for row in cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", _name(source)
        ).fetchall()]
        cursor.execute(f"DROP DATABASE IF EXISTS `{_name(database)}`")
        cursor.execute(f"CREATE DATABASE `{database}` {CHARSET}")
        for table in tables:
            cursor.execute(f"CREATE TABLE `{database}`.`{table}` LIKE `{source}`.`{table}`")
            cursor.execute(f"INSERT INTO `{database}`.`{table}` SELECT * FROM `{source}`.`{table}`")


def drop_company(server: str, database: str) -> None:
    with closing(connect(writer_connection_string(server))) as con:
        con.cursor().execute(f"DROP DATABASE IF EXISTS `{_name(database)}`")


def table_ddl(table: str, columns: Columns, key: Sequence[str] | None = (), nullable: Iterable[str] = ()) -> str:
    """``CREATE TABLE`` for one table of the layout: each column in its type, the widest
    non-key character columns as ``TEXT`` while the row would pass InnoDB's limit."""
    key = tuple(key or ())
    types = fitted_types(columns, key)
    nullable = set(nullable)
    cols = [f"`{name}` {types[name]}{'' if name in nullable else ' NOT NULL'}" for name, _type in columns]
    if key:
        cols.append(f"PRIMARY KEY ({', '.join(f'`{k}`' for k in key)})")
    return f"CREATE TABLE `{table}` ({', '.join(cols)}) {TABLE_OPTIONS}"


def fitted_types(columns: Columns, key: Sequence[str] = ()) -> dict[str, str]:
    """The MariaDB type of each column: its own, but ``TEXT`` for the widest character columns
    outside ``key`` while the estimated row is longer than ``ROW_BYTES_LIMIT``."""
    types = {name: sql_type.strip() for name, sql_type in columns}
    widest = sorted(
        (name for name, sql_type in types.items() if name not in key and _CHARS.fullmatch(sql_type)),
        key=lambda name: -row_bytes([(name, types[name])]),
    )
    for name in widest:
        if row_bytes(types.items()) <= ROW_BYTES_LIMIT:
            break
        types[name] = "TEXT"
    return types


def row_bytes(columns: Iterable[tuple[str, str]]) -> int:
    """An upper estimate of the bytes a row of these columns keeps in its page (latin1)."""
    total = 0
    for _column, sql_type in columns:
        sql_type = sql_type.strip()
        if m := _CHARS.fullmatch(sql_type):
            width = int(m[2])
            total += width + (2 if width > 255 else 1 if m[1] else 0)
        elif m := _DECIMAL.fullmatch(sql_type):
            total += int(m[1]) // 2 + 1
        else:
            total += _FIXED_BYTES.get(sql_type.upper(), 8)
    return total


# --- rows -------------------------------------------------------------------------------------
def _nullable(source: sqlite3.Connection, table: str) -> set[str]:
    """The columns of ``table`` the SQLite company lets be NULL."""
    return {name for _cid, name, _type, notnull, _default, _pk in source.execute(f"PRAGMA table_info({table})") if not notnull}


def _insert(cursor: pyodbc.Cursor, table: str, columns: Columns, rows: list[tuple]) -> int:
    decimals = [bool(_DECIMAL.fullmatch(sql_type.strip())) for _name, sql_type in columns]
    names = ", ".join(f"`{name}`" for name, _type in columns)
    marks = f"({', '.join('?' for _ in columns)})"
    per_statement = max(1, MAX_PARAMS // max(1, len(columns)))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = [_value(v, is_decimal) for row in chunk for v, is_decimal in zip(row, decimals)]
        cursor.execute(f"INSERT INTO `{table}` ({names}) VALUES {', '.join(marks for _ in chunk)}", params)
    return len(rows)


def _value(value: Any, is_decimal: bool) -> Any:
    # SQLite keeps a NUMERIC value as the float it parsed: its shortest form is the number written.
    return Decimal(repr(value)) if is_decimal and isinstance(value, float) else value


def _name(database: str) -> str:
    if not _DB_NAME.match(database):
        raise ValueError(f"{database!r} is not a MariaDB database name this demo uses (letters, digits, _).")
    return database
