"""The pull at its edges: odd MAS values, keys MAS returns twice, unpulled fields, padded keys, failures mid-table."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from demo.company import TABLES, insert_statement
from mas.models import Crew, Employee, Item, ItemWarehouse, WorkCenter, WorkOrder
from syncconfig.models import AutoSyncTable, PullStatus, PullTableRun
from syncconfig.pull import pull_now
from kernel.bulk import insert_rows

pytestmark = [pytest.mark.usefixtures("no_pause"), pytest.mark.mas_drivers]


def counts(run):
    return {t.name: (t.read, t.inserted, t.updated, t.deactivated, t.unchanged) for t in PullTableRun.objects.filter(run=run)}


# --- bulk.insert_rows on SQLite bypasses Django's cursor --------------------------------------
@pytest.mark.django_db
def test_insert_rows_raises_djangos_integrity_error_for_a_duplicate_key():
    now = timezone.now().isoformat()
    insert_rows("mas_warehouse", ["code", "description", "active", "first_seen_at", "last_changed_at"],
                [("000", "MAIN", 1, now, now)])

    # Callers (the pull, the export) catch Django's IntegrityError / DatabaseError.
    with pytest.raises(IntegrityError):
        insert_rows("mas_warehouse", ["code", "description", "active", "first_seen_at", "last_changed_at"],
                    [("000", "AGAIN", 1, now, now)])


# --- duplicate keys in an incremental pull ------------------------------------------------------
def twin(code: str, updated: str) -> tuple:
    """A CI_Item row whose code trims to an existing one's."""
    return insert_statement("CI_Item", {
        "ItemCode": code, "ItemCodeDesc": "TWIN", "ItemType": "1", "InactiveItem": "N", "StandardUnitCost": 1.5,
        "DateUpdated": updated, "TimeUpdated": "08.00000",
    })


# MariaDB's keys ignore trailing spaces, as fixed-width keys do: MAS cannot hold both rows there.
@pytest.mark.mas_drivers("sqlite")
def test_an_incremental_pull_fails_a_key_mas_returns_twice_among_recent_rows(company):
    pull_now()
    code = Item.objects.order_by("code").first().code
    today = timezone.localdate().isoformat()
    # A second MAS row whose key trims to the same mirror key, saved today.
    company.execute(*twin(code + " ", today))
    before = list(Item.objects.order_by("code").values())

    run = pull_now()

    items = run.tables.get(name="items")
    assert items.status == PullStatus.FAILED, counts(run)["items"]
    assert f"MAS returned the key {code} twice" in items.error
    assert list(Item.objects.order_by("code").values()) == before


# MariaDB's keys ignore trailing spaces, as fixed-width keys do: MAS cannot hold both rows there.
@pytest.mark.mas_drivers("sqlite")
def test_an_incremental_pull_fails_an_old_key_mas_returns_twice_and_the_other_tables_go_on(company):
    pull_now()
    code = Item.objects.order_by("code").first().code
    company.execute(*twin(code + " ", "2020-01-01"))

    run = pull_now()

    assert run.tables.count() == 11, f"the pull stopped: {run.error}"
    items = run.tables.get(name="items")
    assert items.status == PullStatus.FAILED
    assert f"MAS returned the key {code} twice" in items.error, items.error


# --- a failed table rolls back every row it inserted (inserts bypass Django's cursor) -------------
@pytest.mark.mas_drivers("sqlite")  # a key twice, as above
@pytest.mark.django_db(transaction=True)
def test_a_first_pull_failing_late_rolls_back_the_rows_it_already_inserted(company, monkeypatch):
    # pins that raw-connection inserts stay inside pull_table's transaction (real COMMIT/ROLLBACK).
    from mas import gateway
    from syncconfig import pull

    assert not connection.in_atomic_block  # no test transaction around the pull: real COMMIT/ROLLBACK
    monkeypatch.setattr(gateway, "FETCH_SIZE", 50)
    monkeypatch.setattr(pull, "WRITE_BATCH", 20)
    code = company.query("SELECT ItemCode FROM CI_Item ORDER BY rowid LIMIT 1")[0][0]
    company.execute(*twin(code + "  ", "2020-01-01"))

    run = pull_now(table=AutoSyncTable.objects.get(name="items"))

    items = run.tables.get(name="items")
    assert items.status == PullStatus.FAILED and f"MAS returned the key {code} twice" in items.error
    assert Item.objects.count() == 0


# --- values of every kind compare equal on the next full pull -------------------------------------
ODD_COLUMNS = (
    "WorkOrder", "Status", "OnHold", "ItemBillNumber", "ItemBillDescription", "QtyOrdered", "QtyComplete",
    "QtyScrapped", "ParentWhse", "WODate", "WODueDate", "LastStepComplete",
)
ODD_ORDERS = [
    ("ZZ00001", "O", "y", "PART  ", "DESC  ", -12.34567, -0.00004, 99999999999.999, "000", "1753-01-01", "2026-01-02 13:05:00", "    "),
    ("ZZ00002", "C", "N", "", "", "5", 0, 1e-9, "   ", "", "20260102", "0010"),
    ("ZZ00003", " ", "1", "X", "Y" * 30, " 7.12346 ", "", -0.0, "EST", "2026-01-02", "0001-01-01", ""),
    ("ZZ00004", "O", "0", "X", "Z", 12345678901.23456, 3, 2.5, "EST", "9999-12-31", "2026-02-28", ""),
]


def test_odd_values_compare_equal_when_pulled_again(company):
    # pins negative/huge/tiny/integral/text decimals, padded flags, odd dates, empty texts.
    for row in ODD_ORDERS:
        company.execute(*insert_statement("WO1_WorkOrderMaster", dict(zip(ODD_COLUMNS, row))))
    table = AutoSyncTable.objects.get(name="work_orders")
    first = pull_now(table=table)
    again = pull_now(table=table)

    assert counts(first)["work_orders"] == (64, 64, 0, 0, 0), first.error
    assert counts(again)["work_orders"] == (64, 0, 0, 0, 64)


@pytest.mark.mas_drivers("sqlite")  # a float: MariaDB's driver hands the DECIMAL over exactly (below)
def test_a_mas_value_the_decimal_field_cannot_hold_fails_the_table_rather_than_the_mirror(company):
    # MAS QtyOrdered is DECIMAL(15,4); the mirror's field holds 12 digits before the point and a
    # company file (SQLite here, as a damaged MAS file might) can hold a value with 13.
    company.execute(*insert_statement("WO1_WorkOrderMaster", {
        "WorkOrder": "ZZ00001", "Status": "O", "OnHold": "N", "ItemBillNumber": "X", "ItemBillDescription": "X",
        "QtyOrdered": 9999999999999.5, "ParentWhse": "000", "WODate": "2026-01-02", "WODueDate": "2026-01-02",
    }))

    run = pull_now(table=AutoSyncTable.objects.get(name="work_orders"))

    table = run.tables.get(name="work_orders")
    assert table.status == PullStatus.FAILED
    assert "qty_ordered: '9999999999999.5' is too large for the mirror (12 digits before the point)" in table.error
    assert not WorkOrder.objects.exists()  # left as it was: every page reading work orders still works


@pytest.mark.mas_drivers("mariadb")
def test_the_largest_decimal_mas_holds_is_pulled_exactly_where_the_mirror_can_hold_it(company):
    # MariaDB's driver, as ProvideX's, hands a DECIMAL over exactly: the largest value of the MAS
    # column (up to the mirror field's largest) is pulled as it is, or refused where the portal's
    # SQLite database would keep a float that reads back a digit too long.
    table = AutoSyncTable.objects.get(name="work_orders")
    (key_column,), column = table.key_columns.values(), table.columns["qty_ordered"]
    precision, places = map(int, re.findall(r"\d+", dict(TABLES[table.mas_table])[column]))
    field = WorkOrder._meta.get_field("qty_ordered")
    largest = min(Decimal(10) ** (precision - places) - Decimal(10) ** -places,
                  Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** -field.decimal_places)
    number = company.query(f"SELECT {key_column} FROM {table.mas_table} ORDER BY {key_column} LIMIT 1")[0][0].strip()
    company.execute(f"UPDATE {table.mas_table} SET {column} = ? WHERE {key_column} = ?", largest, number)

    first = pull_now(table=table)
    again = pull_now(table=table)

    if connection.vendor == "sqlite" and len(largest.as_tuple().digits) > 15:  # read back to 15 digits
        assert f"qty_ordered: {largest:.{field.decimal_places}f} is too large for the mirror's SQLite database" in first.error
        assert not WorkOrder.objects.exists()  # left as it was: every page reading work orders still works
    else:
        assert first.status == PullStatus.SUCCEEDED, first.error
        assert WorkOrder.objects.get(number=number).qty_ordered == largest
        assert counts(again)["work_orders"][1:4] == (0, 0, 0)


# --- an incremental scan re-reads missing rows by their converted (trimmed) key ---------------------
def test_an_incremental_table_with_a_padded_char_key_finds_a_row_that_came_back(company):
    # WO_WorkCenter.WorkCenter is CHAR(5), padded as MAS pads it ('SAW  '); give it a DateUpdated so
    # that the table may be pulled incrementally (as the real MAS table can be).
    company.execute("ALTER TABLE WO_WorkCenter ADD COLUMN DateUpdated DATE NOT NULL DEFAULT '2020-01-01'")
    AutoSyncTable.objects.filter(name="work_centers").update(mode="incremental")
    table = lambda: AutoSyncTable.objects.get(name="work_centers")  # noqa: E731
    pull_now(table=table())
    saw = company.query("SELECT WorkCenter, WorkCenterDesc FROM WO_WorkCenter WHERE WorkCenter = 'SAW  '")[0]
    company.execute("DELETE FROM WO_WorkCenter WHERE WorkCenter = 'SAW  '")
    pull_now(table=table())
    assert not WorkCenter.objects.get(code="SAW").active

    company.execute("INSERT INTO WO_WorkCenter VALUES (?, ?, '2020-01-01')", *saw)  # back, with its old date
    run = pull_now(table=table())

    assert WorkCenter.objects.get(code="SAW").active, counts(run)


def test_one_mas_column_filling_two_fields_and_a_text_longer_than_its_field(company):
    # pins a MAS column mapped twice (key and value) and truncation to max_length, both stable.
    AutoSyncTable.objects.filter(name="items").update(
        columns={
            "description": "ItemCode", "item_type": "ItemCodeDesc", "mas_inactive": "InactiveItem",
            "standard_unit_cost": "StandardUnitCost", "mas_date_updated": "DateUpdated",
        }
    )
    table = lambda: AutoSyncTable.objects.get(name="items")  # noqa: E731
    first = pull_now(table=table())
    AutoSyncTable.objects.filter(name="items").update(mode="full")
    again = pull_now(table=table())

    assert counts(first)["items"] == (300, 300, 0, 0, 0), first.error
    assert counts(again)["items"] == (300, 0, 0, 0, 300)
    item = Item.objects.order_by("code").first()
    assert item.description == item.code and len(item.item_type) == 1


def test_composite_key_rows_that_vanish_and_come_back_incrementally(company):
    # pins the key-only row function for a two-field key and the re-read by the first key column.
    table = lambda: AutoSyncTable.objects.get(name="item_warehouses")  # noqa: E731
    pull_now(table=table())
    item, whse, qty, date, time = company.query(
        "SELECT ItemCode, WarehouseCode, QuantityOnHand, DateUpdated, TimeUpdated FROM IM_ItemWarehouse LIMIT 1")[0]
    company.execute("DELETE FROM IM_ItemWarehouse WHERE ItemCode = ? AND WarehouseCode = ?", item, whse)
    run = pull_now(table=table())
    assert counts(run)["item_warehouses"][3] == 1
    company.execute(*insert_statement("IM_ItemWarehouse", {
        "ItemCode": item, "WarehouseCode": whse, "QuantityOnHand": qty + 1, "DateUpdated": "2020-01-01", "TimeUpdated": time,
    }))
    company.execute(*insert_statement("IM_ItemWarehouse", {
        "ItemCode": item, "WarehouseCode": "ZZZ", "QuantityOnHand": 1, "DateUpdated": "2020-01-01", "TimeUpdated": time,
    }))

    run = pull_now(table=table())

    assert counts(run)["item_warehouses"][:3] == (2, 1, 1)
    back = ItemWarehouse.objects.get(item_code=item, warehouse_code=whse.strip())
    assert back.active and back.quantity_on_hand == qty + 1


# --- a field the mapping leaves empty ("Empty: not pulled.") ------------------------------------------
def test_a_field_the_mapping_leaves_unpulled_gets_its_default_and_the_pull_goes_on(company):
    # The Auto-sync Table form allows any non-key column to be left empty ("Empty: not pulled.").
    AutoSyncTable.objects.filter(name="crews").update(columns={})  # Crew.description: not pulled
    AutoSyncTable.objects.filter(name="employees").update(
        columns={"first_name": "FirstName", "last_name": "LastName"}  # mas_inactive, hourly_rate, ... not pulled
    )

    run = pull_now()

    assert run.status == PullStatus.SUCCEEDED, run.error
    assert Crew.objects.count() == 5 and set(Crew.objects.values_list("description", flat=True)) == {""}
    assert Employee.objects.count() == 40 and not Employee.objects.filter(mas_inactive=True).exists()
