"""Reverse an exported line: the linked line(s) MAS needs to take it back out (PRODUCT.md §4).

An exported line is locked; once MAS has posted it, the way to correct it is a reversing line,
as in MAS. ``reverse(txn, by=…, reason=…)`` makes the reversal lines — the original's values
negated, a labor line's hours in lines of at most 8 hours (MAS reverses labor in 8-hour lines),
its quantity completed on the first — stores them as new lines waiting for review by hand
(whatever the type's processing option: a supervisor approves them, then the next batch takes
them like any other line) and moves the original by ``lifecycle.move("reverse")``, which leaves it
exported and writes its ``reversed`` audit row. Each reversal line gets a ``collected`` row naming
the line it reverses.

Only a line MAS has **posted** is reversed: its status stays "exported" for good, so the state of
its live batch says where it is. Before posting (the batch written, exported, imported into
Transaction Entry) the batch can still be deleted in MAS and voided, which would bring the
original back for review while its reversal went to MAS; a batch deleted in MAS does not hold it.

A line is reversed once: the original is claimed with the compare-and-set of its move, so of two
supervisors pressing "Reverse" at once, one makes the reversal and the other is told it exists.
A reversal line is not reversed again, nor a line that already takes values out of MAS.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction as db
from django.utils import timezone

from kernel.clock import elapsed_hours
from transactions import lifecycle, validation
from transactions.lifecycle import Actor
from transactions.models import Finding, Transaction, TransactionSource, TransactionStatus, TransactionType

S, T = TransactionStatus, TransactionType
MAS_HOURS_PER_LINE = Decimal("8.000")
# batches.models.BatchStatus values (reviews may not import batches: a test holds them equal).
POSTED = "posted"
NOT_YET = {
    "writing": "its batch {batch} is still being written",
    "exported": "MAS has not imported its batch {batch} yet",
    "imported": "its batch {batch} is in MAS Transaction Entry but not posted yet — until it is posted the "
                "accountant can still correct it there",
    "deleted_in_mas": "its batch {batch} was deleted in MAS, so MAS does not hold it: the accountant re-exports "
                      "or voids the batch instead",
}
NEGATED = ("hours", "qty_completed", "quantity", "qty_scrapped", "amount")
KEPT = {  # per type, the fields a reversal line takes as they are (PRODUCT.md §4)
    T.LABOR: ("work_order", "step", "employee"),
    T.CREW_LABOR: ("work_order", "step", "crew"),
    T.MATERIAL_ISSUE: ("work_order", "step", "item_code", "warehouse", "lot_serial"),
    T.COMPLETION: ("work_order", "warehouse", "lot_serial"),
    T.MISC_LABOR: ("work_order", "step"),
    T.MISC_MATERIAL: ("work_order", "step"),
    T.OUTSIDE_PROCESSING: ("work_order", "step"),
}


@dataclass
class Reversal:
    """What ``reverse`` did: the reversal lines (new, or the ones that already existed when
    ``already``), or why it refused (``refused``)."""

    ok: bool
    lines: list[Transaction] = field(default_factory=list)
    refused: str = ""
    already: bool = False

    def summary(self, original_pk: int) -> str:
        ids = ", ".join(f"#{line.pk}" for line in self.lines)
        if self.already:
            return f"Line #{original_pk} is already reversed by {ids}: nothing new was made."
        if not self.ok:
            return self.refused
        return (f"Reversed line #{original_pk}: reversal line{'s' if len(self.lines) != 1 else ''} {ids} "
                "wait for review, then go to MAS with the next batch.")


class _Lost(Exception):
    """Someone changed the original between our read and our claim: roll the new lines back."""


def live_batch(txn: Transaction) -> tuple[str, str] | None:
    """(label, status) of the live batch holding ``txn``, or None (through the relation: no import
    of batches)."""
    lines = Transaction._meta.get_field("batch_lines").related_model.objects
    row = (lines.filter(transaction_id=txn.pk, live=True)
           .values_list("batch__number", "batch__status").first())
    return None if row is None else (f"{row[0]:06d}", row[1])


def why_not(txn: Transaction) -> str:
    """Why ``txn`` cannot be reversed now, in a sentence; "" when it can (reversed already included:
    ``reversals_of`` says by which lines)."""
    if txn.is_reversal:
        return f"This line reverses line #{txn.reverses_id}: a reversal is not reversed again."
    if txn.status != S.EXPORTED:
        return (f"Only a line MAS has posted is reversed: this one is {txn.get_status_display().lower()}"
                " — correct or reject it instead.")
    negative = [name for name in NEGATED if (getattr(txn, name) or 0) < 0]
    if negative:
        return (f"This line already takes values out of MAS ({', '.join(n.replace('_', ' ') for n in negative)}"
                " below 0): it is not reversed.")
    batch = live_batch(txn)
    if batch is None:
        return "This line is in no live batch: MAS does not hold it."
    label, status = batch
    if status != POSTED:
        return "Not yet: " + NOT_YET.get(status, "its batch {batch} is not posted in MAS").format(batch=label) + "."
    return ""


def reversals_of(txn: Transaction) -> list[Transaction]:
    return list(Transaction.objects.filter(reverses_id=txn.pk).order_by("pk"))


def hour_parts(hours: Decimal) -> list[Decimal]:
    """Hours as MAS reverses them: lines of 8 and the rest, negative (19.5 → -8, -8, -3.5)."""
    left, parts = abs(hours), []
    while left > MAS_HOURS_PER_LINE:
        parts.append(MAS_HOURS_PER_LINE)
        left -= MAS_HOURS_PER_LINE
    parts.append(left)
    return [Decimal(0) - part for part in parts]


def plan(original: Transaction, *, by: Actor, now=None) -> list[Transaction]:
    """The reversal lines of ``original``, unsaved."""
    now = now or timezone.now()
    kept = {name: getattr(original, name) for name in KEPT[original.type]}
    negated = {name: (Decimal(0) - value if value else None)
               for name in NEGATED if (value := getattr(original, name)) is not None}
    if original.type in (T.LABOR, T.CREW_LABOR):
        hours = original.hours
        if hours is None:
            hours = elapsed_hours(original.start, original.stop) if original.start and original.stop else Decimal(0)
        values = [{"hours": part, "qty_completed": negated.get("qty_completed") if n == 0 else None}
                  for n, part in enumerate(hour_parts(hours))]
    elif original.type == T.MATERIAL_ISSUE:
        values = [{"quantity": negated.get("quantity")}]
    elif original.type == T.COMPLETION:
        values = [{"qty_completed": negated.get("qty_completed"), "qty_scrapped": negated.get("qty_scrapped")}]
    else:
        values = [{"amount": negated.get("amount")}]
    lines = []
    for n, own in enumerate(values, start=1):
        of = f" (part {n} of {len(values)})" if len(values) > 1 else ""
        marker = f"reversal of {original.pk} part {n}"
        lines.append(Transaction(
            client_txn_id=uuid.uuid4(), type=original.type, collected_at=now, source=TransactionSource.USER,
            entered_by=by.user, content_hash=hashlib.sha256(marker.encode()).hexdigest(),
            raw={"reverses": original.pk, "part": n, "parts": len(values)},
            reverses=original, comment=f"Reverses portal line {original.pk}{of}", **kept, **own,
        ))
    return lines


def reverse(txn: Transaction, *, by, reason: str) -> Reversal:
    """Reverse exported line ``txn`` (see the module docstring); ``reason`` is required."""
    actor = lifecycle.check("reverse", by)
    reason = (reason or "").strip()
    if not reason:
        return Reversal(False, refused="Say why the line is reversed: the reason goes to the audit trail.")
    try:
        with db.atomic():
            current = Transaction.objects.select_for_update().filter(pk=txn.pk).first()
            if current is None:
                return Reversal(False, refused="This line no longer exists.")
            existing = reversals_of(current)
            if existing:
                return Reversal(False, lines=existing, already=True)
            refusal = why_not(current)
            if refusal:
                return Reversal(False, refused=refusal)
            lines = plan(current, by=actor)
            findings = validation.check_many(lines, fill_work_center=True)
            # Review by hand whatever the type's option: a supervisor approves what leaves MAS.
            lifecycle.admit(lines, findings, {current.type: "review"}, by=actor)
            Transaction.objects.bulk_create(lines)
            Finding.objects.bulk_create([f for found in findings for f in found])
            said = f"Reverses line #{current.pk} (posted in MAS): {reason}"
            lifecycle.record_arrival(lines, [said] * len(lines), by=actor, changes={"reverses": [None, current.pk]})
            moved = lifecycle.move("reverse", [current], by=actor, reason=reason,
                                   changes={"reversed_by": [None, ", ".join(f"#{line.pk}" for line in lines)]})
            if not moved.done:
                raise _Lost
    except _Lost:
        existing = reversals_of(txn)
        if existing:
            return Reversal(False, lines=existing, already=True)
        return Reversal(False, refused="Someone changed this line meanwhile: look at it again.")
    return Reversal(True, lines=lines)
