"""Demo MAS company "ABC": a small metal-fab and assembly plant, written as a SQLite file.

This is the MAS side of the demo (a stand-in for Sage MAS 90/200), so it writes with the
stdlib ``sqlite3``. The portal reads the file only through pyodbc and the SQLite3 ODBC driver,
the way it reads a real MAS through the ProvideX driver. Tables and columns are those of a real
Sage 100 company where they are known (``demo.layouts``); fixed-width ``CHAR(n)`` values are
padded with trailing spaces as the ProvideX driver pads them, a date left empty is NULL, and a
column a plant leaves empty holds a blank or a zero. The data is deterministic from the seed and
dated around ``AS_OF``.

``WO2_WorkOrderMaterialDetail`` has no key column, as in MAS: the lines of one work order form a
linked list. Each line's index is its SQLite ``rowid`` (its record number, never a column);
``WO1_WorkOrderMaster.LinkToFirstDetailRecord`` holds the first line's index, and each line the
``PreviousIndexNumber`` (0 for the first) and ``LinkToNextLine`` (0 for the last).
"""
from __future__ import annotations

import os
import random
import re
import sqlite3
from collections import defaultdict
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from demo import plant
from demo.layouts import PRIMARY_KEYS, TABLES

__all__ = [
    "AS_OF", "PRIMARY_KEYS", "SCHEMA_VERSION", "TABLES", "build_company", "change_company",
    "insert_material_line", "insert_statement", "is_current", "material_list", "odbc_connection_string",
    "remove_material_line",
]

SCHEMA_VERSION = 2  # 2: the real Sage 100 layouts; PR_Employee; WO2 as a linked list
AS_OF = date(2026, 11, 16)
INFO_TABLE = "WOScanDemoInfo"
MATERIAL = "WO2_WorkOrderMaterialDetail"

ITEM_COUNT = 300
WORK_ORDER_COUNT = 60
EMPLOYEE_COUNT = 40

Row = dict[str, Any]


# --- public API ----------------------------------------------------------------------------
def build_company(path: Path, *, seed: int = 2026) -> dict[str, int]:
    """Write a new company file at ``path`` (atomically) and return the row count per table."""
    path = Path(path)
    # The rows' main facts come from one generator, the details a plant also keeps from a second:
    # the main facts stay those of the first demo company, whatever details are added.
    data = _generate(random.Random(seed), random.Random(f"{seed}-details"))
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(tmp)) as con, con:
            for table in TABLES:
                con.execute(_ddl(table))
                rows = [_fit(table, row) for row in data.get(table, [])]
                marks = ", ".join("?" for _ in TABLES[table])
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # WO2: rowid = index, in order
            con.execute(f"CREATE TABLE {INFO_TABLE} (schema_version INTEGER, seed INTEGER, built_at TEXT)")
            built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            con.execute(f"INSERT INTO {INFO_TABLE} VALUES (?, ?, ?)", (SCHEMA_VERSION, seed, built_at))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {table: len(data.get(table, [])) for table in TABLES}


def is_current(path: Path) -> bool:
    """True if ``path`` holds a demo company built with this ``SCHEMA_VERSION``."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as con:
            row = con.execute(f"SELECT schema_version FROM {INFO_TABLE}").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == SCHEMA_VERSION


def odbc_connection_string(path: Path) -> str:
    """DSN-less connection string for the SQLite3 ODBC driver, read-only as MAS is for us.

    The driver has no read-only switch of its own, so the database is named by a SQLite URI
    with ``mode=ro``; ``NoCreat=1`` refuses to create a missing file. ``StepAPI=1``: the driver
    steps through a result as it is fetched; by default it reads the whole result into memory
    first (a 300,000-row select: 98 MB peak against 20 MB).
    """
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    if ";" in uri:
        raise ValueError(f"An ODBC database path cannot contain ';': {uri}")
    return f"Driver={{SQLite3}};Database={uri};NoCreat=1;StepAPI=1;"


def insert_statement(table: str, values: Row) -> tuple[str, ...]:
    """``(sql, *params)`` inserting one row: the columns ``values`` names, the others left as a plant
    leaves them (blank, zero, no date), ``CHAR(n)`` padded. For ``change_company``-style callers."""
    row = _fit(table, values)
    return (f"INSERT INTO {table} VALUES ({', '.join('?' for _ in row)})", *row)


# --- writing ---------------------------------------------------------------------------------
_WIDTH = re.compile(r"(VAR)?CHAR\((\d+)\)")


def _ddl(table: str) -> str:
    cols = ", ".join(f"{name} {sql_type}{'' if sql_type == 'DATE' else ' NOT NULL'}" for name, sql_type in TABLES[table])
    keys = PRIMARY_KEYS.get(table)  # none for WO2: a plain rowid table, as its lines have no key
    key = f", PRIMARY KEY ({', '.join(keys)})" if keys else ""
    return f"CREATE TABLE {table} ({cols}{key})"


def _blank(sql_type: str) -> Any:
    if sql_type == "DATE":
        return None
    if sql_type.startswith(("DECIMAL", "INTEGER")):
        return 0
    return ""


def _fit(table: str, row: Row) -> tuple[Any, ...]:
    """The row's values in column order (blank where it names none), CHAR(n) padded to n;
    refuses a value that is too long or a column the table does not have."""
    columns = TABLES[table]
    if unknown := set(row) - {name for name, _ in columns}:
        raise ValueError(f"{table} has no column {', '.join(sorted(unknown))}")
    values = []
    for name, sql_type in columns:
        value = row.get(name, _blank(sql_type))
        if isinstance(value, date):
            value = value.isoformat()
        if m := _WIDTH.fullmatch(sql_type):
            width = int(m[2])
            if len(value) > width:
                raise ValueError(f"{table}.{name} {value!r} is longer than {width}")
            if not m[1]:
                value = value.ljust(width)
        values.append(value)
    return tuple(values)


# --- the plant's rows ------------------------------------------------------------------------------
def _stamp(rng: random.Random, days_back: int) -> tuple[str, str]:
    """(DateUpdated, TimeUpdated) some time in the ``days_back`` days before ``AS_OF``."""
    day = AS_OF - timedelta(days=rng.randint(0, days_back))
    return day.isoformat(), f"{rng.uniform(6.0, 18.0):08.5f}"


def _created(rng: random.Random, updated: str, days_before: int) -> tuple[str, str]:
    day = date.fromisoformat(updated) - timedelta(days=rng.randint(0, days_before))
    return day.isoformat(), f"{rng.uniform(7.0, 17.0):08.5f}"


def _generate(rng: random.Random, d: random.Random) -> dict[str, list[Row]]:
    """All rows of the company, table by table; only ``rng`` (main facts) and ``d`` (details) decide."""
    items, kinds = _items(rng, d)
    employees = _employees(rng, d)
    data: dict[str, list[Row]] = {
        "IM_Warehouse": [{"WarehouseCode": c, "WarehouseDesc": d} for c, d in plant.WAREHOUSES],
        "WO_WorkCenter": [{"WorkCenter": c, "WorkCenterDesc": d} for c, d in plant.WORK_CENTERS],
        "WO_OperationCode": [
            {"WorkCenter": wc, "OperationCode": op, "OperationDesc": desc, "StandardRunType": run, "StdRate": rate}
            for wc, op, desc, run, rate, _ in plant.OPERATIONS
        ],
        "CI_Item": items,
        "PR_Employee": employees,
    }
    data["WO_LaborCrew"], data["WO_LaborCrewMember"] = _crews(rng, employees)
    data["WO1_WorkOrderMaster"], data["WO3_WorkOrderOperationDetail"], data[MATERIAL] = (
        _work_orders(rng, d, items, kinds)
    )
    data["IM_ItemWarehouse"] = _item_warehouses(rng, d, items, kinds, data[MATERIAL], data["WO1_WorkOrderMaster"])
    _item_totals(items, data["IM_ItemWarehouse"])
    return data


def _items(rng: random.Random, d: random.Random) -> tuple[list[Row], dict[str, str]]:
    rows: list[Row] = []
    kinds: dict[str, str] = {}
    vendors = defaultdict(list)
    for vendor, kind in plant.VENDORS:
        vendors[kind].append(vendor)

    def add(code: str, desc: str, kind: str, item_type: str, um: str, cost: float) -> None:
        date_updated, time_updated = _stamp(rng, 400)
        date_created, time_created = _created(d, date_updated, 2000)
        made = kind in ("fg", "sub")
        bought = kind in ("raw", "cons", "hw")
        line, (sales, cogs, inventory, purchases, manufacturing) = plant.PRODUCT_LINES[kind]
        cost = round(cost, 4)
        average = round(cost * d.uniform(0.96, 1.06), 4) if kind != "misc" else 0.0
        row = {
            "ItemCode": code, "ItemType": item_type, "ItemCodeDesc": desc,
            "UseInAR": "Y" if kind in ("fg", "misc") else "N", "UseInSO": "Y" if kind in ("fg", "misc") else "N",
            "UseInPO": "Y" if bought or kind == "misc" else "N", "UseInBM": "Y" if kind != "misc" else "N",
            "CalculateCommission": "N", "DropShip": "N", "EBMEnabled": "N", "PrintReceiptLabels": "N",
            "AllocateLandedCost": "N", "SalesUnitOfMeasure": um, "PurchaseUnitOfMeasure": um,
            "StandardUnitOfMeasure": um, "PostToGLByDivision": "N", "SalesAcctKey": sales,
            "CostOfGoodsSoldAcctKey": cogs, "InventoryAcctKey": inventory, "PurchaseAcctKey": purchases,
            "ManufacturingCostAcctKey": manufacturing, "TaxClass": "TX" if kind == "fg" else "NT",
            "PurchasesTaxClass": "TX" if bought else "NT", "ProductLine": line,
            "ProductType": {"fg": "F", "sub": "F", "misc": ""}.get(kind, "R"),
            "Valuation": "" if kind == "misc" else ("1" if made else "2"),  # 1 standard, 2 average cost
            "DefaultWarehouseCode": "" if kind == "misc" else "000", "PrimaryAPDivisionNo": "00" if bought else "",
            "PrimaryVendorNo": d.choice(vendors[kind]) if bought else "",
            "Category1": {"fg": "PRODUCT", "sub": "SUBASSY", "raw": "STEEL", "cons": "SHOP SUPPL", "hw": "HARDWARE"}.get(kind, ""),
            "ExplodeKitItems": "N", "ShipWeight": f"{d.uniform(0.1, 180):.1f}" if made else "",
            "RestockingMethod": "N" if kind != "misc" else "", "StandardUnitCost": cost,
            "StandardUnitPrice": round(cost * d.uniform(1.45, 1.9), 2) if kind == "fg" else 0.0,
            "PurchaseUMConvFctr": 1.0, "SalesUMConvFctr": 1.0,
            "ProcurementType": "M" if made else ("B" if bought else ""),
            "DateCreated": date_created, "TimeCreated": time_created, "UserCreatedKey": d.choice(plant.OFFICE_USERS),
            "DateUpdated": date_updated, "TimeUpdated": time_updated, "UserUpdatedKey": d.choice(plant.OFFICE_USERS),
            "AllowBackOrders": "Y", "AllowReturns": "Y", "AllowTradeDiscount": "Y",
            "ConfirmCostIncrInRcptOfGoods": "Y" if bought else "N",
            "LastSoldDate": (AS_OF - timedelta(days=d.randint(1, 240))) if kind == "fg" else None,
            "LastReceiptDate": (AS_OF - timedelta(days=d.randint(1, 120))) if bought else None,
            "InventoryCycle": d.choice("ABC") if kind != "misc" else "",
            "RoutingNo": code[:20] if made else "", "PlannerCode": "DJK" if made else "",
            "BuyerCode": "RMB" if bought else "", "LowLevelCode": {"fg": "0", "sub": "1"}.get(kind, "2"),
            "PlannedByMRP": "Y" if kind != "misc" else "N", "SetupCharge": "N",
            "LastTotalUnitCost": cost, "AverageUnitCost": average, "LastAllocatedUnitCost": average,
            "InactiveItem": "Y" if kind != "misc" and rng.random() < 0.06 else "N",
            "UDF_COUNTRY_ORIGIN": "USA" if made else "", "UDF_HTSCODE": "7326.90.8688" if kind == "fg" else "",
            "LastPhysicalCountDate": date(2025, 12, 31) if kind != "misc" else None,
            "TrackLotSerialExpirationDates": "N", "RequireExpirationDate": "N",
        }
        rows.append(row)
        kinds[code] = kind

    for code, desc, kind, item_type, um, lo, hi in plant.catalog():
        add(code, desc, kind, item_type, um, rng.uniform(lo, hi))
    while len(rows) < ITEM_COUNT:  # customer part numbers fill the rest
        customer = rng.choice(plant.CUSTOMERS)
        code = f"{customer}-{rng.randint(10000, 99999)}-{rng.choice(['01', '02', '03', 'A', 'B'])}"
        if code not in kinds:
            add(code, f"{rng.choice(plant.CUSTOMER_PARTS)} - {customer}", "fg", "1", "EACH", rng.uniform(12, 900))
    return rows, kinds


def _item_totals(items: list[Row], item_warehouses: list[Row]) -> None:
    """CI_Item's totals over its warehouses, as MAS keeps them."""
    on_hand: dict[str, float] = defaultdict(float)
    value: dict[str, float] = defaultdict(float)
    for row in item_warehouses:
        on_hand[row["ItemCode"]] += row["QuantityOnHand"]
        value[row["ItemCode"]] += row["TotalWarehouseValue"]
    for item in items:
        item["TotalQuantityOnHand"] = on_hand[item["ItemCode"]]
        item["TotalInventoryValue"] = round(value[item["ItemCode"]], 2)


def _employees(rng: random.Random, d: random.Random) -> list[Row]:
    """PR_Employee: production people in four payroll departments, most active, some on leave
    (EmployeeStatus I) or gone (T)."""
    rows: list[Row] = []
    names: set[tuple[str, str]] = set()
    number = rng.randint(10, 20)
    weights = [3, 3, 3, 6, 3, 5]  # SAW, LASER, BRAKE, WELD, PAINT, ASM: where each works
    departments = {center: dept for dept in plant.DEPARTMENTS for center in dept[2]}
    while len(rows) < EMPLOYEE_COUNT:
        first, last = rng.choice(plant.FIRST_NAMES), rng.choice(plant.LAST_NAMES)
        if (first, last) in names:
            continue
        names.add((first, last))
        away = rng.random()
        status = "T" if away < 0.075 else "I" if away < 0.15 else "A"
        rate = round(rng.uniform(16.5, 34.0) * 4) / 4
        dept, _dept_name, _centers, titles = departments[rng.choices([wc for wc, _ in plant.WORK_CENTERS], weights)[0]]
        employee_no = f"{number:07d}"
        number += rng.randint(1, 6)
        town, zip_code, area = d.choice(plant.TOWNS)
        hired = AS_OF - timedelta(days=d.randint(60, 7000))
        raised = max(hired, AS_OF - timedelta(days=d.randint(30, 500)))
        left = AS_OF - timedelta(days=d.randint(5, 200))
        updated, time_updated = _stamp(d, 90)
        if status != "A":
            updated = max(date.fromisoformat(updated), left).isoformat()
        phone = f"({area}) 555-{d.randint(100, 9999):04d}"
        rows.append({
            "EmployeeKey": dept + employee_no, "DepartmentNo": dept, "EmployeeNo": employee_no,
            "LastName": last, "FirstName": first, "MiddleName": d.choice("ABCDEJKLMRST") if d.random() < 0.6 else "",
            "AddressLine1": f"{d.randint(100, 9899)} {d.choice(plant.STREETS)}", "City": town, "State": "IA",
            "ZipCode": zip_code, "CountryCode": "USA", "TelephoneNo1": phone, "TelephoneType1": "C",
            "PrimaryTelephone1": "Y", "PrimaryTelephone2": "N",
            "BirthDate": date(d.randint(1962, 2004), d.randint(1, 12), d.randint(1, 28)),
            "DirectDeposit": d.choice("YYYN"), "JobTitle": d.choice(titles), "FullTimePartTime": d.choice("FFFFFFP"),
            "SeasonalEmployee": "N", "StatutoryEmployee": "N", "EmployeeStatus": status, "HireDate": hired,
            "ReviewDate": AS_OF + timedelta(days=d.randint(10, 300)) if status == "A" else None,
            "InactiveDate": left if status == "I" else None,
            "InactiveComment": "LEAVE OF ABSENCE" if status == "I" else "",
            "TerminationDate": left if status == "T" else None,
            "TerminationComment": d.choice(["VOLUNTARY", "RELOCATED", "RETIRED"]) if status == "T" else "",
            "MaritalStatus": d.choice("SM"), "Gender": "F" if first in plant.FEMALE_NAMES else "M", "Veteran": d.choice("NNNNY"),
            "SortField": last.upper()[:10], "Location": "PLANT 1",
            "EmergencyContact1": f"{d.choice(plant.FIRST_NAMES).upper()} {last.upper()}",
            "EmergencyTelephoneNo1": f"({area}) 555-{d.randint(100, 9999):04d}", "EmergencyTelephoneType1": "C",
            "EmergencyRelationship1": d.choice(["SPOUSE", "PARENT", "SIBLING"]),
            "MedicalCoverage": d.choice("YYN"), "MedicalEffectiveDate": hired + timedelta(days=90),
            "TimeOffCode": "PTO", "TimeOffEligibilityDate": hired + timedelta(days=90), "TimeOffLastResetDate": date(2026, 1, 1),
            "DefaultTaxProfileCode": "IA", "WorkTaxStateCode": "IA", "ResidenceTaxStateCode": "IA",
            "SetupComplete": "Y", "EmployeeCheckName": f"{first} {last}", "PayCycle": "W", "PayMethod": "H",
            "ExemptFromOvertime": "N", "MultipleAutomaticEarnings": "N", "SummarizePayDtlOnStub": "N",
            "EmployeePayRate1DateChanged": raised, "EmployeePayRate1ChangeComment": "ANNUAL REVIEW" if raised > hired else "HIRE",
            "TimeOff1CarryoverHours": float(d.choice([0, 8, 16, 24])), "TimeOff1AccruedHours": round(d.uniform(10, 70), 2),
            "TimeOff1UsedHours": float(d.choice([0, 8, 16, 24, 32, 40])), "TimeOff1AnnualLimitHours": 80.0,
            "EmployeePayRate1": rate, "EmployeePayRate2": round(rate * 1.5, 3),
            "DateCreated": hired, "TimeCreated": f"{d.uniform(7.0, 17.0):08.5f}", "UserCreatedKey": plant.OFFICE_USERS[0],
            "DateUpdated": updated, "TimeUpdated": time_updated, "UserUpdatedKey": plant.OFFICE_USERS[0],
            "RetirementPlan": d.choice("YN"), "TimeTrackBadgeNo": employee_no[-5:], "SelfServiceEnabled": "N",
        })
    return rows


def _crews(rng: random.Random, employees: list[Row]) -> tuple[list[Row], list[Row]]:
    centers = {dept: work_centers for dept, _, work_centers, _ in plant.DEPARTMENTS}
    crews: list[Row] = []
    members: list[Row] = []
    for crew_no, desc, work_center in plant.CREWS:
        crews.append({"CrewNo": crew_no, "CrewDesc": desc})
        pool = [e["EmployeeNo"] for e in employees if work_center == "" or work_center in centers[e["DepartmentNo"]]]
        others = [e["EmployeeNo"] for e in employees if e["EmployeeNo"] not in pool]
        size = rng.randint(3, 6)
        chosen = rng.sample(pool, min(size, len(pool)))
        chosen += rng.sample(others, size - len(chosen))
        members += [{"CrewNo": crew_no, "EmployeeNo": e} for e in sorted(chosen)]
    return crews, members


_OPS = {(wc, op): (desc, run, rate, hours) for wc, op, desc, run, rate, hours in plant.OPERATIONS}


def _work_orders(
    rng: random.Random, d: random.Random, items: list[Row], kinds: dict[str, str]
) -> tuple[list[Row], list[Row], list[Row]]:
    active = [i for i in items if i["InactiveItem"] == "N"]
    products = [i for i in active if kinds[i["ItemCode"]] in ("fg", "sub")]
    raw = [i for i in active if kinds[i["ItemCode"]] == "raw"]
    hardware = [i for i in active if kinds[i["ItemCode"]] == "hw" and not i["ItemCode"].startswith("PKG-")]
    powder = [i for i in active if i["ItemCode"].startswith("PWD-")]
    cartons = [i for i in active if i["ItemCode"].startswith("PKG-")]
    orders: list[Row] = []
    steps: list[Row] = []
    materials: list[Row] = []
    number = 1000 + rng.randint(1, 40)
    for _ in range(WORK_ORDER_COUNT):
        work_order = f"{number:07d}"
        number += rng.choice([1, 1, 1, 2, 3])
        product = rng.choice(products)
        qty = rng.choice([1, 2, 4, 5, 6, 10, 12, 20, 24, 25, 40, 50, 100])
        closed = rng.random() < 0.25
        wo_date = AS_OF - timedelta(days=rng.randint(60, 200) if closed else rng.randint(0, 60))
        whse = rng.choices(["000", "EST"], [4, 1])[0]
        route = plant.routing(rng)
        done = len(route) if closed else rng.randint(0, len(route) - 1)  # steps complete
        scrapped = rng.choice([0, 0, 0, 0, 1]) if closed and qty > 2 else 0

        step_numbers = [f"{10 * (n + 1):04d}" for n in range(len(route))]
        last_qty = 0.0
        costs = defaultdict(float)
        for n, (wc, op) in enumerate(route):
            desc, run_type, rate, per_unit = _OPS[wc, op]
            if op == "SETUP":
                std = extended = round(rng.uniform(0.5, 2.0), 2)
            else:
                std = round(per_unit * rng.uniform(0.8, 1.2), 4)
                extended = round(std * qty, 2)
            if n < done:
                step_qty, actual = float(qty - scrapped), round(extended * rng.uniform(0.8, 1.3), 2)
            elif n == done:
                share = rng.choice([0.0, 0.0, 0.25, 0.5, 0.75])
                step_qty, actual = float(int(qty * share)), round(extended * share * rng.uniform(0.8, 1.3), 2)
            else:
                step_qty, actual = 0.0, 0.0
            last_qty = step_qty
            if run_type == "O":  # outside processing: the rate is per piece
                costs["StdOutsideProcessCost"] += rate * qty
                costs["ActualOutsideProcessCost"] += rate * step_qty
                labor_cost = 0.0
            else:
                costs["StdLaborCost"] += extended * rate
                labor_cost = round(actual * rate, 2)
                costs["ActualLaborCost"] += labor_cost
            steps.append({
                "WorkOrder": work_order, "StepNumber": step_numbers[n], "WorkCenter": wc,
                "OperationCode": op, "StepDescription": desc, "StepComplete": "Y" if n < done else "N",
                "QtyCompleted": step_qty, "StdRunTime": std, "ExtdStdTime": extended, "ActualRunTime": actual,
                "ActualLaborCost": labor_cost,
            })

        held = not closed and rng.random() < 0.2
        due = wo_date + timedelta(days=rng.randint(14, 45))

        # material: stock at the first step, hardware at assembly, powder at coating, a carton to pack
        assembly = next((n for n, (_, op) in enumerate(route) if op in ("HDWR", "ASSY")), len(route) - 1)
        lines: list[tuple[Row, int, float]] = []
        for stock in rng.sample(raw, rng.randint(1, 2)):  # bar stock by the foot, sheet and plate by the piece
            per_unit = rng.uniform(1.0, 12.0) if stock["StandardUnitOfMeasure"] == "FT" else rng.uniform(0.05, 0.6)
            lines.append((stock, 0, per_unit))
        lines += [(hw, assembly, rng.choice([2, 4, 6, 8, 12])) for hw in rng.sample(hardware, rng.randint(0, 3))]
        if ("PAINT", "PCOAT") in route:
            lines.append((rng.choice(powder), route.index(("PAINT", "PCOAT")), rng.uniform(0.5, 3.0)))
        if rng.random() < 0.4:
            lines.append((rng.choice(cartons), len(route) - 1, 1))
        first_index = len(materials) + 1
        for position, (item, at, per_unit) in enumerate(lines):
            index = len(materials) + 1  # the line's record number: its rowid in the demo file
            required = round(per_unit * qty, 4)
            if at < done:
                issued = required
            elif at == done:
                issued = round(required * rng.choice([0, 0.5, 1]), 4)
            else:
                issued = 0.0
            unit_cost = round(item["StandardUnitCost"], 4)
            costs["StdMaterialCost"] += required * unit_cost
            costs["ActualMaterialCost"] += issued * unit_cost
            materials.append({
                "WorkOrder": work_order,
                "PreviousIndexNumber": index - 1 if position else 0,
                "LinkToNextLine": index + 1 if position < len(lines) - 1 else 0,
                "Revision": "000", "StepNumber": step_numbers[at], "UM": item["StandardUnitOfMeasure"],
                "ItemDescription": item["ItemCodeDesc"], "Whse": whse, "ComponentItemNumber": item["ItemCode"],
                "QtyParent": round(per_unit, 4), "UMconversion": 1.0, "UnitCost": unit_cost,
                "ExtdQtyRequired": required, "QtyIssued": issued,
                "QtyCommitted": 0.0 if closed else round(required - issued, 4),
                "DirectCosts": round(issued * unit_cost, 4),
            })

        for_order = d.random() < 0.55
        started = done > 0 or any(s["QtyCompleted"] for s in steps[-len(route):])
        orders.append({
            "WorkOrder": work_order, "ItemBillDescription": product["ItemCodeDesc"], "ItemUM": product["StandardUnitOfMeasure"],
            "BillRevision": "000", "EffectiveDate": wo_date, "RoutingNumber": product["RoutingNo"],
            "IssueMethod": "M", "PrntPickList": "Y", "PlannerCode": "DJK", "PrntLabels": "N",
            "ExplodeSubassemblies": "N", "CostCmplMthd": "S", "AutoIssueMatlTran": "N", "AutoGenLabTran": "N",
            "AutoGenOutsProcTran": "Y", "DateClosed": due - timedelta(days=d.randint(0, 10)) if closed else None,
            "MakeFor": "S" if for_order else "I",  # S a sales order, I inventory
            "MakeForOrderNumber": f"{d.randint(20000, 29999):07d}" if for_order else "",
            "SOLineIndex": f"{d.randint(1, 8):06d}" if for_order else "",
            "ParentWhse": whse, "DefaultComponentWhse": whse, "Status": "C" if closed else "O",
            "WODate": wo_date, "WODueDate": due, "SchedRelDate": wo_date,
            "ActualProdStartDate": wo_date + timedelta(days=d.randint(0, 5)) if started else None,
            "LastActivityDate": min(AS_OF, wo_date + timedelta(days=d.randint(1, 30))) if started else None,
            "OnHold": "Y" if held else "N", "StatusComment": d.choice(plant.STATUS_COMMENTS) if held else "",
            "TravelerPrinted": "Y", "LastStepComplete": step_numbers[done - 1] if done else "",
            "CustomerDivision": "00" if for_order else "",
            "SOCustNumber": d.choice(plant.CUSTOMERS) + "MFG" if for_order else "",
            "ItemBillNumber": product["ItemCode"], "LinkToFirstDetailRecord": first_index,
            "UMConversion": 1.0, "QtyOrdered": float(qty), "YieldPercentage": 100.0, "QtyPlanned": float(qty),
            "QtyComplete": last_qty, "QtyScrapped": float(scrapped), "CalcLeadTime": float((due - wo_date).days),
            **{name: round(value, 4) for name, value in costs.items()},
        })
    return orders, steps, materials


def _item_warehouses(
    rng: random.Random, d: random.Random, items: list[Row], kinds: dict[str, str], materials: list[Row], orders: list[Row]
) -> list[Row]:
    """Every stock item in the main warehouse, some in the others, and every component's issue warehouse."""
    wanted: dict[tuple[str, str], None] = {}
    for item in items:
        code = item["ItemCode"]
        if kinds[code] == "misc":
            continue
        wanted[code, "000"] = None
        for whse, chance in (("EST", 0.35), ("WST", 0.15)):
            if rng.random() < chance:
                wanted[code, whse] = None
    required: dict[tuple[str, str], float] = defaultdict(float)
    for line in materials:
        wanted[line["ComponentItemNumber"], line["Whse"]] = None
        required[line["ComponentItemNumber"], line["Whse"]] += line["QtyCommitted"]
    on_order: dict[tuple[str, str], float] = defaultdict(float)
    for order in orders:
        if order["Status"] == "O":
            left = order["QtyOrdered"] - order["QtyComplete"] - order["QtyScrapped"]
            on_order[order["ItemBillNumber"], order["ParentWhse"]] += left
    costs = {item["ItemCode"]: item["AverageUnitCost"] for item in items}
    on_hand = {"fg": (0, 40), "sub": (0, 60), "raw": (0, 400), "cons": (0, 250), "hw": (0, 5000)}
    rows: list[Row] = []
    for code, whse in sorted(wanted):
        kind = kinds[code]
        lo, hi = on_hand[kind]
        quantity = float(rng.randint(lo, hi))
        bought = kind in ("raw", "cons", "hw")
        reorder = float(round(hi * d.uniform(0.1, 0.25))) if bought else 0.0
        date_updated, time_updated = _stamp(rng, 120)
        date_created, time_created = _created(d, date_updated, 1500)
        rows.append({
            "ItemCode": code, "WarehouseCode": whse,
            "BinLocation": f"{d.choice('ABCDEF')}-{d.randint(1, 24):02d}-{d.randint(1, 5)}" if whse == "000" else "",
            "ReorderMethod": "R" if bought else "", "QuantityOnHand": quantity,
            "QuantityOnPurchaseOrder": float(round(reorder * 2)) if bought and quantity < reorder else 0.0,
            "QuantityOnSalesOrder": float(d.randint(0, 10)) if kind == "fg" and d.random() < 0.3 else 0.0,
            "AverageCost": costs[code], "QuantityRequiredForWO": round(required[code, whse], 4),
            "EconomicOrderQty": float(round(reorder * 2)) if bought else 0.0, "ReorderPointQty": reorder,
            "MinimumOrderQty": float(round(reorder / 2)) if bought else 0.0,
            "MaximumOnHandQty": float(hi) if bought else 0.0,
            "QuantityOnWorkOrder": on_order[code, whse], "TotalWarehouseValue": round(quantity * costs[code], 2),
            "DateCreated": date_created, "TimeCreated": time_created, "UserCreatedKey": plant.OFFICE_USERS[1],
            "DateUpdated": date_updated, "TimeUpdated": time_updated, "UserUpdatedKey": plant.OFFICE_USERS[1],
            "LastPhysicalCountDate": date(2025, 12, 31),
        })
    return rows


# --- playing MAS in tests and benchmarks ------------------------------------------------------
def change_company(path: Path, sql: str, *params: Any) -> int:
    """Change the company as MAS would (one statement, committed); returns the rows it touched."""
    with closing(sqlite3.connect(path)) as con, con:
        return con.execute(sql, params).rowcount


def material_list(con: sqlite3.Connection, work_order: str) -> list[int]:
    """The indexes (rowids) of an order's material lines in list order, following the links."""
    first = con.execute(
        "SELECT LinkToFirstDetailRecord FROM WO1_WorkOrderMaster WHERE WorkOrder = ?", (work_order.ljust(7),)
    ).fetchone()
    indexes, index = [], int(first[0]) if first else 0
    while index:
        indexes.append(index)
        (index,) = con.execute(f"SELECT LinkToNextLine FROM {MATERIAL} WHERE rowid = ?", (index,)).fetchone()
        index = int(index)
    return indexes


def insert_material_line(path: Path, work_order: str, position: int, values: Row) -> int:
    """Insert a material line at ``position`` (0 = first) of an order's list, as MAS does: a new
    record at the end of the file, linked in between its neighbours. Returns its index."""
    with closing(sqlite3.connect(path)) as con, con:
        indexes = material_list(con, work_order)
        previous = indexes[position - 1] if position else 0
        following = indexes[position] if position < len(indexes) else 0
        row = {"WorkOrder": work_order, **values, "PreviousIndexNumber": previous, "LinkToNextLine": following}
        sql, *params = insert_statement(MATERIAL, row)
        index = con.execute(sql, params).lastrowid
        _link(con, work_order, previous, index, following)
        return index


def remove_material_line(path: Path, work_order: str, position: int) -> None:
    """Delete the line at ``position`` of an order's list and link its neighbours, as MAS does."""
    with closing(sqlite3.connect(path)) as con, con:
        indexes = material_list(con, work_order)
        gone = indexes[position]
        previous = indexes[position - 1] if position else 0
        following = indexes[position + 1] if position + 1 < len(indexes) else 0
        con.execute(f"DELETE FROM {MATERIAL} WHERE rowid = ?", (gone,))
        _link(con, work_order, previous, following, following)
        if following:
            con.execute(f"UPDATE {MATERIAL} SET PreviousIndexNumber = ? WHERE rowid = ?", (previous, following))


def _link(con: sqlite3.Connection, work_order: str, previous: int, index: int, following: int) -> None:
    """Point ``previous`` (or the order, when it is 0) at ``index``, and ``following`` back at it."""
    if previous:
        con.execute(f"UPDATE {MATERIAL} SET LinkToNextLine = ? WHERE rowid = ?", (index, previous))
    else:
        con.execute(
            "UPDATE WO1_WorkOrderMaster SET LinkToFirstDetailRecord = ? WHERE WorkOrder = ?", (index, work_order.ljust(7))
        )
    if following and following != index:
        con.execute(f"UPDATE {MATERIAL} SET PreviousIndexNumber = ? WHERE rowid = ?", (index, following))
