"""Demo MAS company "ABC": a small metal-fab and assembly plant, written as a SQLite file.

This is the MAS side of the demo (a stand-in for Sage MAS 90/200), so it writes with the
stdlib ``sqlite3``. The portal reads the file only through pyodbc and the SQLite3 ODBC driver,
the way it reads a real MAS through the ProvideX driver. Table and column names are MAS's;
fixed-width ``CHAR(n)`` values are padded with trailing spaces as MAS pads them. The data is
deterministic from the seed and dated around ``AS_OF``.
"""
from __future__ import annotations

import os
import random
import re
import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
COMPANY_CODE = "ABC"
AS_OF = date(2026, 11, 16)
INFO_TABLE = "WOScanDemoInfo"

_QTY = "NUMERIC(16,4)"
_MONEY = "NUMERIC(14,4)"
_HOURS = "NUMERIC(12,4)"

TABLES: dict[str, list[tuple[str, str]]] = {
    "WO1_WorkOrderMaster": [
        ("WorkOrder", "CHAR(7)"),
        ("Status", "CHAR(1)"),  # O open, C closed
        ("OnHold", "CHAR(1)"),
        ("ItemBillNumber", "VARCHAR(30)"),
        ("ItemBillDescription", "VARCHAR(30)"),
        ("QtyOrdered", _QTY),
        ("QtyComplete", _QTY),
        ("QtyScrapped", _QTY),
        ("ParentWhse", "CHAR(3)"),
        ("WODate", "DATE"),
        ("WODueDate", "DATE"),
        ("LastStepComplete", "CHAR(4)"),
    ],
    "WO3_WorkOrderOperationDetail": [
        ("WorkOrder", "CHAR(7)"),
        ("StepNumber", "CHAR(4)"),
        ("WorkCenter", "CHAR(5)"),
        ("OperationCode", "CHAR(5)"),
        ("StepDescription", "VARCHAR(30)"),
        ("StepComplete", "CHAR(1)"),
        ("StdRunTime", _HOURS),
        ("ActualRunTime", _HOURS),
        ("QtyCompleted", _QTY),
    ],
    "WO2_WorkOrderMaterialDetail": [
        ("WorkOrder", "CHAR(7)"),
        ("LineKey", "CHAR(6)"),
        ("StepNumber", "CHAR(4)"),
        ("ComponentItemNumber", "VARCHAR(30)"),
        ("Whse", "CHAR(3)"),
        ("ExtdQtyRequired", _QTY),
        ("QtyIssued", _QTY),
        ("UM", "VARCHAR(4)"),
    ],
    "CI_Item": [
        ("ItemCode", "VARCHAR(30)"),
        ("ItemCodeDesc", "VARCHAR(30)"),
        ("ItemType", "CHAR(1)"),  # 1 regular, 3 charge, 5 misc
        ("ProductType", "CHAR(1)"),  # F finished, R raw; blank for charge/misc items
        ("StandardUnitOfMeasure", "VARCHAR(4)"),
        ("InactiveItem", "CHAR(1)"),
        ("StandardUnitCost", _MONEY),
        ("DateUpdated", "DATE"),
        ("TimeUpdated", "CHAR(8)"),  # decimal hours, 'HH.hhhhh'
    ],
    "IM_ItemWarehouse": [
        ("ItemCode", "VARCHAR(30)"),
        ("WarehouseCode", "CHAR(3)"),
        ("QuantityOnHand", _QTY),
        ("DateUpdated", "DATE"),
        ("TimeUpdated", "CHAR(8)"),
    ],
    "IM_Warehouse": [
        ("WarehouseCode", "CHAR(3)"),
        ("WarehouseDesc", "VARCHAR(30)"),
    ],
    "WO_WorkCenter": [
        ("WorkCenter", "CHAR(5)"),
        ("WorkCenterDesc", "VARCHAR(30)"),
    ],
    "WO_OperationCode": [
        ("WorkCenter", "CHAR(5)"),
        ("OperationCode", "CHAR(5)"),
        ("OperationDesc", "VARCHAR(30)"),
        ("StandardRunType", "CHAR(1)"),  # L, O or H
        ("StdRate", _MONEY),
    ],
    "WO_ProductionEmployee": [
        ("EmployeeNo", "CHAR(7)"),
        ("FirstName", "VARCHAR(15)"),
        ("LastName", "VARCHAR(20)"),
        ("Inactive", "CHAR(1)"),
        ("HourlyRate", _MONEY),
        ("DefaultWorkCenter", "CHAR(5)"),
    ],
    "WO_LaborCrew": [
        ("CrewNo", "CHAR(4)"),
        ("CrewDesc", "VARCHAR(30)"),
    ],
    "WO_LaborCrewMember": [
        ("CrewNo", "CHAR(4)"),
        ("EmployeeNo", "CHAR(7)"),
    ],
    # Written by WOScan Sync / the importer simulator; empty in a new company.
    "WO_TransactionEntryHeader": [
        ("BatchNo", "CHAR(6)"),
        ("TransactionNo", "CHAR(6)"),
        ("TransType", "VARCHAR(20)"),
        ("WorkOrder", "CHAR(7)"),
        ("EntryDate", "DATE"),
        ("TotalHours", _HOURS),
        ("TotalQuantity", _QTY),
    ],
    "WO_TransactionEntryDetail": [
        ("BatchNo", "CHAR(6)"),
        ("TransactionNo", "CHAR(6)"),
        ("LineNo", "INTEGER"),
        ("TransType", "VARCHAR(20)"),
        ("WorkOrder", "CHAR(7)"),
        ("StepNo", "CHAR(4)"),
        ("EmployeeNo", "CHAR(7)"),
        ("ItemCode", "VARCHAR(30)"),
        ("Hours", _HOURS),
        ("Quantity", _QTY),
    ],
    "WO_TransactionHistory": [
        ("BatchNo", "CHAR(6)"),
        ("TransactionNo", "CHAR(6)"),
        ("TransType", "VARCHAR(20)"),
        ("WorkOrder", "CHAR(7)"),
        ("PostingDate", "DATE"),
        ("Hours", _HOURS),
        ("Quantity", _QTY),
    ],
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "WO1_WorkOrderMaster": ("WorkOrder",),
    "WO3_WorkOrderOperationDetail": ("WorkOrder", "StepNumber"),
    "WO2_WorkOrderMaterialDetail": ("WorkOrder", "LineKey"),
    "CI_Item": ("ItemCode",),
    "IM_ItemWarehouse": ("ItemCode", "WarehouseCode"),
    "IM_Warehouse": ("WarehouseCode",),
    "WO_WorkCenter": ("WorkCenter",),
    "WO_OperationCode": ("WorkCenter", "OperationCode"),
    "WO_ProductionEmployee": ("EmployeeNo",),
    "WO_LaborCrew": ("CrewNo",),
    "WO_LaborCrewMember": ("CrewNo", "EmployeeNo"),
    "WO_TransactionEntryHeader": ("BatchNo", "TransactionNo"),
    "WO_TransactionEntryDetail": ("BatchNo", "TransactionNo", "LineNo"),
    "WO_TransactionHistory": ("BatchNo", "TransactionNo"),
}

Row = dict[str, Any]


# --- public API ----------------------------------------------------------------------------
def build_company(path: Path, *, seed: int = 2026) -> dict[str, int]:
    """Write a new company file at ``path`` (atomically) and return the row count per table."""
    path = Path(path)
    data = _generate(random.Random(seed))
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(tmp)) as con, con:
            for table in TABLES:
                con.execute(_ddl(table))
                rows = [_fit(table, row) for row in data.get(table, [])]
                marks = ", ".join("?" for _ in TABLES[table])
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
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
    with ``mode=ro``; ``NoCreat=1`` refuses to create a missing file.
    """
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    if ";" in uri:
        raise ValueError(f"An ODBC database path cannot contain ';': {uri}")
    return f"Driver={{SQLite3}};Database={uri};NoCreat=1;"


# --- writing ---------------------------------------------------------------------------------
_WIDTH = re.compile(r"(VAR)?CHAR\((\d+)\)")


def _ddl(table: str) -> str:
    cols = ", ".join(f"{name} {sql_type} NOT NULL" for name, sql_type in TABLES[table])
    return f"CREATE TABLE {table} ({cols}, PRIMARY KEY ({', '.join(PRIMARY_KEYS[table])}))"


def _fit(table: str, row: Row) -> tuple[Any, ...]:
    """The row's values in column order, CHAR(n) padded to n; refuses a value that is too long."""
    values = []
    for name, sql_type in TABLES[table]:
        value = row[name]
        if m := _WIDTH.fullmatch(sql_type):
            width = int(m[2])
            if len(value) > width:
                raise ValueError(f"{table}.{name} {value!r} is longer than {width}")
            if not m[1]:
                value = value.ljust(width)
        values.append(value)
    return tuple(values)


# --- the plant -------------------------------------------------------------------------------
WAREHOUSES = [("000", "MAIN WAREHOUSE"), ("EST", "EAST PLANT"), ("WST", "WEST YARD STORAGE")]

WORK_CENTERS = [
    ("SAW", "SAW & CUT-OFF"),
    ("LASER", "LASER / TURRET PUNCH"),
    ("BRAKE", "PRESS BRAKE FORMING"),
    ("WELD", "WELDING & FABRICATION"),
    ("PAINT", "FINISHING / POWDER COAT"),
    ("ASM", "ASSEMBLY & PACK"),
]

# (work center, operation code, description, standard run type, rate, std hours per unit)
OPERATIONS = [
    ("SAW", "SETUP", "SAW SETUP", "H", 38.0, 0.0),
    ("SAW", "CUT", "SAW CUT TO LENGTH", "L", 38.0, 0.08),
    ("SAW", "DBUR", "DEBURR / BREAK EDGES", "L", 32.0, 0.05),
    ("LASER", "SETUP", "LASER SETUP / NEST", "H", 95.0, 0.0),
    ("LASER", "LCUT", "LASER CUT BLANKS", "L", 95.0, 0.06),
    ("LASER", "PUNCH", "TURRET PUNCH", "L", 72.0, 0.05),
    ("BRAKE", "SETUP", "BRAKE SETUP", "H", 58.0, 0.0),
    ("BRAKE", "FORM", "BRAKE FORM", "L", 58.0, 0.10),
    ("WELD", "FIXT", "FIXTURE & TACK", "L", 60.0, 0.15),
    ("WELD", "MIG", "MIG WELD", "L", 64.0, 0.35),
    ("WELD", "TIG", "TIG WELD", "L", 72.0, 0.45),
    ("WELD", "GRIND", "GRIND & BLEND WELDS", "L", 48.0, 0.12),
    ("PAINT", "PREP", "WASH / PRETREAT", "L", 42.0, 0.05),
    ("PAINT", "MASK", "MASK FOR COATING", "L", 36.0, 0.08),
    ("PAINT", "PCOAT", "POWDER COAT & CURE", "L", 55.0, 0.12),
    ("PAINT", "PLATE", "ZINC PLATE - OUTSIDE", "O", 1.85, 0.0),
    ("ASM", "ASSY", "MECHANICAL ASSEMBLY", "L", 45.0, 0.30),
    ("ASM", "HDWR", "INSTALL HARDWARE", "L", 42.0, 0.10),
    ("ASM", "INSP", "FINAL INSPECTION", "L", 50.0, 0.05),
    ("ASM", "PACK", "PACK & LABEL", "L", 35.0, 0.06),
]

FIRST_NAMES = [
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "Jose",
    "Elizabeth", "Daniel", "Susan", "Thomas", "Karen", "Carlos", "Nancy", "Mark", "Lisa",
    "Steven", "Angela", "Paul", "Rosa", "Kevin", "Brenda", "Brian", "Tanya", "Luis", "Denise",
    "Gary", "Ana", "Ryan", "Heather", "Juan", "Tammy", "Eric", "Kim", "Tyler", "Dustin",
    "Miguel", "Vanessa",
]
LAST_NAMES = [
    "Anderson", "Baker", "Castillo", "Dawson", "Evans", "Fischer", "Garcia", "Hansen", "Ibarra",
    "Jensen", "Kowalski", "Larson", "Martinez", "Nguyen", "Olson", "Petersen", "Quintero",
    "Ramirez", "Schmidt", "Thompson", "Underwood", "Vasquez", "Walker", "Yoder", "Zimmerman",
    "Brooks", "Carlson", "Dominguez", "Erickson", "Flores", "Gustafson", "Hernandez", "Kline",
    "Lindqvist", "Moreno", "Novak", "Ortiz", "Pham", "Reyes", "Sorensen",
]

CREWS = [
    ("0001", "WELD CELL A", "WELD"),
    ("0002", "WELD CELL B", "WELD"),
    ("0003", "PAINT LINE", "PAINT"),
    ("0004", "ASSEMBLY - DAY SHIFT", "ASM"),
    ("0005", "FAB - SECOND SHIFT", ""),
]

CUSTOMERS = ["ACM", "BRD", "KLT", "NRT", "PMX"]
CUSTOMER_PARTS = [
    "FRAME WELDMENT", "MOUNTING PLATE", "SIDE PANEL LH", "SIDE PANEL RH", "ACCESS COVER",
    "BASE WELDMENT", "GUSSET", "SUPPORT ARM", "CHUTE LINER", "DUCT TRANSITION",
    "BUMPER BRACKET", "TANK SADDLE", "MOTOR PLATE", "HINGE BRACKET", "SKID WELDMENT",
]
ITEM_COUNT = 300
WORK_ORDER_COUNT = 60
EMPLOYEE_COUNT = 40


def _catalog() -> list[tuple[str, str, str, str, str, float, float]]:
    """(code, description, kind, item type, unit, cost low, cost high) of the standard items."""
    items: list[tuple[str, str, str, str, str, float, float]] = []

    def add(code: str, desc: str, kind: str, um: str, lo: float, hi: float, item_type: str = "1") -> None:
        items.append((code, desc, kind, item_type, um, lo, hi))

    # finished goods and their sub-assemblies
    enclosures = [(12, 10, 6), (16, 12, 8), (20, 16, 8), (24, 20, 10), (30, 24, 12), (36, 30, 12)]
    for rating in ("4", "12"):
        for h, w, d in enclosures:
            add(f"ENC-N{rating}-{h:02}{w:02}{d:02}", f"ENCLOSURE NEMA {rating} {h}X{w}X{d}", "fg", "EACH", 85, 420)
    for h, w, d in enclosures:
        add(f"ASY-DOOR-{h:02}{w:02}{d:02}", f"DOOR ASSY NEMA 4 {h}X{w}", "sub", "EACH", 30, 140)
        add(f"BKP-{h:02}{w:02}", f"BACKPLATE GALV {h}X{w}", "sub", "EACH", 8, 45)
    for shelves, w, l in [(2, 24, 36), (2, 30, 48), (3, 24, 36), (3, 30, 48), (3, 36, 60)]:
        add(f"CRT-{shelves}S-{w}{l}", f"CART UTILITY {shelves}-SHELF {w}X{l}", "fg", "EACH", 140, 390)
    for w, l in [(24, 36), (30, 48), (36, 60)]:
        add(f"ASY-SHELF-{w}{l}", f"SHELF WELDMENT {w}X{l}", "sub", "EACH", 35, 95)
    for w, l in [(30, 60), (30, 72), (36, 72), (36, 96)]:
        add(f"BNC-{w}{l}", f"WORKBENCH STEEL TOP {w}X{l}", "fg", "EACH", 260, 640)
        add(f"ASY-BFRM-{w}{l}", f"BENCH FRAME WELDMENT {w}X{l}", "sub", "EACH", 120, 300)
    for size in (12, 18, 24, 36):
        add(f"GRD-BELT-{size}", f"GUARD BELT DRIVE {size}IN", "fg", "EACH", 45, 160)
    for code, desc in [
        ("BRK-L-04", "BRACKET L 4IN 1/4 PLATE"), ("BRK-L-06", "BRACKET L 6IN 1/4 PLATE"),
        ("BRK-L-08", "BRACKET L 8IN 3/8 PLATE"), ("BRK-WALL-12", "BRACKET WALL MOUNT 12IN"),
        ("BRK-MTR-56C", "MOTOR MOUNT BASE 56C"), ("BRK-MTR-143T", "MOTOR MOUNT BASE 143T"),
        ("BRK-MTR-184T", "MOTOR MOUNT BASE 184T"),
    ]:
        add(code, desc, "fg", "EACH", 6, 75)
    for ft in (4, 6, 8):
        add(f"RAL-HR-{ft:02}", f"HANDRAIL SECTION {ft}FT", "fg", "EACH", 90, 210)
    for steps in (3, 4, 5, 6):
        add(f"STR-STRG-{steps}", f"STAIR STRINGER {steps}-STEP", "fg", "EACH", 70, 180)
    for inches in (96, 120, 144):
        add(f"RCK-UPR-{inches:03}", f"PALLET RACK UPRIGHT 42X{inches}", "fg", "EACH", 80, 160)
    for inches in (96, 108):
        add(f"RCK-BM-{inches:03}", f"PALLET RACK BEAM {inches}IN", "fg", "EACH", 35, 70)
    for code, desc in [("050", "1/2 YD"), ("100", "1 YD"), ("200", "2 YD")]:
        add(f"HOP-SD-{code}", f"HOPPER SELF-DUMP {desc}", "fg", "EACH", 650, 1900)

    # raw material
    sheet = [
        ("CRS", "CRS", ["16", "14", "12", "11", "10"], "GA"), ("HRPO", "HRPO", ["14", "12", "10"], "GA"),
        ("GALV", "GALV", ["16", "14"], "GA"), ("SS304", "SS304 #4", ["16", "14"], "GA"),
        ("AL5052", "AL 5052", [".063", ".090", ".125"], ""),
    ]
    for grade, grade_desc, gauges, suffix in sheet:
        for gauge in gauges:
            for w, l in [(48, 96), (48, 120), (60, 120)]:
                code = f"SHT-{grade}-{gauge.lstrip('.')}-{w}{l}"
                add(code, f"SHEET {grade_desc} {gauge}{suffix} {w}X{l}", "raw", "EACH", 60, 480)
    for thick, code in [("3/16", "188"), ("1/4", "250"), ("3/8", "375"), ("1/2", "500")]:
        add(f"PLT-A36-{code}-4896", f"PLATE A36 {thick} 48X96", "raw", "EACH", 260, 900)
        add(f"PLT-A36-{code}-96240", f"PLATE A36 {thick} 96X240", "raw", "EACH", 1300, 4200)
    shapes = [
        ("ANG-1X1X125", "ANGLE 1X1X1/8 A36"), ("ANG-125X125X188", "ANGLE 1-1/4X1-1/4X3/16 A36"),
        ("ANG-15X15X188", "ANGLE 1-1/2X1-1/2X3/16 A36"), ("ANG-2X2X250", "ANGLE 2X2X1/4 A36"),
        ("ANG-25X25X250", "ANGLE 2-1/2X2-1/2X1/4 A36"), ("ANG-3X3X250", "ANGLE 3X3X1/4 A36"),
        ("TUB-SQ-1X1X14", "TUBE SQ 1X1X14GA"), ("TUB-SQ-15X15X11", "TUBE SQ 1-1/2X1-1/2X11GA"),
        ("TUB-SQ-2X2X11", "TUBE SQ 2X2X11GA"), ("TUB-SQ-2X2X188", "TUBE SQ 2X2X3/16"),
        ("TUB-SQ-3X3X188", "TUBE SQ 3X3X3/16"), ("TUB-RC-2X3X11", "TUBE RECT 2X3X11GA"),
        ("TUB-RC-2X4X188", "TUBE RECT 2X4X3/16"), ("PIP-S40-100", "PIPE SCH40 1IN BLACK"),
        ("PIP-S40-125", "PIPE SCH40 1-1/4IN BLACK"), ("PIP-S40-150", "PIPE SCH40 1-1/2IN BLACK"),
        ("PIP-S40-200", "PIPE SCH40 2IN BLACK"), ("FLT-125X100", "FLAT BAR 1/8X1 A36"),
        ("FLT-188X150", "FLAT BAR 3/16X1-1/2 A36"), ("FLT-250X100", "FLAT BAR 1/4X1 A36"),
        ("FLT-250X200", "FLAT BAR 1/4X2 A36"), ("FLT-250X300", "FLAT BAR 1/4X3 A36"),
        ("FLT-375X200", "FLAT BAR 3/8X2 A36"), ("FLT-375X300", "FLAT BAR 3/8X3 A36"),
        ("FLT-500X300", "FLAT BAR 1/2X3 A36"), ("RND-CF-500", "ROUND BAR 1/2 1018 CF"),
        ("RND-CF-750", "ROUND BAR 3/4 1018 CF"), ("RND-CF-1000", "ROUND BAR 1 1018 CF"),
        ("CHN-C3X41", "CHANNEL C3X4.1 A36"), ("CHN-C4X54", "CHANNEL C4X5.4 A36"),
        ("CHN-C6X82", "CHANNEL C6X8.2 A36"),
    ]
    for code, desc in shapes:
        add(code, desc, "raw", "FT", 1.1, 14)

    # consumables
    for code, desc in [
        ("PWD-BLK-GLS", "POWDER BLACK GLOSS"), ("PWD-BLK-TEX", "POWDER BLACK TEXTURE"),
        ("PWD-GRY-7035", "POWDER LIGHT GRAY RAL7035"), ("PWD-YEL-SAF", "POWDER SAFETY YELLOW"),
        ("PWD-WHT-GLS", "POWDER WHITE GLOSS"), ("PWD-BLU-5005", "POWDER SIGNAL BLUE RAL5005"),
        ("PWD-RED-3000", "POWDER FLAME RED RAL3000"), ("PWD-GRN-6005", "POWDER MOSS GREEN RAL6005"),
        ("WIR-ER70-035", "WELD WIRE ER70S-6 .035"), ("WIR-ER70-045", "WELD WIRE ER70S-6 .045"),
        ("ROD-ER308-332", "TIG ROD ER308L 3/32"),
    ]:
        add(code, desc, "cons", "LB", 3.5, 18)
    for code, desc, um in [
        ("GAS-ARCO2-300", "GAS 75/25 ARGON CO2 300CF", "EACH"), ("GAS-AR-300", "GAS ARGON 300CF", "EACH"),
        ("ABR-GRD-45", "GRINDING DISC 4-1/2 X 1/4", "EACH"), ("ABR-FLP-45", "FLAP DISC 4-1/2 60 GRIT", "EACH"),
        ("PNT-PRM-GRY", "PRIMER GRAY ZINC PHOSPHATE", "GAL"),
    ]:
        add(code, desc, "cons", um, 4, 65)

    # purchased components and hardware
    threads = [
        ("1/4-20", "1420", "1/4"), ("5/16-18", "5168", "5/16"), ("3/8-16", "3816", "3/8"), ("1/2-13", "1213", "1/2"),
    ]
    lengths = [("3/4", "075"), ("1", "100"), ("1-1/4", "125"), ("1-1/2", "150"), ("2", "200")]
    for thread, tcode, _ in threads:
        for length, lcode in lengths:
            add(f"HHCS-{tcode}-{lcode}", f"HHCS {thread} X {length} GR5 ZP", "hw", "EACH", 0.08, 0.9)
    for length, lcode in lengths[:3]:
        add(f"HHCS-SS-1420-{lcode}", f"HHCS 1/4-20 X {length} SS18-8", "hw", "EACH", 0.2, 0.9)
    for thread, tcode, frac in threads:
        add(f"HN-{tcode}", f"NUT HEX {thread} GR5 ZP", "hw", "EACH", 0.03, 0.3)
        add(f"NL-{tcode}", f"NUT NYLOCK {thread} ZP", "hw", "EACH", 0.05, 0.4)
        add(f"FW-{tcode}", f"WASHER FLAT {frac} SAE ZP", "hw", "EACH", 0.02, 0.2)
        add(f"LW-{tcode}", f"WASHER LOCK {frac} ZP", "hw", "EACH", 0.02, 0.2)
    for code, desc, um in [
        ("PHMS-1024-050", "PHMS #10-24 X 1/2 ZP", "EACH"), ("PHMS-1024-075", "PHMS #10-24 X 3/4 ZP", "EACH"),
        ("PHMS-1024-100", "PHMS #10-24 X 1 ZP", "EACH"), ("SMS-08-050", "SMS #8 X 1/2 TEK ZP", "EACH"),
        ("SMS-10-075", "SMS #10 X 3/4 TEK ZP", "EACH"), ("RIV-POP-125", "RIVET POP 1/8 AL", "EACH"),
        ("RIV-POP-188", "RIVET POP 3/16 AL", "EACH"), ("PEM-NUT-1024", "PEM NUT #10-24 CLS", "EACH"),
        ("PEM-NUT-1420", "PEM NUT 1/4-20 CLS", "EACH"), ("PEM-STD-1024", "PEM STUD #10-24 X 1/2", "EACH"),
        ("PEM-STD-1420", "PEM STUD 1/4-20 X 3/4", "EACH"), ("CST-3-SW", "CASTER 3IN SWIVEL", "EACH"),
        ("CST-4-SW", "CASTER 4IN SWIVEL", "EACH"), ("CST-4-RG", "CASTER 4IN RIGID", "EACH"),
        ("CST-5-SWB", "CASTER 5IN SWIVEL W/BRAKE", "EACH"), ("CST-5-RG", "CASTER 5IN RIGID", "EACH"),
        ("CST-6-SWB", "CASTER 6IN SWIVEL W/BRAKE", "EACH"), ("HNG-PNO-36", "HINGE PIANO 36IN SS", "EACH"),
        ("HNG-BUT-2X2", "HINGE BUTT 2X2 ZP", "EACH"), ("HNG-CNC-N4", "HINGE CONCEALED NEMA 4", "EACH"),
        ("LCH-QTR-TRN", "LATCH QUARTER TURN KEYED", "EACH"), ("LCH-DRAW-SS", "LATCH DRAW SS", "EACH"),
        ("LCH-CMP-N4", "LATCH COMPRESSION NEMA 4", "EACH"), ("HDL-PULL-6", "HANDLE PULL 6IN BLACK", "EACH"),
        ("HDL-TUB-CART", "HANDLE TUBULAR CART 24IN", "EACH"), ("GSK-NEO-25X100", "GASKET NEOPRENE 1/4X1", "FT"),
        ("GSK-NEO-125X75", "GASKET NEOPRENE 1/8X3/4", "FT"), ("LBL-UL-508A", "LABEL UL 508A", "EACH"),
        ("LBL-SERIAL", "TAG SERIAL NUMBER AL", "EACH"), ("LBL-WARN-ELEC", "DECAL WARNING ELECTRICAL", "EACH"),
        ("PKG-CTN-241812", "CARTON 24X18X12 RSC", "EACH"), ("PKG-CTN-362412", "CARTON 36X24X12 RSC", "EACH"),
        ("PKG-PLT-4840", "PALLET 48X40 HT", "EACH"), ("PKG-STRETCH-18", "STRETCH WRAP 18IN 80GA", "ROLL"),
        ("PKG-FOAM-CRN", "FOAM CORNER PROTECTOR", "EACH"), ("ELC-GLAND-075", "CABLE GLAND 3/4 NPT", "EACH"),
        ("ELC-LUG-GND", "LUG GROUNDING #14-2/0", "EACH"), ("ELC-DIN-35", "DIN RAIL 35MM X 1M", "EACH"),
        ("LVL-FOOT-38", "LEVELING FOOT 3/8-16", "EACH"), ("LVL-FOOT-12", "LEVELING FOOT 1/2-13", "EACH"),
        ("BMP-RBR-075", "BUMPER RUBBER 3/4 ADH", "EACH"), ("SPR-GAS-40LB", "GAS SPRING 40LB 10IN", "EACH"),
    ]:
        add(code, desc, "hw", um, 0.1, 38)

    # charge and miscellaneous items ('/' codes), never stocked
    add("/SETUP", "SETUP CHARGE", "misc", "EACH", 0, 0, item_type="3")
    add("/PLATING", "OUTSIDE PLATING CHARGE", "misc", "EACH", 0, 0, item_type="3")
    add("/FREIGHT", "FREIGHT IN", "misc", "EACH", 0, 0, item_type="5")
    add("/MISC", "MISCELLANEOUS MATERIAL", "misc", "EACH", 0, 0, item_type="5")
    return items


def _stamp(rng: random.Random, days_back: int) -> tuple[str, str]:
    """(DateUpdated, TimeUpdated) some time in the ``days_back`` days before ``AS_OF``."""
    day = AS_OF - timedelta(days=rng.randint(0, days_back))
    return day.isoformat(), f"{rng.uniform(6.0, 18.0):08.5f}"


def _generate(rng: random.Random) -> dict[str, list[Row]]:
    """All rows of the company, table by table; only ``rng`` decides."""
    items, kinds = _items(rng)
    employees = _employees(rng)
    data: dict[str, list[Row]] = {
        "IM_Warehouse": [{"WarehouseCode": c, "WarehouseDesc": d} for c, d in WAREHOUSES],
        "WO_WorkCenter": [{"WorkCenter": c, "WorkCenterDesc": d} for c, d in WORK_CENTERS],
        "WO_OperationCode": [
            {"WorkCenter": wc, "OperationCode": op, "OperationDesc": desc, "StandardRunType": run, "StdRate": rate}
            for wc, op, desc, run, rate, _ in OPERATIONS
        ],
        "CI_Item": items,
        "WO_ProductionEmployee": employees,
    }
    data["WO_LaborCrew"], data["WO_LaborCrewMember"] = _crews(rng, employees)
    data["WO1_WorkOrderMaster"], data["WO3_WorkOrderOperationDetail"], data["WO2_WorkOrderMaterialDetail"] = (
        _work_orders(rng, items, kinds)
    )
    data["IM_ItemWarehouse"] = _item_warehouses(rng, items, kinds, data["WO2_WorkOrderMaterialDetail"])
    return data


def _items(rng: random.Random) -> tuple[list[Row], dict[str, str]]:
    rows: list[Row] = []
    kinds: dict[str, str] = {}

    def add(code: str, desc: str, kind: str, item_type: str, um: str, cost: float) -> None:
        date_updated, time_updated = _stamp(rng, 400)
        rows.append({
            "ItemCode": code,
            "ItemCodeDesc": desc,
            "ItemType": item_type,
            "ProductType": {"fg": "F", "sub": "F", "misc": ""}.get(kind, "R"),
            "StandardUnitOfMeasure": um,
            "InactiveItem": "Y" if kind != "misc" and rng.random() < 0.06 else "N",
            "StandardUnitCost": round(cost, 4),
            "DateUpdated": date_updated,
            "TimeUpdated": time_updated,
        })
        kinds[code] = kind

    for code, desc, kind, item_type, um, lo, hi in _catalog():
        add(code, desc, kind, item_type, um, rng.uniform(lo, hi))
    while len(rows) < ITEM_COUNT:  # customer part numbers fill the rest
        customer = rng.choice(CUSTOMERS)
        code = f"{customer}-{rng.randint(10000, 99999)}-{rng.choice(['01', '02', '03', 'A', 'B'])}"
        if code not in kinds:
            add(code, f"{rng.choice(CUSTOMER_PARTS)} - {customer}", "fg", "1", "EACH", rng.uniform(12, 900))
    return rows, kinds


def _employees(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    names: list[tuple[str, str]] = []
    number = rng.randint(10, 20)
    weights = [3, 3, 3, 6, 3, 5]  # SAW, LASER, BRAKE, WELD, PAINT, ASM
    while len(rows) < EMPLOYEE_COUNT:
        name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if name in names:
            continue
        names.append(name)
        rows.append({
            "EmployeeNo": f"{number:07d}",
            "FirstName": name[0],
            "LastName": name[1],
            "Inactive": "Y" if rng.random() < 0.15 else "N",
            "HourlyRate": round(rng.uniform(16.5, 34.0) * 4) / 4,
            "DefaultWorkCenter": rng.choices([wc for wc, _ in WORK_CENTERS], weights)[0],
        })
        number += rng.randint(1, 6)
    return rows


def _crews(rng: random.Random, employees: list[Row]) -> tuple[list[Row], list[Row]]:
    crews: list[Row] = []
    members: list[Row] = []
    for crew_no, desc, work_center in CREWS:
        crews.append({"CrewNo": crew_no, "CrewDesc": desc})
        pool = [e["EmployeeNo"] for e in employees if work_center in ("", e["DefaultWorkCenter"])]
        others = [e["EmployeeNo"] for e in employees if e["EmployeeNo"] not in pool]
        size = rng.randint(3, 6)
        chosen = rng.sample(pool, min(size, len(pool)))
        chosen += rng.sample(others, size - len(chosen))
        members += [{"CrewNo": crew_no, "EmployeeNo": e} for e in sorted(chosen)]
    return crews, members


_OPS = {(wc, op): (desc, hours) for wc, op, desc, _, _, hours in OPERATIONS}
_MIDDLE_OPS = [
    ("LASER", "PUNCH"), ("SAW", "DBUR"), ("BRAKE", "FORM"), ("WELD", "FIXT"), ("WELD", "MIG"),
    ("WELD", "TIG"), ("WELD", "GRIND"), ("PAINT", "PREP"), ("PAINT", "MASK"), ("PAINT", "PCOAT"),
    ("ASM", "ASSY"), ("ASM", "HDWR"), ("ASM", "INSP"),
]


def _routing(rng: random.Random) -> list[tuple[str, str]]:
    """3 to 8 (work center, operation) steps in shop order: cut first, pack last."""
    size = rng.randint(3, 8)
    cut = rng.choice([("SAW", "CUT"), ("LASER", "LCUT")])
    steps = [(cut[0], "SETUP"), cut] if size > 3 and rng.random() < 0.2 else [cut]
    picks = sorted(rng.sample(range(len(_MIDDLE_OPS)), size - len(steps) - 1))
    steps += [_MIDDLE_OPS[i] for i in picks]
    steps.append(("ASM", "PACK"))
    if ("PAINT", "PCOAT") in steps and rng.random() < 0.2:
        steps[steps.index(("PAINT", "PCOAT"))] = ("PAINT", "PLATE")
    return steps


def _work_orders(
    rng: random.Random, items: list[Row], kinds: dict[str, str]
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
        route = _routing(rng)
        done = len(route) if closed else rng.randint(0, len(route) - 1)  # steps complete
        scrapped = rng.choice([0, 0, 0, 0, 1]) if closed and qty > 2 else 0

        step_numbers = [f"{10 * (n + 1):04d}" for n in range(len(route))]
        last_qty = 0.0
        for n, (wc, op) in enumerate(route):
            desc, per_unit = _OPS[wc, op]
            std = round(rng.uniform(0.5, 2.0), 2) if op == "SETUP" else round(per_unit * qty * rng.uniform(0.8, 1.2), 2)
            if n < done:
                step_qty, actual = float(qty - scrapped), round(std * rng.uniform(0.8, 1.3), 2)
            elif n == done:
                share = rng.choice([0.0, 0.0, 0.25, 0.5, 0.75])
                step_qty, actual = float(int(qty * share)), round(std * share * rng.uniform(0.8, 1.3), 2)
            else:
                step_qty, actual = 0.0, 0.0
            last_qty = step_qty
            steps.append({
                "WorkOrder": work_order, "StepNumber": step_numbers[n], "WorkCenter": wc,
                "OperationCode": op, "StepDescription": desc, "StepComplete": "Y" if n < done else "N",
                "StdRunTime": std, "ActualRunTime": actual, "QtyCompleted": step_qty,
            })

        orders.append({
            "WorkOrder": work_order,
            "Status": "C" if closed else "O",
            "OnHold": "Y" if not closed and rng.random() < 0.2 else "N",
            "ItemBillNumber": product["ItemCode"],
            "ItemBillDescription": product["ItemCodeDesc"],
            "QtyOrdered": float(qty),
            "QtyComplete": last_qty,
            "QtyScrapped": float(scrapped),
            "ParentWhse": whse,
            "WODate": wo_date.isoformat(),
            "WODueDate": (wo_date + timedelta(days=rng.randint(14, 45))).isoformat(),
            "LastStepComplete": step_numbers[done - 1] if done else "",
        })

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
        for line_no, (item, at, per_unit) in enumerate(lines, start=1):
            required = round(per_unit * qty, 4)
            if at < done:
                issued = required
            elif at == done:
                issued = round(required * rng.choice([0, 0.5, 1]), 4)
            else:
                issued = 0.0
            materials.append({
                "WorkOrder": work_order, "LineKey": f"{line_no:06d}", "StepNumber": step_numbers[at],
                "ComponentItemNumber": item["ItemCode"], "Whse": whse, "ExtdQtyRequired": required,
                "QtyIssued": issued, "UM": item["StandardUnitOfMeasure"],
            })
    return orders, steps, materials


def _item_warehouses(
    rng: random.Random, items: list[Row], kinds: dict[str, str], materials: list[Row]
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
    for line in materials:
        wanted[line["ComponentItemNumber"], line["Whse"]] = None
    on_hand = {"fg": (0, 40), "sub": (0, 60), "raw": (0, 400), "cons": (0, 250), "hw": (0, 5000)}
    rows: list[Row] = []
    for code, whse in sorted(wanted):
        lo, hi = on_hand[kinds[code]]
        date_updated, time_updated = _stamp(rng, 120)
        rows.append({
            "ItemCode": code, "WarehouseCode": whse, "QuantityOnHand": float(rng.randint(lo, hi)),
            "DateUpdated": date_updated, "TimeUpdated": time_updated,
        })
    return rows


# --- playing MAS in tests and benchmarks ------------------------------------------------------
def change_company(path: Path, sql: str, *params: Any) -> int:
    """Change the company as MAS would (one statement, committed); returns the rows it touched."""
    with closing(sqlite3.connect(path)) as con, con:
        return con.execute(sql, params).rowcount
