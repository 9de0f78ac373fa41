"""The demo MAS company "ABC", read the way the portal reads MAS: pyodbc through a real ODBC driver."""
from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from datetime import date
from pathlib import Path

import pyodbc
import pytest

from demo.company import PRIMARY_KEYS, SCHEMA_VERSION, TABLES, build_company, is_current, odbc_connection_string


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("mas") / "ABC.sqlite"
    return path, build_company(path)


@pytest.fixture(scope="module")
def odbc(company):
    with closing(pyodbc.connect(odbc_connection_string(company[0]), autocommit=True)) as conn:
        yield conn


def rows(conn: pyodbc.Connection, sql: str, *params) -> list[tuple]:
    return [tuple(row) for row in conn.cursor().execute(sql, params).fetchall()]


def dump(path: Path) -> dict[str, list[tuple]]:
    with closing(pyodbc.connect(odbc_connection_string(path))) as conn:
        return {t: rows(conn, f"SELECT * FROM {t} ORDER BY {', '.join(PRIMARY_KEYS.get(t, ['rowid']))}") for t in TABLES}


def test_it_reads_about_sixty_work_orders_through_odbc(odbc):
    orders = rows(odbc, "SELECT WorkOrder, Status, OnHold, WODate, WODueDate FROM WO1_WorkOrderMaster")

    assert 55 <= len(orders) <= 65
    assert all(len(wo) == 7 and wo.isdigit() for wo, *_ in orders)
    assert all(isinstance(d, date) and due > d for *_, d, due in orders)


def test_it_pads_char_columns_as_mas_does(odbc):
    assert rows(odbc, "SELECT WorkCenter, WorkCenterDesc FROM WO_WorkCenter WHERE WorkCenter = ?", "ASM  ") == [
        ("ASM  ", "ASSEMBLY & PACK")
    ]
    centers = [wc for (wc,) in rows(odbc, "SELECT WorkCenter FROM WO3_WorkOrderOperationDetail")]
    assert {len(wc) for wc in centers} == {5}
    assert any(wc.endswith(" ") for wc in centers)
    blank_steps = rows(odbc, "SELECT LastStepComplete FROM WO1_WorkOrderMaster WHERE LastStepComplete = ?", "    ")
    assert blank_steps and all(step == "    " for (step,) in blank_steps)
    assert not any(code.endswith(" ") for (code,) in rows(odbc, "SELECT ItemCode FROM CI_Item"))  # varchar


def test_it_builds_identical_data_from_the_same_seed(company, tmp_path):
    build_company(tmp_path / "again.sqlite")
    build_company(tmp_path / "other.sqlite", seed=7)

    assert dump(tmp_path / "again.sqlite") == dump(company[0])
    assert dump(tmp_path / "other.sqlite") != dump(company[0])


def test_it_returns_the_counts_that_odbc_sees(company, odbc):
    path, counts = company

    assert list(counts) == list(TABLES)
    for table, count in counts.items():
        assert [(int(n),) for n, in rows(odbc, f"SELECT COUNT(*) FROM {table}")] == [(count,)], table
    assert counts["WO_TransactionEntryHeader"] == counts["WO_TransactionEntryDetail"] == 0
    assert counts["WO_TransactionHistory"] == 0
    assert not path.with_suffix(".tmp").exists()


def test_it_tells_whether_a_company_file_is_current(tmp_path):
    path = tmp_path / "ABC.sqlite"
    assert not is_current(path)

    build_company(path)
    assert is_current(path)

    with closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE WOScanDemoInfo SET schema_version = ?", (SCHEMA_VERSION - 1,))
    assert not is_current(path)

    path.write_text("not a database")
    assert not is_current(path)


def test_it_has_open_closed_and_held_work_orders(odbc):
    states = Counter(rows(odbc, "SELECT Status, OnHold FROM WO1_WorkOrderMaster"))

    assert states[("O", "N")] and states[("O", "Y")] and states[("C", "N")]
    assert set(states) == {("O", "N"), ("O", "Y"), ("C", "N")}


def test_every_work_order_has_three_to_eight_steps_and_some_material(odbc):
    orders = {wo for (wo,) in rows(odbc, "SELECT WorkOrder FROM WO1_WorkOrderMaster")}
    steps: dict[str, list[str]] = {}
    for wo, step in rows(odbc, "SELECT WorkOrder, StepNumber FROM WO3_WorkOrderOperationDetail ORDER BY 1, 2"):
        steps.setdefault(wo, []).append(step)
    lines = Counter(wo for (wo,) in rows(odbc, "SELECT WorkOrder FROM WO2_WorkOrderMaterialDetail"))

    assert set(steps) == orders == set(lines)
    for numbers in steps.values():
        assert 3 <= len(numbers) <= 8
        assert numbers == [f"{10 * n:04d}" for n in range(1, len(numbers) + 1)]


def test_steps_and_material_lines_refer_to_master_data(odbc):
    operations = set(rows(odbc, "SELECT WorkCenter, OperationCode FROM WO_OperationCode"))
    items = {code for (code,) in rows(odbc, "SELECT ItemCode FROM CI_Item")}
    stocked = set(rows(odbc, "SELECT ItemCode, WarehouseCode FROM IM_ItemWarehouse"))
    warehouses = {code for (code,) in rows(odbc, "SELECT WarehouseCode FROM IM_Warehouse")}

    assert set(rows(odbc, "SELECT WorkCenter, OperationCode FROM WO3_WorkOrderOperationDetail")) <= operations
    assert {b for (b,) in rows(odbc, "SELECT ItemBillNumber FROM WO1_WorkOrderMaster")} <= items
    assert {w for (w,) in rows(odbc, "SELECT ParentWhse FROM WO1_WorkOrderMaster")} <= warehouses
    lines = rows(odbc, "SELECT ComponentItemNumber, Whse, UM FROM WO2_WorkOrderMaterialDetail")
    assert all((item, whse) in stocked and len(um) == 4 for item, whse, um in lines)
    assert warehouses == {"000", "EST", "WST"}


def test_some_employees_are_inactive_and_crews_have_members(odbc):
    employees = dict(rows(odbc, "SELECT EmployeeNo, EmployeeStatus FROM PR_Employee"))
    members = rows(odbc, "SELECT CrewNo, EmployeeNo FROM WO_LaborCrewMember")

    assert 35 <= len(employees) <= 45
    assert all(len(no) == 7 and no.isdigit() for no in employees)
    statuses = Counter(employees.values())
    assert statuses["A"] >= 30 and statuses["I"] + statuses["T"] >= 1 and set(statuses) <= {"A", "I", "T"}
    assert len(rows(odbc, "SELECT CrewNo FROM WO_LaborCrew")) == 5
    assert set(Counter(crew for crew, _ in members).values()) <= {3, 4, 5, 6}
    assert {emp for _, emp in members} <= set(employees)


def test_items_carry_update_stamps_for_incremental_pulls(odbc):
    items = rows(odbc, "SELECT ItemCode, InactiveItem, DateUpdated, TimeUpdated FROM CI_Item")
    since = date(2026, 9, 1)
    recent = rows(odbc, "SELECT ItemCode FROM CI_Item WHERE DateUpdated >= ?", since.isoformat())

    assert 280 <= len(items) <= 320
    assert {flag for _, flag, *_ in items} == {"Y", "N"}
    assert all(isinstance(d, date) and len(t) == 8 and 6 <= float(t) <= 18 for *_, d, t in items)
    assert 0 < len(recent) < len(items)
    assert {code for (code,) in recent} == {code for code, _, d, _ in items if d >= since}


def test_the_connection_string_is_the_sqlite_drivers_read_only_dsn_less_form(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    assert odbc_connection_string(Path("ABC.sqlite")) == (
        f"Driver={{SQLite3}};Database=file://{tmp_path.resolve()}/ABC.sqlite?mode=ro;NoCreat=1;StepAPI=1;"
    )
