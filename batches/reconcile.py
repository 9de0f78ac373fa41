"""Batch status from MAS: what Work Order Transaction Entry and history really hold.

Run after every pull that succeeded (called by ``afterpull.followups``, which stores the outcome
or the error on the pull run), by
``manage.py reconcile_batches`` and by the ``batches.tasks.reconcile_batches`` task. It opens its
own ``MASGateway`` and reads three tables (names per site, ``batches.conf``) with single-table
``SELECT``s filtered on the batch number, in ``IN`` lists of at most 200:

- in history → ``posted``;
- else in Transaction Entry → ``imported``;
- else, when it was ``imported`` → ``deleted_in_mas`` (gone from entry and not in history);
- else (never seen yet) it stays ``exported``.

A re-exported or voided batch keeps its state, but MAS holding it (its files were imported
before they could be retired) is a discrepancy: its lines are in another batch or back in
review, and posting it would put them in MAS twice. So is a posted batch found in Transaction
Entry again.

For each batch found it compares the line count, hours and quantity with the portal's and
stores the differences on the batch (``discrepancies``), with what MAS holds.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.log import record
from batches import lifecycle
from batches.conf import mas_tables
from batches.models import RECONCILED_STATUSES, RETIRED_STATUSES, BatchStatus, ExportBatch
from batches.writer import HOURS, QUANTITY
from mas.gateway import MASGateway
from transactions.lifecycle import Actor

ACTOR = Actor.system("MAS reconciliation")


@dataclass
class Totals:
    """What MAS holds of one batch in one table. ``lines`` counts transactions (distinct
    ``TransactionNo``), not rows: MAS writes a reversal of more than 8 hours as several 8-hour
    detail lines of one transaction (PRODUCT.md §4), which is not a difference."""

    transactions: set = field(default_factory=set)
    hours: Decimal = Decimal(0)
    quantity: Decimal = Decimal(0)

    @property
    def lines(self) -> int:
        return len(self.transactions)

    def add(self, row: dict) -> None:
        self.transactions.add(str(row["TransactionNo"]).strip())
        self.hours += _decimal(row.get("Hours"))
        self.quantity += _decimal(row.get("Quantity"))


@dataclass
class ReconcileOutcome:
    checked: int = 0
    moved: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    with_discrepancies: int = 0

    def __str__(self) -> str:
        moves = ", ".join(f"{n} {status}" for status, n in sorted(self.moved.items())) or "no status change"
        return f"{self.checked} batch{'' if self.checked == 1 else 'es'} checked: {moves}; {self.with_discrepancies} with discrepancies"


def _decimal(value) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _read(mas: MASGateway, table: str, columns: list[str], keys: list[str]) -> dict[str, Totals]:
    found: dict[str, Totals] = defaultdict(Totals)
    for row in mas.select_in(table, columns, "BatchNo", keys):
        found[str(row["BatchNo"]).strip()].add(row)
    return found


def read_mas(numbers: list[int], connection_string: str | None = None) -> tuple[dict, dict, dict]:
    """(entry headers, entry lines, history) totals per batch key ``"000012"``."""
    tables = mas_tables()
    keys = [f"{n:06d}" for n in numbers]
    with MASGateway(connection_string) as mas:
        headers = _read(mas, tables.entry_header, ["BatchNo", "TransactionNo"], keys)
        details = _read(mas, tables.entry_detail, ["BatchNo", "TransactionNo", "Hours", "Quantity"], keys)
        history = _read(mas, tables.history, ["BatchNo", "TransactionNo", "Hours", "Quantity"], keys)
    return headers, details, history


def compare(batch: ExportBatch, mas: Totals, where: str) -> list[str]:
    """The differences between the portal's batch and what MAS holds for it, in words."""
    problems = []
    if mas.lines != batch.lines:
        problems.append(f"{where} holds {mas.lines} lines; the batch has {batch.lines}.")
    if mas.hours.quantize(HOURS) != Decimal(batch.total_hours).quantize(HOURS):
        problems.append(f"{where} holds {mas.hours.quantize(HOURS)} hours; the batch has {batch.total_hours}.")
    if mas.quantity.quantize(QUANTITY) != Decimal(batch.total_quantity).quantize(QUANTITY):
        problems.append(
            f"{where} holds a quantity of {mas.quantity.quantize(QUANTITY)}; the batch has {batch.total_quantity}."
        )
    return problems


def reconcile(numbers: list[int] | None = None, *, connection_string: str | None = None) -> ReconcileOutcome:
    """Move every batch still open to MAS to the state MAS shows. Raises ``MASError`` if MAS cannot be read."""
    batches = list(
        ExportBatch.objects.filter(status__in=(*RECONCILED_STATUSES, *RETIRED_STATUSES)).order_by("number")
    )
    if numbers is not None:
        wanted = set(numbers)
        batches = [b for b in batches if b.number in wanted]
    outcome = ReconcileOutcome(checked=len(batches))
    if not batches:
        return outcome
    headers, details, history = read_mas([b.number for b in batches], connection_string)
    now = timezone.now()
    with transaction.atomic():
        for batch in batches:
            key = batch.label
            fields: dict = {"reconciled_at": now}
            in_entry = key in headers or key in details
            if batch.status in RETIRED_STATUSES:
                where = " and ".join(w for w, found in (("Transaction Entry", in_entry), ("history", key in history)) if found)
                problems = [
                    f"MAS holds this {batch.get_status_display().lower()} batch in {where}: its lines are in another "
                    "batch or back in review, so MAS may get them twice. Delete it in MAS before posting."
                ] if where else []
                _apply(batch, batch.status, {**fields, "discrepancies": problems}, outcome)
                outcome.with_discrepancies += bool(problems)
                continue
            if key in history:
                target, held, where = BatchStatus.POSTED, history[key], "MAS history"
            elif key in headers or key in details:
                target, held, where = BatchStatus.IMPORTED, details.get(key, Totals()), "Transaction Entry"
            elif batch.status == BatchStatus.IMPORTED:
                target, held, where = BatchStatus.DELETED_IN_MAS, None, ""
            else:
                target, held, where = batch.status, None, ""
            if held is not None:
                problems = compare(batch, held, where)
                if target == BatchStatus.POSTED and in_entry:
                    problems.append("Also in Transaction Entry again: posting it there would post it twice.")
                if key in headers and headers[key].lines != held.lines and target == BatchStatus.IMPORTED:
                    problems.append(f"Transaction Entry has {headers[key].lines} headers for {held.lines} transactions.")
                fields.update(mas_lines=held.lines, mas_hours=held.hours.quantize(HOURS),
                              mas_quantity=held.quantity.quantize(QUANTITY), discrepancies=problems)
            elif target == BatchStatus.DELETED_IN_MAS:
                fields.update(mas_lines=0, mas_hours=Decimal(0), mas_quantity=Decimal(0), discrepancies=[])
            if target == BatchStatus.IMPORTED and batch.imported_at is None:
                fields["imported_at"] = now
            if target == BatchStatus.POSTED:
                fields["posted_at"] = now
            _apply(batch, target, fields, outcome)
            if fields.get("discrepancies"):
                outcome.with_discrepancies += 1
    return outcome


def _apply(batch: ExportBatch, target: str, fields: dict, outcome: ReconcileOutcome) -> None:
    old_problems = batch.discrepancies
    if target != batch.status:
        changes = {"discrepancies": [old_problems, fields["discrepancies"]]} if "discrepancies" in fields else {}
        if lifecycle.move(batch, target, by=ACTOR, values=fields, changes=changes):
            outcome.moved[target] += 1
        return  # or changed by someone else meanwhile: the next run looks again
    # The state stays: only what MAS holds is stored (compare-and-set, like a move).
    if not ExportBatch.objects.filter(pk=batch.pk, status=batch.status, version=batch.version).update(**fields):
        return
    if "discrepancies" in fields and fields["discrepancies"] != old_problems:
        record([batch], AuditAction.DISCREPANCIES_FOUND, actor_label=ACTOR.label,
               changes={"discrepancies": [old_problems, fields["discrepancies"]]})
