"""Stand-in for MAS's **Transaction Journal update** (demo and tests only — not the product).

It plays MAS, so it writes the demo company's SQLite file with ``sqlite3`` directly. Posting a
batch moves it, in one database transaction, from Work Order Transaction Entry into
``WO_TransactionHistory`` and moves the work orders' quantities as MAS would:

- ``labor`` / ``crew_labor``: the step's ``ActualRunTime`` += hours and ``QtyCompleted`` += quantity;
- ``completion``: the order's ``QtyComplete`` += quantity;
- ``material_issue``: the first line of that item in the order's material list (followed by its
  links, as WO2 has no key): ``QtyIssued`` += quantity.

As in MAS, one batch at a time and one user at a time (``BEGIN IMMEDIATE``).
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from demo.company import MATERIAL, _fit, material_list

HEADER, DETAIL, HISTORY = "WO_TransactionEntryHeader", "WO_TransactionEntryDetail", "WO_TransactionHistory"


class NothingToPost(Exception):
    """The batch is not in Transaction Entry."""


def post_batch(company: Path, number: int, *, posting_date: date | None = None) -> int:
    """Post batch ``number``; returns the lines posted. Raises ``NothingToPost``."""
    key = f"{number:06d}"
    posting_date = (posting_date or date.today()).isoformat()
    with closing(sqlite3.connect(company, timeout=20, isolation_level=None)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            headers = con.execute(
                f"SELECT TransactionNo, TransType, WorkOrder, TotalHours, TotalQuantity FROM {HEADER} WHERE BatchNo = ?",
                (key,),
            ).fetchall()
            if not headers:
                raise NothingToPost(f"Batch {key} is not in Work Order Transaction Entry.")
            details = con.execute(
                f"SELECT TransType, WorkOrder, StepNo, ItemCode, Hours, Quantity FROM {DETAIL} WHERE BatchNo = ?", (key,)
            ).fetchall()
            con.executemany(
                f"INSERT INTO {HISTORY} VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    _fit(HISTORY, {"BatchNo": key, "TransactionNo": txn_no, "TransType": type_, "WorkOrder": wo.strip(),
                                   "PostingDate": posting_date, "Hours": hours, "Quantity": qty})
                    for txn_no, type_, wo, hours, qty in headers
                ],
            )
            for type_, wo, step, item, hours, qty in details:
                _move_quantities(con, type_, wo, step, item, hours or 0, qty or 0)
            con.execute(f"DELETE FROM {DETAIL} WHERE BatchNo = ?", (key,))
            con.execute(f"DELETE FROM {HEADER} WHERE BatchNo = ?", (key,))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return len(headers)


def _move_quantities(con: sqlite3.Connection, type_: str, wo: str, step: str, item: str, hours, qty) -> None:
    if type_ in ("labor", "crew_labor"):
        con.execute(
            "UPDATE WO3_WorkOrderOperationDetail SET ActualRunTime = ActualRunTime + ?, QtyCompleted = QtyCompleted + ? "
            "WHERE WorkOrder = ? AND StepNumber = ?",
            (hours, qty, wo, step),
        )
    elif type_ == "completion":
        con.execute("UPDATE WO1_WorkOrderMaster SET QtyComplete = QtyComplete + ? WHERE WorkOrder = ?", (qty, wo))
    elif type_ == "material_issue":
        for index in material_list(con, wo.strip()):
            if con.execute(
                f"UPDATE {MATERIAL} SET QtyIssued = QtyIssued + ? WHERE rowid = ? AND TRIM(ComponentItemNumber) = ?",
                (qty, index, (item or "").strip()),
            ).rowcount:
                break
