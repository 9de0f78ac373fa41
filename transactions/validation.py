"""Validation of collected transactions against the mirror (PRODUCT.md §3–§4).

The interface the rest of the portal calls:

- ``check(txn) -> list[Finding]``: the findings for one transaction, unsaved, in words a
  supervisor understands. Pure: reads the mirror, writes nothing.
- ``check_many(txns) -> list[list[Finding]]``: the same for many at once, with a handful of
  queries in all (the mirror rows they name are read in bulk), in the order given. Lines
  checked together see each other (two overlapping lines in one push are both flagged). With
  ``fill_work_center=True`` it also sets each line's ``work_center`` from the mirror step it
  names, out of the same bulk read (intake does so for the lines it is about to store).
- ``mirror_work_center(work_order, step)``: that work center as an SQL expression, for
  set-based updates (an edit, the refresh of open lines after a pull).
- ``recheck(txn) -> list[Finding]``: the findings of a line as corrected (its values in memory,
  not saved yet), setting its ``work_center`` from the mirror step it now names (an edit).
- ``replace_findings(txns) -> None``: re-checks the transactions and replaces their saved
  findings (used on arrival, after an edit, and when the mirror changes).
- ``save_findings(txns, results)``: replaces saved findings with results already checked.

Errors mean MAS would refuse the line as it is; warnings mean a person should look at it.
Either way the line is stored: nothing a worker collected is lost. The shift maximum and the
near-identical window are ``transactions.IntakeSettings`` (edited on the processing options page).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction as db_transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst

from mas import models as mirror
from transactions.models import (
    FIELDS, TYPE_HAS, Finding, IntakeSettings, Severity, Transaction, TransactionStatus, TransactionType,
)
from kernel.clock import elapsed_hours

ERROR, WARNING = Severity.ERROR, Severity.WARNING
CHUNK = 500  # rows per IN (...) list: well under every backend's parameter limit
LABOR_TYPES = (TransactionType.LABOR, TransactionType.CREW_LABOR)
STEP_TYPES = (
    TransactionType.LABOR, TransactionType.CREW_LABOR, TransactionType.MISC_LABOR,
    TransactionType.MISC_MATERIAL, TransactionType.OUTSIDE_PROCESSING,
)
# What makes two lines "the same line" for the near-identical check.
SAME_LINE_FIELDS = (
    "type", "work_order", "step", "employee", "crew", "item_code", "warehouse",
    "hours", "quantity", "qty_completed", "qty_scrapped", "amount", "lot_serial", "start", "stop",
)
# Fields read of other collected lines (overlap and near-identical checks).
PEER_FIELDS = tuple(dict.fromkeys(
    ("id", "client_txn_id", "collected_at", "start", "stop", "device_id", "entered_by_id", *SAME_LINE_FIELDS)
))


def check(txn: Transaction) -> list[Finding]:
    return check_many([txn])[0]


def check_many(txns: Sequence[Transaction], *, fill_work_center: bool = False) -> list[list[Finding]]:
    txns = list(txns)
    if not txns:
        return []
    context = _Context.load(txns)
    if fill_work_center:
        for txn in txns:
            step = context.steps.get((txn.work_order, txn.step))
            txn.work_center = step.work_center if step is not None else ""
    return [_check(txn, context) for txn in txns]


def mirror_work_center(work_order=None, step=None) -> Coalesce:
    """The work center of mirror step (work_order, step), "" when the mirror has no such step,
    as an SQL expression; without arguments, of the row being updated. Like ``check_many`` it
    reads the step whether or not MAS still has it."""
    steps = mirror.WorkOrderStep.objects.filter(
        work_order=OuterRef("work_order") if work_order is None else work_order,
        step=OuterRef("step") if step is None else step,
    )
    return Coalesce(Subquery(steps.values("work_center")[:1]), Value(""), output_field=CharField())


def recheck(txn: Transaction) -> list[Finding]:
    return check_many([txn], fill_work_center=True)[0]


def replace_findings(txns: Iterable[Transaction]) -> None:
    txns = list(txns)
    save_findings(txns, check_many(txns))


def save_findings(txns: Sequence[Transaction], results: Sequence[list[Finding]]) -> None:
    """Replace the saved findings of stored transactions with ``results`` (from check_many)."""
    with db_transaction.atomic():
        for start in range(0, len(txns), CHUNK):
            Finding.objects.filter(transaction__in=[t.pk for t in txns[start : start + CHUNK]]).delete()
        Finding.objects.bulk_create([f for findings in results for f in findings], batch_size=CHUNK)


# --- the mirror rows a set of lines names, read in bulk ----------------------------------------
def _chunks(values) -> Iterable[list]:
    values = sorted(v for v in set(values) if v not in (None, ""))
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _by(model, field: str, values, key=None) -> dict:
    found = {}
    for chunk in _chunks(values):
        for row in model.objects.filter(**{f"{field}__in": chunk}):
            found[key(row) if key else getattr(row, field)] = row
    return found


@dataclass
class _Context:
    work_orders: dict
    steps: dict
    materials: dict
    items: dict
    warehouses: dict
    employees: dict
    crews: dict
    shift_max_hours: Decimal
    near_window: timedelta
    by_employee: dict
    by_work_order: dict

    @classmethod
    def load(cls, txns: list[Transaction]) -> _Context:
        settings_row = IntakeSettings.current()
        work_orders = {t.work_order for t in txns}
        materials = defaultdict(list)
        for chunk in _chunks(work_orders):
            for line in mirror.MaterialLine.objects.filter(work_order__in=chunk, active=True):
                materials[line.work_order].append(line)
        steps = {}
        for chunk in _chunks(work_orders):
            for step in mirror.WorkOrderStep.objects.filter(work_order__in=chunk):
                steps[(step.work_order, step.step)] = step
        context = cls(
            work_orders=_by(mirror.WorkOrder, "number", work_orders),
            steps=steps,
            materials=materials,
            items=_by(mirror.Item, "code", {t.item_code for t in txns}),
            warehouses=_by(mirror.Warehouse, "code", {t.warehouse for t in txns}),
            employees=_by(mirror.Employee, "number", {t.employee for t in txns}),
            crews=_by(mirror.Crew, "number", {t.crew for t in txns}),
            shift_max_hours=settings_row.shift_max_hours,
            near_window=timedelta(minutes=settings_row.near_duplicate_minutes),
            by_employee=defaultdict(list),
            by_work_order=defaultdict(list),
        )
        context._load_peers(txns)
        return context

    def _load_peers(self, txns: list[Transaction]) -> None:
        """Other collected lines that may overlap or repeat these: stored ones and each other."""
        peers: dict = {}
        live = ~Q(status=TransactionStatus.REJECTED)
        timed = [t for t in txns if t.type == TransactionType.LABOR and t.employee and t.start and t.stop]
        if timed:
            low = min(min(t.start, t.stop) for t in timed)
            high = max(max(t.start, t.stop) for t in timed)
            for chunk in _chunks(t.employee for t in timed):
                query = Transaction.objects.filter(
                    live, type=TransactionType.LABOR, employee__in=chunk, start__lt=high, stop__gt=low
                ).order_by()  # (unsorted: the queue's order would sort every peer for nothing)
                for row in query.values(*PEER_FIELDS):
                    peers[row["client_txn_id"]] = row
        low = min(t.collected_at for t in txns) - self.near_window
        high = max(t.collected_at for t in txns) + self.near_window
        for chunk in _chunks(t.work_order for t in txns):
            query = Transaction.objects.filter(live, work_order__in=chunk, collected_at__range=(low, high)).order_by()
            for row in query.values(*PEER_FIELDS):
                peers[row["client_txn_id"]] = row
        for txn in txns:  # the lines being checked see each other, stored or not
            peers[txn.client_txn_id] = {name: getattr(txn, name) for name in PEER_FIELDS}
        for row in peers.values():
            if row["type"] == TransactionType.LABOR and row["employee"] and row["start"] and row["stop"]:
                self.by_employee[row["employee"]].append(row)
            self.by_work_order[(row["type"], row["work_order"])].append(row)


# Each check's code in a few plain words, for the queue's rows and its "Finding" filter (the
# finding's own message, with its numbers, is on the line page and in the row's tooltip).
FINDING_ERRORS = {
    "unknown_work_order": "Work order is not in MAS",
    "closed_work_order": "Work order is closed in MAS",
    "unknown_step": "Step is not on the work order",
    "unknown_employee": "Employee is not in MAS",
    "inactive_employee": "Employee is inactive in MAS",
    "unknown_crew": "Crew is not in MAS",
    "inactive_crew": "Crew is no longer active",
    "unknown_item": "Item is not in MAS",
    "inactive_item": "Item is inactive in MAS",
    "unknown_warehouse": "Warehouse is not in MAS",
    "stop_before_start": "Stop time is before the start",
    "non_positive_hours": "Hours are zero or negative",
    "reversal_not_negative": "A reversal line must be 0 or negative",
}
FINDING_WARNINGS = {
    "work_order_on_hold": "Work order is on hold",
    "step_already_complete": "Step is already complete in MAS",
    "item_not_on_material_list": "Item is not on the material list",
    "hours_disagree_with_times": "Hours disagree with start and stop",
    "over_shift_maximum": "More hours than a shift allows",
    "overlapping_labor": "Overlaps another labor line",
    "quantity_over_remaining": "Quantity is more than the order has remaining",
    "nothing_to_post": "Nothing to post: quantity 0",
    "near_duplicate": "Looks like a repeat of another line",
    "field_not_used": "A value was sent that this type does not use",
    "collected_in_future": "Collected later than now: check the clock",
}
FINDING_SUMMARIES = {**FINDING_ERRORS, **FINDING_WARNINGS}


def finding_summary(code: str) -> str:
    """The code's plain words; an unknown code (a check since removed) as readable text."""
    return FINDING_SUMMARIES.get(code) or capfirst(code.replace("_", " "))


# --- the checks ---------------------------------------------------------------------------------
def _finding(txn, severity, code, field, message) -> Finding:
    return Finding(transaction=txn, severity=severity, code=code, field=field, message=message[:300])


def _check(txn: Transaction, ctx: _Context) -> list[Finding]:
    found: list[Finding] = []

    def add(severity, code, field, message):
        found.append(_finding(txn, severity, code, field, message))

    order = ctx.work_orders.get(txn.work_order)
    if order is None:
        add(ERROR, "unknown_work_order", "work_order", f"Work order {txn.work_order} is not in MAS.")
    elif not order.active:
        add(ERROR, "unknown_work_order", "work_order", f"Work order {txn.work_order} is no longer in MAS.")
    elif order.is_closed:
        add(ERROR, "closed_work_order", "work_order", f"Work order {txn.work_order} is closed in MAS.")
    elif order.on_hold:
        add(WARNING, "work_order_on_hold", "work_order", f"Work order {txn.work_order} is on hold in MAS.")
    known_order = order is not None and order.active

    step = None
    if txn.step and known_order:
        step = ctx.steps.get((txn.work_order, txn.step))
        if step is None or not step.active:
            add(ERROR, "unknown_step", "step", f"Step {txn.step} is not on work order {txn.work_order}.")
            step = None
        elif step.step_complete and txn.type in STEP_TYPES:
            add(WARNING, "step_already_complete", "step",
                f"Step {txn.step} of work order {txn.work_order} is already marked complete in MAS.")

    if txn.employee:
        employee = ctx.employees.get(txn.employee)
        if employee is None:
            add(ERROR, "unknown_employee", "employee", f"Employee {txn.employee} is not in MAS.")
        elif not employee.active or employee.mas_inactive:
            name = f"{employee.first_name} {employee.last_name}".strip()
            who = f"{txn.employee} ({name})" if name else txn.employee
            gone = "is no longer in MAS" if not employee.active else "is inactive in MAS"
            add(ERROR, "inactive_employee", "employee", f"Employee {who} {gone}.")
    if txn.crew:
        crew = ctx.crews.get(txn.crew)
        if crew is None:
            add(ERROR, "unknown_crew", "crew", f"Crew {txn.crew} is not in MAS.")
        elif not crew.active:
            add(ERROR, "inactive_crew", "crew", f"Crew {txn.crew} is no longer active in MAS.")
    if txn.item_code:
        item = ctx.items.get(txn.item_code)
        if item is None or not item.active:
            add(ERROR, "unknown_item", "item_code", f"Item {txn.item_code} is not in MAS.")
        elif item.mas_inactive:
            add(ERROR, "inactive_item", "item_code", f"Item {txn.item_code} is marked inactive in MAS.")
        elif known_order and txn.type == TransactionType.MATERIAL_ISSUE and not any(
            line.item_code == txn.item_code for line in ctx.materials.get(txn.work_order, ())
        ):
            add(WARNING, "item_not_on_material_list", "item_code",
                f"Item {txn.item_code} is not on the material list of work order {txn.work_order}.")
    if txn.warehouse:
        warehouse = ctx.warehouses.get(txn.warehouse)
        if warehouse is None or not warehouse.active:
            add(ERROR, "unknown_warehouse", "warehouse", f"Warehouse {txn.warehouse} is not in MAS.")

    if txn.type in LABOR_TYPES:
        _check_time(txn, ctx, add)
    if known_order:
        _check_quantity(txn, order, step, ctx, add)
    _check_repeat(txn, ctx, add)
    _check_reversal(txn, add)
    _check_unused(txn, add)
    _check_nothing_to_post(txn, add)
    # Against the time the portal received the line (a re-check an hour later must still see it),
    # or now for a line not yet stored.
    if txn.collected_at and txn.collected_at > (txn.received_at or timezone.now()) + CLOCK_SLACK:
        add(WARNING, "collected_in_future", "collected_at",
            f"Collected at {_local(txn.collected_at)}, later than now: check the clock of the device or desktop "
            "(its dates go to MAS as they are).")
    return found


# Sent hours further than this from their start and stop (six minutes) are said.
HOURS_AGREE = Decimal("0.1")
# How far ahead of the portal's clock a device's may be before a line says so.
CLOCK_SLACK = timedelta(minutes=15)


def _says_something(value) -> bool:
    """A value sent that carries information: not blank, not zero, not false (clients that send
    every field with its default are not flagged on every line)."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        text = value.strip()
        return text not in ("", "0", "N", "n", "false", "False")
    return True


def _check_unused(txn, add) -> None:
    """Values the device sent for fields the line's type does not have: stored with the line as
    sent (``raw``) but not used, and said, so a supervisor sees what was scanned."""
    unused = _UNUSED_FIELDS.get(txn.type)
    if unused is None or not isinstance(txn.raw, dict):
        return
    kind, names = unused
    for name in names:
        value = txn.raw.get(name)
        if value is not None and _says_something(value):
            label = Transaction._meta.get_field(name).verbose_name
            add(WARNING, "field_not_used", name,
                f"{capfirst(label)} {str(value)[:40]!r} was sent, but a {kind} line has no {label}: "
                "kept with the line as sent, not used.")


# Per type: its name in a message and the fields it does not have, in field order (worked out once,
# not for each line of a push).
_UNUSED_FIELDS = {
    kind: (TransactionType(kind).label.lower(), tuple(name for name in FIELDS if name not in has))
    for kind, has in TYPE_HAS.items()
}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _check_time(txn, ctx, add) -> None:
    reversal = txn.reverses_id is not None or (txn.qty_completed is not None and txn.qty_completed < 0)
    if txn.start and txn.stop and txn.stop < txn.start:
        add(ERROR, "stop_before_start", "stop",
            f"Stop time {_local(txn.stop)} is before start time {_local(txn.start)}.")
    elif txn.hours is not None and txn.hours <= 0 and not reversal:
        add(ERROR, "non_positive_hours", "hours",
            f"{_hours(txn.hours)} hours: hours must be more than 0 unless the line is a reversal "
            "(a negative quantity completed).")
    if txn.hours is not None and txn.start and txn.stop and txn.start < txn.stop and not reversal:
        worked = elapsed_hours(txn.start, txn.stop)
        if abs(txn.hours - worked) > HOURS_AGREE:
            add(WARNING, "hours_disagree_with_times", "hours",
                f"{_hours(txn.hours)} hours were sent, but {_local(txn.start)} to "
                f"{timezone.localtime(txn.stop):%H:%M} is {_hours(worked)} hours: the sent hours go to MAS.")
    if txn.hours is not None and txn.hours > ctx.shift_max_hours:
        add(WARNING, "over_shift_maximum", "hours",
            f"{_hours(txn.hours)} hours is more than the shift maximum of {_hours(ctx.shift_max_hours)} hours.")
    if txn.type == TransactionType.LABOR and txn.employee and txn.start and txn.stop and txn.start < txn.stop:
        for other in ctx.by_employee.get(txn.employee, ()):
            if other["client_txn_id"] == txn.client_txn_id or not other["start"] < other["stop"]:
                continue
            if txn.start < other["stop"] and other["start"] < txn.stop:
                where = f" (line #{other['id']})" if other["id"] else ""
                add(WARNING, "overlapping_labor", "start",
                    f"Overlaps another labor line of employee {txn.employee}{where}, "
                    f"{_local(other['start'])} to {timezone.localtime(other['stop']):%H:%M}.")
                break


def _check_quantity(txn, order, step, ctx, add) -> None:
    if txn.type == TransactionType.COMPLETION and txn.qty_completed and txn.qty_completed > 0:
        asked = txn.qty_completed + (txn.qty_scrapped or 0)
        if asked > order.qty_remaining:
            add(WARNING, "quantity_over_remaining", "qty_completed",
                f"Completing {_hours(asked)} is more than work order {txn.work_order} still needs "
                f"({_hours(order.qty_remaining)} of {_hours(order.qty_ordered)}).")
    elif txn.type in LABOR_TYPES and txn.qty_completed and txn.qty_completed > 0:
        done = step.qty_completed if step is not None else order.qty_complete
        remaining = order.qty_ordered - done
        if txn.qty_completed > remaining:
            where = f"step {txn.step} of work order {txn.work_order}" if step else f"work order {txn.work_order}"
            add(WARNING, "quantity_over_remaining", "qty_completed",
                f"Quantity completed {_hours(txn.qty_completed)} is more than {where} still needs "
                f"({_hours(remaining)}).")
    elif txn.type == TransactionType.MATERIAL_ISSUE and txn.quantity and txn.quantity > 0:
        lines = [line for line in ctx.materials.get(txn.work_order, ()) if line.item_code == txn.item_code]
        if lines:
            remaining = sum((line.qty_required - line.qty_issued for line in lines), Decimal(0))
            if txn.quantity > remaining:
                add(WARNING, "quantity_over_remaining", "quantity",
                    f"Issuing {_hours(txn.quantity)} of item {txn.item_code} is more than work order "
                    f"{txn.work_order} still needs ({_hours(remaining)}).")


def _check_nothing_to_post(txn, add) -> None:
    """A material issue of 0, or a completion of nothing completed and nothing scrapped: MAS
    would get a line that moves nothing (most often a quantity not keyed in)."""
    if txn.type == TransactionType.MATERIAL_ISSUE and txn.quantity == 0:
        add(WARNING, "nothing_to_post", "quantity", "A quantity of 0 issues nothing: was the quantity keyed in?")
    elif txn.type == TransactionType.COMPLETION and not txn.qty_completed and not txn.qty_scrapped:
        add(WARNING, "nothing_to_post", "qty_completed",
            "Nothing completed and nothing scrapped: was the quantity keyed in?")


REVERSED_FIELDS = ("hours", "qty_completed", "quantity", "qty_scrapped", "amount")


def _check_reversal(txn, add) -> None:
    """A reversal line takes what its line put into MAS back out: none of its values may be more
    than 0 (a correction that made one positive would post it twice)."""
    if txn.reverses_id is None:
        return
    for name in REVERSED_FIELDS:
        value = getattr(txn, name)
        if value is not None and value > 0:
            label = Transaction._meta.get_field(name).verbose_name
            add(ERROR, "reversal_not_negative", name,
                f"{capfirst(label)} {_hours(value)} on a reversal line of line #{txn.reverses_id}: "
                "a reversal takes values out of MAS, so it must be 0 or negative.")


def _person(line) -> tuple:
    get = line.get if isinstance(line, dict) else lambda name: getattr(line, name)
    if get("type") == TransactionType.LABOR:
        return ("employee", get("employee"))
    if get("type") == TransactionType.CREW_LABOR:
        return ("crew", get("crew"))
    if get("device_id"):
        return ("device", get("device_id"))
    return ("user", get("entered_by_id"))


def _check_repeat(txn, ctx, add) -> None:
    if txn.reverses_id is not None:  # made by the portal, once per line: its 8-hour parts are alike by design
        return
    person = _person(txn)
    if person[1] in (None, ""):
        return
    for other in ctx.by_work_order.get((txn.type, txn.work_order), ()):
        if other["client_txn_id"] == txn.client_txn_id:
            continue
        if abs(other["collected_at"] - txn.collected_at) > ctx.near_window:
            continue
        if _person(other) != person or any(other[name] != getattr(txn, name) for name in SAME_LINE_FIELDS):
            continue
        minutes = int(abs(other["collected_at"] - txn.collected_at).total_seconds() // 60)
        apart = "at the same minute" if minutes == 0 else f"{minutes} minute{'s' if minutes != 1 else ''} apart"
        where = f" (line #{other['id']})" if other["id"] else ""
        add(WARNING, "near_duplicate", "",
            f"Looks like a repeat: an identical line{where} from the same {person[0]} was collected {apart}.")
        return
