"""The demo company's loader into MariaDB takes any layout: types as MAS-LAYOUTS.md spells them, a
table without a key, a table wider than an InnoDB row; the portal reads it through the real driver."""
from __future__ import annotations

import datetime
import sqlite3
from contextlib import closing
from decimal import Decimal

import pyodbc
import pytest

from demo import mariadb
from mas.gateway import MASGateway
from tests.mas_drivers import database_name

WIDE = [("ItemCode", "varchar(30)")] + [(f"Field{i:03}", "char(60)") for i in range(199)]  # 11,971 bytes a row
LAYOUT = {
    # As WO2_WorkOrderMaterialDetail: no column identifies a line, the same line may appear twice.
    "NoKey": [("WorkOrder", "char(7)"), ("ItemCode", "varchar(30)"), ("QtyRequired", "decimal(15,6)"),
              ("RequiredDate", "date"), ("CommentText", "text"), ("LineSeq", "integer")],
    "Wide": WIDE,
}
KEYS = {"Wide": ("ItemCode",)}  # NoKey has none


@pytest.fixture
def layout_company(mariadb_server, tmp_path, settings):
    path = tmp_path / "layout.sqlite"
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE NoKey (WorkOrder, ItemCode, QtyRequired, RequiredDate, CommentText, LineSeq)")
        row = ("0001030", "BRK-1", 2.5, "2026-01-02", "CUT TO LENGTH  ", 1)
        con.executemany("INSERT INTO NoKey VALUES (?, ?, ?, ?, ?, ?)", [row, row, ("0001030", "BRK-2", 0.000001, "1753-01-01", "", 2)])
        con.execute(f"CREATE TABLE Wide ({', '.join(name for name, _type in WIDE)})")
        con.execute(f"INSERT INTO Wide VALUES ({', '.join('?' * len(WIDE))})", ["ITEM-1"] + [f"V{i}".ljust(60) for i in range(199)])
    name = database_name()
    try:
        counts = mariadb.load_company(path, mariadb_server, name, tables=LAYOUT, primary_keys=KEYS)
        settings.WOSCAN_MAS_ODBC = mariadb.reader_connection_string(mariadb_server, name)
        yield name, counts
    finally:
        mariadb.drop_company(mariadb_server, name)


def test_a_table_with_no_key_keeps_every_row_and_its_types(layout_company):
    with MASGateway() as mas:
        rows = list(mas.select_rows("NoKey", [name for name, _type in LAYOUT["NoKey"]]))
        with mas._cursor() as cursor:
            padded = cursor.execute("SELECT WorkOrder FROM NoKey").fetchone()[0]

    assert layout_company[1]["NoKey"] == 3
    assert rows[0] == rows[1] == ("0001030", "BRK-1", Decimal("2.500000"), datetime.date(2026, 1, 2), "CUT TO LENGTH", 1)
    assert rows[2][2:4] == (Decimal("0.000001"), datetime.date(1753, 1, 1))
    assert padded == "0001030" and len(padded) == 7


def test_a_table_wider_than_an_innodb_row_loads_with_its_widest_columns_as_text(layout_company, mariadb_server):
    with MASGateway() as mas:
        (row,) = mas.select_rows("Wide", [name for name, _type in WIDE])
        columns = mas.columns("Wide")
        with mas._cursor() as cursor:
            raw = cursor.execute("SELECT Field000, Field198 FROM Wide").fetchone()

    assert row[0] == "ITEM-1" and row[1:] == tuple(f"V{i}" for i in range(199))
    kinds = {type_name for _name, type_name, _size in columns}
    assert {"VARCHAR", "CHAR"} <= kinds and any("TEXT" in kind for kind in kinds)
    assert mariadb.row_bytes(mariadb.fitted_types(WIDE, KEYS["Wide"]).items()) <= mariadb.ROW_BYTES_LIMIT
    assert [len(value) for value in raw] == [60, 60]  # a CHAR made TEXT keeps its padding
    # As the layout spells it, MariaDB refuses the table (InnoDB's row limit): hence the fallback.
    with closing(mariadb.connect(mariadb.writer_connection_string(mariadb_server, layout_company[0]))) as con:
        with pytest.raises(pyodbc.Error, match="Row size too large"):
            con.cursor().execute(
                "CREATE TEMPORARY TABLE TooWide ("
                + ", ".join(f"`{name}` {sql_type}" for name, sql_type in WIDE) + f") {mariadb.TABLE_OPTIONS}"
            )


def test_a_type_the_loader_does_not_know_is_passed_to_mariadb_as_spelled():
    assert mariadb.table_ddl("T", [("Stamp", "datetime"), ("Flag", "CHAR(1)")], ("Flag",)) == (
        f"CREATE TABLE `T` (`Stamp` datetime NOT NULL, `Flag` CHAR(1) NOT NULL, PRIMARY KEY (`Flag`)) {mariadb.TABLE_OPTIONS}"
    )


def test_a_table_the_layout_gives_no_key_is_created_without_one():
    assert "PRIMARY KEY" not in mariadb.table_ddl("WO2", [("WorkOrder", "char(7)")], None)
    assert "PRIMARY KEY" not in mariadb.table_ddl("WO2", [("WorkOrder", "char(7)")], ())
