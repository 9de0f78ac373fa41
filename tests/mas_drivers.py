"""The MAS driver a test reads the demo company through (a pytest plugin of the root conftest).

``sqlite``: the SQLite ODBC driver on the demo company's file, as the demo runs. ``mariadb``:
MariaDB Connector/ODBC against the MariaDB server of this machine (127.0.0.1:3306, root, or the
server connection string in ``WOSCAN_TEST_MARIADB``), the same company loaded into a database
of its own (``demo.mariadb``): ``CHAR`` values padded, ``Decimal`` and ``date`` values.

A test module runs its tests through both with ``pytestmark = pytest.mark.mas_drivers``;
``@pytest.mark.mas_drivers("sqlite")`` keeps one test to the drivers named (a value only
SQLite can hold, say). The fixtures:

- ``mas_source``: the demo company, read-only, shared by the tests of a run; ``WOSCAN_MAS_ODBC``
  points at it.
- ``mariadb_company``: a company of the test's own in MariaDB, to change as MAS would
  (``execute``/``query``, as the SQLite ``company`` of ``tests/syncconfig``): a database
  ``woscan_mas_<pid>_<n>`` copied from the run's own and dropped after the test, so that runs
  side by side never meet.

Without MariaDB (or its driver) the ``mariadb`` tests skip, saying why; with ``CI`` set they fail.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

import pyodbc
import pytest

from demo import mariadb
from tests.services import unavailable

DRIVERS = ("sqlite", "mariadb")
_databases = itertools.count(1)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "mas_drivers(*names): run the test through each MAS ODBC driver (default: sqlite and mariadb)"
    )


def pytest_generate_tests(metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("mas_drivers")
    if marker is not None and "mas_driver" in metafunc.fixturenames:
        drivers = marker.args or DRIVERS
        metafunc.parametrize("mas_driver", drivers, indirect=True, ids=list(drivers))


@dataclass
class MASSource:
    driver: str
    connection_string: str


class MariaDBCompany:
    """A company of one test's own in MariaDB: changed as MAS would (one statement, committed)."""

    driver = "mariadb"

    def __init__(self, server: str, database: str):
        self.server, self.database = server, database

    def execute(self, sql: str, *params) -> int:
        with closing(mariadb.connect(mariadb.writer_connection_string(self.server, self.database))) as con:
            return con.cursor().execute(sql, params).rowcount

    def query(self, sql: str, *params) -> list[tuple]:
        with closing(mariadb.connect(mariadb.writer_connection_string(self.server, self.database))) as con:
            return [tuple(row) for row in con.cursor().execute(sql, params).fetchall()]


@pytest.fixture
def mas_driver(request) -> str:
    """The driver of this test: its ``mas_drivers`` parameter, else the demo's SQLite driver."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def mariadb_server() -> str:
    """The server connection string of the local MariaDB, once it answers through the driver."""
    server = os.environ.get("WOSCAN_TEST_MARIADB") or mariadb.server_connection_string()
    try:
        with closing(mariadb.connect(server, timeout=5)) as con:
            con.cursor().execute("SELECT 1").fetchall()
    except pyodbc.Error as exc:
        message = " ".join(str(arg) for arg in exc.args)
        where = server.split(";UID=")[0]  # never the password
        if "IM002" in message or "Can't open lib" in message:
            unavailable(
                f"the MariaDB ODBC driver of {where} is not registered with unixODBC (scripts/setup.sh --test "
                f"installs odbc-mariadb, which registers {{{mariadb.DRIVER}}}): {message}"
            )
        unavailable(
            f"the MariaDB server does not answer ({where}): {message} — start it with "
            "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
        )
    return server


def database_name() -> str:
    return f"woscan_mas_{os.getpid()}_{next(_databases)}"


@pytest.fixture(scope="session")
def mariadb_template(mariadb_server, mas_company) -> Iterator[str]:
    """The demo company loaded into MariaDB once a run; tests read it or copy it."""
    name = database_name()
    mariadb.load_company(mas_company, mariadb_server, name)
    yield name
    mariadb.drop_company(mariadb_server, name)


@pytest.fixture
def mas_source(mas_driver, mas_company, request, settings) -> MASSource:
    """The demo company through this test's driver, read-only; the MAS gateway reads it."""
    if mas_driver == "mariadb":
        server = request.getfixturevalue("mariadb_server")
        settings.WOSCAN_MAS_ODBC = mariadb.reader_connection_string(server, request.getfixturevalue("mariadb_template"))
    return MASSource(mas_driver, settings.WOSCAN_MAS_ODBC)


@pytest.fixture
def mariadb_company(mariadb_server, mariadb_template, settings) -> Iterator[MariaDBCompany]:
    """A MariaDB copy of the demo company for this test alone; the MAS gateway reads it."""
    name = database_name()
    mariadb.copy_company(mariadb_server, mariadb_template, name)
    settings.WOSCAN_MAS_ODBC = mariadb.reader_connection_string(mariadb_server, name)
    yield MariaDBCompany(mariadb_server, name)
    mariadb.drop_company(mariadb_server, name)
