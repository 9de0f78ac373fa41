"""The MAS gateway reads the demo company through pyodbc and each real ODBC driver (SQLite3, MariaDB)."""
from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pyodbc
import pytest

from demo.company import INFO_TABLE, TABLES
from mas.gateway import IN_CHUNK, MASError, MASGateway

pytestmark = pytest.mark.mas_drivers


def test_pyodbc_reads_the_demo_company_through_the_odbc_driver(mas_source):
    with MASGateway() as mas:
        orders = list(mas.select("WO1_WorkOrderMaster", ["WorkOrder", "Status", "OnHold"]))

    assert len(orders) == 60
    assert {o["Status"] for o in orders} == {"O", "C"}
    assert any(o["OnHold"] == "Y" for o in orders)


def _values_of_first_column(cursor, pattern: str, wanted=lambda values, sql_type: True) -> tuple[str, str, list]:
    """(table, column, values) of the first column of the demo layouts whose type matches
    ``pattern``, with values, ``wanted`` ones if given."""
    for table, columns in TABLES.items():
        for name, sql_type in columns:
            if re.fullmatch(pattern, sql_type, re.I):
                values = [row[0] for row in cursor.execute(f"SELECT {name} FROM {table}").fetchall()]
                if values and wanted(values, sql_type):
                    return table, f"{name} {sql_type}", values
    raise AssertionError(f"no {pattern} column with values in the demo company")


def _width(sql_type: str) -> int:
    return int(re.search(r"\((\d+)", sql_type)[1])


def test_the_driver_hands_over_char_padded_decimal_and_date_values(mas_source):
    # What the pull meets: SQLite's driver gives a float or text for a decimal column; MariaDB's, like
    # ProvideX's, a Decimal. Both give dates as dates and CHAR(n) padded to its width.
    with MASGateway() as mas, mas._cursor() as cursor:
        # A CHAR(n) column holding a value shorter than n (a code, a flag left blank).
        char = _values_of_first_column(cursor, r"CHAR\(\d+\)", lambda values, sql_type: any(
            len(v.rstrip()) < _width(sql_type) for v in values))
        number = _values_of_first_column(cursor, r"(DECIMAL|NUMERIC)\(\d+, *[1-9]\d*\)")  # with places
        day = _values_of_first_column(cursor, "DATE")

    assert {len(text) for text in char[2]} == {_width(char[1])}, char[:2]
    # SQLite's driver hands a DECIMAL(p,s) column over as text (NUMERIC as a float); the pull converts both.
    assert {type(n) for n in number[2]} <= ({Decimal} if mas_source.driver == "mariadb" else {float, str}), number[:2]
    assert {type(d) for d in day[2]} == {datetime.date}, day[:2]


def test_fixed_width_values_come_back_trimmed(mas_source):
    with MASGateway() as mas:
        centers = [row["WorkCenter"] for row in mas.select("WO_WorkCenter", ["WorkCenter"])]

    assert "ASM" in centers
    assert all(c == c.rstrip() for c in centers)


def test_rows_can_be_converted_as_they_are_trimmed(mas_source):
    with MASGateway() as mas:
        plain = list(mas.select_rows("CI_Item", ["ItemCode", "InactiveItem"]))
        converted = list(
            mas.select_rows("CI_Item", ["ItemCode", "InactiveItem"], convert_row=lambda row: (row[0].rstrip(), row[1] == "Y"))
        )

    assert [code for code, _ in converted] == [code for code, _ in plain]
    assert [flag for _, flag in converted] == [value == "Y" for _, value in plain]
    assert any(flag for _, flag in converted) and not all(flag for _, flag in converted)


def test_a_filter_uses_question_mark_parameters(mas_source):
    with MASGateway() as mas:
        steps = list(
            mas.select("WO3_WorkOrderOperationDetail", ["WorkOrder", "StepNumber"], where="StepComplete = ?", params=["Y"])
        )

    assert steps and all(len(s["StepNumber"]) == 4 for s in steps)


def test_in_lists_are_sent_in_chunks_of_at_most_200(mas_source, monkeypatch):
    with MASGateway() as mas:
        codes = [row["ItemCode"] for row in mas.select("CI_Item", ["ItemCode"])]
        sizes = []
        original = mas.select_rows

        def spy(table, columns, *, params=(), **kwargs):
            sizes.append(len(params))
            return original(table, columns, params=params, **kwargs)

        monkeypatch.setattr(mas, "select_rows", spy)
        found = [row["ItemCode"] for row in mas.select_in("CI_Item", ["ItemCode"], "ItemCode", codes)]

    assert sorted(found) == sorted(codes)
    assert len(codes) > IN_CHUNK and max(sizes) == IN_CHUNK


def test_discovery_lists_tables_and_columns(mas_source):
    with MASGateway() as mas:
        tables = mas.tables()
        columns = [name for name, _type, _size in mas.columns("CI_Item")]

    assert {"WO1_WorkOrderMaster", "CI_Item", "IM_Warehouse"} <= set(tables)
    assert {"ItemCode", "ItemCodeDesc", "InactiveItem", "DateUpdated"} <= set(columns)


def test_discovery_lists_the_companys_own_tables_and_no_other_databases(mas_source):
    # MariaDB's driver lists every database of the server (mysql.user, the other runs' companies, ...).
    with MASGateway() as mas:
        tables = mas.tables()

    assert set(TABLES) <= set(tables) <= set(TABLES) | {INFO_TABLE}


def test_the_gateway_cannot_write_to_mas(mas_source):
    with MASGateway() as mas:
        with mas._cursor() as cursor, pytest.raises(pyodbc.Error):
            cursor.execute("DELETE FROM CI_Item")
        assert len(list(mas.select("CI_Item", ["ItemCode"]))) == 300


def test_a_connection_that_fails_says_so_in_one_sentence(tmp_path):
    with pytest.raises(MASError, match=r"^MAS connection failed: .*"):
        with MASGateway("Driver={No Such MAS Driver};Database=nowhere"):
            pass


def test_a_missing_column_says_which_query_failed(mas_source):
    with MASGateway() as mas, pytest.raises(MASError, match=r"^MAS query failed: .*NoSuchColumn"):
        list(mas.select("CI_Item", ["ItemCode", "NoSuchColumn"]))


def test_names_are_checked_before_they_reach_the_driver(mas_source):
    with MASGateway() as mas, pytest.raises(MASError, match="not a valid MAS table or column name"):
        list(mas.select("CI_Item; DROP TABLE CI_Item", ["ItemCode"]))
