"""The demo company's tables are laid out as a real Sage 100 company's (../shared/MAS-LAYOUTS.md)."""
from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pyodbc
import pytest

from demo.company import PRIMARY_KEYS, TABLES, build_company, material_list, odbc_connection_string

LAYOUTS = Path(__file__).resolve().parents[2].parent / "shared" / "MAS-LAYOUTS.md"
DUMPED = ["CI_Item", "IM_ItemWarehouse", "WO1_WorkOrderMaster", "WO2_WorkOrderMaterialDetail", "PR_Employee"]


def published_layouts() -> dict[str, list[tuple[str, str | None]]]:
    """{table: [(column, type or None)]} as MAS-LAYOUTS.md lists them, in its order."""
    if not LAYOUTS.is_file():
        pytest.fail(f"{LAYOUTS} is missing: the layouts the demo company follows are kept there.")
    layouts = {}
    for section in re.split(r"^## ", LAYOUTS.read_text(), flags=re.M)[1:]:
        table = section.split(maxsplit=1)[0]
        columns = [(n, t.upper()) for n, t in re.findall(r"^\| (\w+) \| ([\w(),]+) \|$", section, flags=re.M)]
        if columns := [c for c in columns if c[0] != "column"]:
            layouts[table] = columns
        elif listed := re.search(r"\bColumns: (.*)\.$", section, flags=re.M):
            layouts[table] = [
                (m[1], m[2].upper() if m[2] else None)
                for m in (re.match(r"(\w+)(?: (char\(\d+\)))?", part) for part in listed[1].split(", "))
            ]
    return layouts


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mas") / "ABC.sqlite"
    build_company(path)
    return path


def test_it_reads_the_five_dumped_tables_and_wo3_from_the_layouts_file():
    layouts = published_layouts()

    assert set(DUMPED) | {"WO3_WorkOrderOperationDetail"} <= set(layouts)
    assert {t: len(layouts[t]) for t in DUMPED} == {
        "CI_Item": 110, "IM_ItemWarehouse": 26, "WO1_WorkOrderMaster": 65, "WO2_WorkOrderMaterialDetail": 21,
        "PR_Employee": 135,
    }
    assert len(layouts["WO3_WorkOrderOperationDetail"]) == 11


@pytest.mark.parametrize("table", [*DUMPED, "WO3_WorkOrderOperationDetail"])
def test_the_demo_table_has_exactly_the_published_columns_in_order_and_type(table):
    published = published_layouts()[table]

    assert [name for name, _ in TABLES[table]] == [name for name, _ in published]
    for (name, demo_type), (_, real_type) in zip(TABLES[table], published):
        assert real_type is None or demo_type == real_type, name


@pytest.mark.parametrize("table", [*DUMPED, "WO3_WorkOrderOperationDetail"])
def test_odbc_sees_the_same_columns_in_the_built_company(company, table):
    with closing(pyodbc.connect(odbc_connection_string(company))) as conn:
        seen = [(row.column_name, row.type_name) for row in conn.cursor().columns(table=table)]

    assert seen == TABLES[table]


def test_wo2_has_no_key_and_the_others_keep_theirs():
    assert "WO2_WorkOrderMaterialDetail" not in PRIMARY_KEYS
    assert PRIMARY_KEYS["PR_Employee"] == ("EmployeeKey",)
    assert PRIMARY_KEYS["IM_ItemWarehouse"] == ("ItemCode", "WarehouseCode")


def test_char_values_come_padded_decimals_as_numbers_and_empty_dates_as_null(company):
    with closing(pyodbc.connect(odbc_connection_string(company))) as conn:
        cursor = conn.cursor()
        comment, closed, status, qty = cursor.execute(
            "SELECT StatusComment, DateClosed, Status, QtyOrdered FROM WO1_WorkOrderMaster WHERE OnHold = 'N' AND Status = 'O'"
        ).fetchone()
        um, desc = cursor.execute("SELECT UM, ItemDescription FROM WO2_WorkOrderMaterialDetail").fetchone()

    assert comment == " " * 30 and closed is None and status == "O"
    assert Decimal(str(qty)) > 0
    assert len(um) == 4 and len(desc) == 30


def test_each_orders_material_lines_form_one_linked_list_from_the_work_order(company):
    with closing(sqlite3.connect(company)) as con:
        lines = con.execute(
            "SELECT rowid, WorkOrder, PreviousIndexNumber, LinkToNextLine FROM WO2_WorkOrderMaterialDetail"
        ).fetchall()
        by_order = defaultdict(set)
        for index, order, *_ in lines:
            by_order[order].add(index)
        links = {index: (int(prev), int(nxt)) for index, _, prev, nxt in lines}
        for order, indexes in by_order.items():
            listed = material_list(con, order)
            assert set(listed) == indexes and len(listed) == len(indexes), order
            assert links[listed[0]][0] == 0 and links[listed[-1]][1] == 0
            assert all(links[b][0] == a for a, b in zip(listed, listed[1:]))


def test_employees_have_names_departments_rates_and_statuses(company):
    with closing(sqlite3.connect(company)) as con:
        people = con.execute(
            "SELECT EmployeeKey, DepartmentNo, EmployeeNo, FirstName, LastName, EmployeeStatus, EmployeePayRate1, "
            "HireDate, InactiveDate, TerminationDate FROM PR_Employee"
        ).fetchall()

    assert all(key == dept + number for key, dept, number, *_ in people)
    assert {dept for _, dept, *_ in people} == {"10", "20", "30", "40"}
    assert all(first and last and 16 <= rate <= 34 and hired for _, _, _, first, last, _, rate, hired, *_ in people)
    for *_, status, _rate, _hired, inactive, terminated in people:
        assert (inactive is not None) == (status == "I") and (terminated is not None) == (status == "T")
