"""Stand-in for **WOScan Sync**, the MAS-side importer (demo and tests only — not the product).

It plays MAS, so it writes the demo company's SQLite file with ``sqlite3`` directly: it takes
one export batch (PRODUCT.md §6), checks the CSV against its control file and, when they
match, writes one Work Order Transaction Entry header and one detail line per CSV row into
``WO_TransactionEntryHeader`` / ``WO_TransactionEntryDetail``. A batch whose ``.ctl`` is
missing or does not match (corrupted, truncated, wrong totals) is refused with the reason and
nothing is written. Importing a batch that is already in Transaction Entry writes nothing
again; one already posted to history is refused.

``delete_batch`` plays a MAS user deleting a batch from Transaction Entry ("deleted when
testing").
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from demo.company import _fit

CSV_COLUMNS = [
    "BatchNo", "LineNo", "PortalTxnId", "TransType", "TransDate", "WorkOrder", "StepNo", "EmployeeNo",
    "CrewNo", "StartTime", "StopTime", "Hours", "QtyCompleted", "StepComplete", "ItemCode", "Warehouse",
    "Quantity", "LotSerial", "QtyScrapped", "CloseOrder", "Amount", "Comment",
]
HEADER, DETAIL, HISTORY = "WO_TransactionEntryHeader", "WO_TransactionEntryDetail", "WO_TransactionHistory"


class Refused(Exception):
    """The batch cannot be imported; the message says why."""


@dataclass(frozen=True)
class ImportResult:
    batch: int | None
    status: str  # "imported", "already_imported" or "refused"
    reason: str = ""
    lines: int = 0


def _dec(text: str, what: str, line: int) -> Decimal:
    try:
        return Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        raise Refused(f"CSV line {line}: {what} {text!r} is not a number.") from None


def read_batch(csv_bytes: bytes, ctl_bytes: bytes | None) -> tuple[int, list[dict]]:
    """The batch number and its rows, if the CSV matches its control file; else ``Refused``."""
    if ctl_bytes is None:
        raise Refused("The control file is missing: the batch is not ready.")
    try:
        ctl = json.loads(ctl_bytes.decode("utf-8"))
        number, lines = int(ctl["batch"]), int(ctl["lines"])
        hours, quantity, sha = Decimal(str(ctl["total_hours"])), Decimal(str(ctl["total_quantity"])), ctl["sha256"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise Refused(f"The control file cannot be read: {exc}") from None
    if hashlib.sha256(csv_bytes).hexdigest() != sha:
        raise Refused(
            f"WOS{number:06d}.csv does not match its control file (SHA-256 differs): the file is corrupted or truncated."
        )
    try:
        reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8"), newline=""))
        if reader.fieldnames != CSV_COLUMNS:
            raise Refused(f"The CSV header is not the one agreed: {reader.fieldnames}")
        rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise Refused(f"The CSV cannot be read: {exc}") from None
    if len(rows) != lines:
        raise Refused(f"The CSV has {len(rows)} lines; the control file says {lines}.")
    got_hours = got_quantity = Decimal(0)
    for n, row in enumerate(rows, start=1):
        if None in row or any(v is None for v in row.values()):
            raise Refused(f"CSV line {n} does not have {len(CSV_COLUMNS)} columns.")
        if row["BatchNo"].lstrip("0") != str(number) or row["LineNo"] != str(n):
            raise Refused(f"CSV line {n} says batch {row['BatchNo']} line {row['LineNo']}.")
        got_hours += _dec(row["Hours"], "Hours", n)
        got_quantity += _dec(row["Quantity"] or row["QtyCompleted"], "Quantity", n)
    if got_hours.quantize(Decimal("0.001")) != hours.quantize(Decimal("0.001")):
        raise Refused(f"The CSV holds {got_hours} hours; the control file says {hours}.")
    if got_quantity.quantize(Decimal("0.0001")) != quantity.quantize(Decimal("0.0001")):
        raise Refused(f"The CSV holds a quantity of {got_quantity}; the control file says {quantity}.")
    return number, rows


def _split(trans_type: str, hours: float, quantity: float) -> list[tuple[float, float]]:
    """Detail lines of one transaction, as MAS writes them: a labor reversal of more than 8 hours
    becomes 8-hour lines and the rest (PRODUCT.md §4); anything else one line."""
    if trans_type not in ("labor", "crew_labor") or hours >= -8:
        return [(hours, quantity)]
    lines, left = [], hours
    while left < 0:
        part = max(left, -8.0)
        lines.append((part, quantity if not lines else 0.0))
        left = round(left - part, 3)
    return lines


def import_batch(company: Path, csv_bytes: bytes, ctl_bytes: bytes | None) -> ImportResult:
    """Import one batch into Transaction Entry, or refuse it with the reason."""
    try:
        number, rows = read_batch(csv_bytes, ctl_bytes)
    except Refused as exc:
        return ImportResult(None, "refused", str(exc))
    key = f"{number:06d}"
    with closing(sqlite3.connect(company, timeout=20, isolation_level=None)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute(f"SELECT 1 FROM {HISTORY} WHERE BatchNo = ? LIMIT 1", (key,)).fetchone():
                con.execute("ROLLBACK")
                return ImportResult(number, "refused", f"Batch {key} is already posted in MAS: it is not imported twice.")
            if con.execute(f"SELECT 1 FROM {HEADER} WHERE BatchNo = ? LIMIT 1", (key,)).fetchone():
                con.execute("ROLLBACK")
                return ImportResult(number, "already_imported", lines=len(rows))
            headers, details = [], []
            for row in rows:
                txn_no = f"{int(row['LineNo']):06d}"
                hours = float(_dec(row["Hours"], "Hours", 0))
                quantity = float(_dec(row["Quantity"] or row["QtyCompleted"], "Quantity", 0))
                headers.append(_fit(HEADER, {
                    "BatchNo": key, "TransactionNo": txn_no, "TransType": row["TransType"],
                    "WorkOrder": row["WorkOrder"], "EntryDate": row["TransDate"],
                    "TotalHours": hours, "TotalQuantity": quantity,
                }))
                for line_no, (line_hours, line_quantity) in enumerate(_split(row["TransType"], hours, quantity), 1):
                    details.append(_fit(DETAIL, {
                        "BatchNo": key, "TransactionNo": txn_no, "LineNo": line_no, "TransType": row["TransType"],
                        "WorkOrder": row["WorkOrder"], "StepNo": row["StepNo"], "EmployeeNo": row["EmployeeNo"],
                        "ItemCode": row["ItemCode"], "Hours": line_hours, "Quantity": line_quantity,
                    }))
            con.executemany(f"INSERT INTO {HEADER} VALUES (?, ?, ?, ?, ?, ?, ?)", headers)
            con.executemany(f"INSERT INTO {DETAIL} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", details)
            con.execute("COMMIT")
        except (ValueError, sqlite3.Error) as exc:
            con.execute("ROLLBACK")
            return ImportResult(number, "refused", f"MAS refused a line: {exc}")
    return ImportResult(number, "imported", lines=len(rows))


def import_from_folder(company: Path, folder: Path, number: int) -> ImportResult:
    """Import ``WOS<number>.csv`` from the export folder, as WOScan Sync does."""
    stem = Path(folder) / f"WOS{number:06d}"
    ctl = stem.with_suffix(".ctl")
    data = stem.with_suffix(".csv")
    if not data.is_file():
        return ImportResult(number, "refused", f"{data.name} is missing.")
    return import_batch(company, data.read_bytes(), ctl.read_bytes() if ctl.is_file() else None)


def ready_batches(folder: Path) -> list[int]:
    """Numbers of the batches in the folder whose control file exists (candidates to import)."""
    return sorted(int(p.stem[3:]) for p in Path(folder).glob("WOS[0-9]*.ctl"))


def delete_batch(company: Path, number: int) -> int:
    """Delete a batch from Transaction Entry (as a MAS user may); returns the lines deleted."""
    key = f"{number:06d}"
    with closing(sqlite3.connect(company, timeout=20)) as con, con:
        con.execute(f"DELETE FROM {HEADER} WHERE BatchNo = ?", (key,))
        return con.execute(f"DELETE FROM {DETAIL} WHERE BatchNo = ?", (key,)).rowcount
