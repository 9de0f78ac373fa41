"""How collected transactions come in: one path for the device API and the desktop form.

``collect(rows, device=… | user=…)`` reads each row (intake.parsing), checks the new ones
against the mirror (transactions.validation, which also gives each its step's work center), and
stores them with their findings and one audit row each, in one database transaction per call.
It answers one ``Result`` per row, in order:

- ``accepted``: stored now, in the state its processing option gives it (``transactions.lifecycle.admit``);
- ``duplicate``: this ``client_txn_id`` was stored before with the same content — same id,
  nothing stored (a retry after a lost answer);
- ``conflict``: the id was stored before with other content — nothing changed;
- ``invalid``: the row cannot be a transaction (``errors`` says which field and why).

Replays are safe under concurrency: ``client_txn_id`` is unique in the database. The write
transaction re-reads which ids exist before inserting (on SQLite it holds the write lock from
its first statement, so nothing can slip in); on PostgreSQL a racing insert of the same id
fails the bulk insert inside a savepoint, and the rows are then inserted one by one, each in
its own savepoint, re-reading the row that won. Rows are inserted in id order, so two pushes
never wait on each other in a cycle. A row is stored whole (with its findings and audit row)
or not at all.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import DEFERRED
from django.utils import timezone

from intake.parsing import FIELDS, TEXT_FIELDS, Parsed, parse, read_value, storable
from kernel.bulk import insert_objects, prepared_rows
from kernel.clock import elapsed_hours
from mas.models import WorkOrder
from transactions import lifecycle, validation
from transactions.lifecycle import Actor
from transactions.models import Device, ProcessingOption, Transaction, TransactionSource, TransactionType

try:
    import fcntl
except ImportError:  # Windows: SQLite's own busy wait only (production runs PostgreSQL there)
    fcntl = None

ACCEPTED, DUPLICATE, CONFLICT, INVALID = "accepted", "duplicate", "conflict", "invalid"
MAX_PER_REQUEST = 1000
CHUNK = 500


@dataclass
class Result:
    client_txn_id: Any
    status: str
    id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)
    transaction: Transaction | None = None  # the stored row, when accepted now

    def as_json(self) -> dict:
        return {"client_txn_id": self.client_txn_id, "status": self.status, "id": self.id, "errors": self.errors}


def collect(rows: list, *, device: Device | None = None, user=None) -> list[Result]:
    """Store what was collected; see the module docstring. Exactly one of device or user."""
    assert (device is None) != (user is None), "a transaction comes from a device or a user"
    parsed = [parse(row) for row in rows]
    results: list[Result | None] = [None] * len(parsed)
    first: dict = {}  # client_txn_id -> index of its first readable row in this call
    for index, line in enumerate(parsed):
        if not line.ok:
            results[index] = Result(line.echo_id, INVALID, errors=line.errors)
        elif line.client_txn_id not in first:
            first[line.client_txn_id] = index

    stored = _stored(first)
    fresh = []
    for txn_id, index in first.items():
        if txn_id in stored:
            results[index] = _replay(parsed[index], *stored[txn_id])
        else:
            fresh.append(index)

    now = timezone.now()
    if fresh:
        txns = _build([parsed[i] for i in fresh], device=device, user=user)
        findings = validation.check_many(txns, fill_work_center=True)  # the mirror read once for both
        by = Actor.system(device.name) if device is not None else user
        # Each line's first state, from its type's processing option (automatic approval included).
        reasons = lifecycle.admit(txns, findings, dict(ProcessingOption.objects.values_list("type", "mode")), by=by)
        outcome = _store(txns, findings, reasons, device=device, by=by, now=now)
        for index, txn in zip(fresh, txns):
            results[index] = outcome[txn.client_txn_id]
    elif device is not None:
        with _sqlite_write_gate():
            Device.objects.filter(pk=device.pk).update(last_push_at=now, last_seen_at=now)

    # The same id twice in one call: the later rows are replays of the first.
    for index, line in enumerate(parsed):
        if results[index] is None:
            winner = results[first[line.client_txn_id]]
            winner_hash = parsed[first[line.client_txn_id]].content_hash
            if winner.status == ACCEPTED or winner.status == DUPLICATE:
                results[index] = _replay(line, winner.id, winner_hash)
            else:  # the first was a conflict: so is this one, against what is stored
                results[index] = _replay(line, *stored.get(line.client_txn_id, (winner.id, "")))
    return results


def preview(row: dict, *, user) -> dict:
    """What the desktop form shows as you type: shape errors so far and the mirror's findings."""
    line = parse(row)
    # Only what was typed so far: a field not reached yet is not an error yet.
    errors = {
        name: message for name, message in line.errors.items() if name in FIELDS and row.get(name) not in (None, "")
    }
    if line.type:
        values = line.values or _partial_values(row)
        txn = Transaction(
            client_txn_id=line.client_txn_id, type=line.type, collected_at=line.collected_at or timezone.now(),
            source=TransactionSource.USER, entered_by=user, **values,
        )
        if txn.type in validation.LABOR_TYPES and txn.hours is None and txn.start and txn.stop:
            txn.hours = elapsed_hours(txn.start, txn.stop)
        findings = validation.check(txn)
    else:
        findings = []
    return {
        "errors": errors,
        "findings": [
            {"severity": f.severity, "code": f.code, "field": f.field, "message": f.message} for f in findings
        ],
    }


# --- the steps ------------------------------------------------------------------------------------
def _stored(ids) -> dict:
    """client_txn_id -> (id, content_hash) of the ones already stored."""
    found = {}
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        rows = Transaction.objects.filter(client_txn_id__in=ids[start : start + CHUNK])
        for pk, txn_id, digest in rows.values_list("pk", "client_txn_id", "content_hash"):
            found[txn_id] = (pk, digest)
    return found


def _replay(line: Parsed, pk: int, digest: str) -> Result:
    if line.content_hash == digest:
        return Result(str(line.client_txn_id), DUPLICATE, id=pk)
    return Result(
        str(line.client_txn_id), CONFLICT, id=pk,
        errors={"client_txn_id": "Already used for a different transaction; nothing was changed."},
    )


def _partial_values(row: dict) -> dict:
    """The fields of a half-typed form that read cleanly (for the preview only)."""
    values = {}
    for name in FIELDS:
        try:
            values[name] = read_value(name, row.get(name))
        except ValueError:
            values[name] = "" if name in TEXT_FIELDS else None
    return values


def _build(lines: list[Parsed], *, device, user) -> list[Transaction]:
    # A completion without a warehouse goes to the order's parent warehouse (PRODUCT.md §4).
    need_default = {
        line.values["work_order"] for line in lines
        if line.type == TransactionType.COMPLETION and not line.values["warehouse"]
    }
    parents = dict(
        WorkOrder.objects.filter(number__in=need_default).values_list("number", "parent_warehouse")
    ) if need_default else {}
    # Each line is made as ``Transaction(client_txn_id=…, type=…, …, device=device, entered_by=user,
    # **values)`` would make it, but from its values in field order (Django's quick path, the one
    # rows read from the database take): the fields not given their defaults, then the device
    # and the user set as keyword arguments set them (through their descriptors).
    at, defaults, fresh = _field_slots()
    defaults = list(defaults)
    defaults[at["source"]] = TransactionSource.DEVICE if device else TransactionSource.USER
    txn_id, type_, collected_at, content, raw = (
        at["client_txn_id"], at["type"], at["collected_at"], at["content_hash"], at["raw"],
    )
    slots = [(at[name], name) for name in FIELDS]
    warehouse, work_order = at["warehouse"], at["work_order"]
    txns = []
    for line in lines:
        args = defaults.copy()
        for index, made in fresh:
            args[index] = made.get_default()
        args[txn_id], args[type_], args[collected_at] = line.client_txn_id, line.type, line.collected_at
        args[content], args[raw] = line.content_hash, storable(line.raw)
        values = line.values
        for index, name in slots:
            args[index] = values[name]
        if line.type == TransactionType.COMPLETION and not args[warehouse]:
            args[warehouse] = parents.get(args[work_order], "")
        txn = Transaction(*args)
        txn.device = device
        txn.entered_by = user
        txns.append(txn)
    return txns


# The fields ``_build`` gives every line; the others take their defaults.
_BUILT = frozenset({"client_txn_id", "type", "collected_at", "source", "content_hash", "raw", "device", "entered_by",
                    *FIELDS})


@functools.cache
def _field_slots() -> tuple[dict[str, int], tuple, tuple]:
    """(field name -> its place among ``Transaction``'s concrete fields, each field's default,
    the fields not built whose default is made anew for each instance — none today: a ``dict``,
    a ``uuid4()``, a database default — as (place, field))."""
    fields = Transaction._meta.concrete_fields
    defaults, fresh = [], []
    for index, field in enumerate(fields):
        if getattr(field, "generated", False):  # left unset, as the keyword arguments leave it
            defaults.append(DEFERRED)
            continue
        default = field.get_default()
        defaults.append(default)
        if field.name not in _BUILT and not (default is None or isinstance(default, (str, int, bool, Decimal))):
            fresh.append((index, field))
    return {field.name: index for index, field in enumerate(fields)}, tuple(defaults), tuple(fresh)


@contextmanager
def _sqlite_write_gate():
    """On SQLite, pushes queue for the write lock in the kernel (a blocking ``flock`` on a file
    in the temp folder named after the database) instead of in SQLite's busy handler, which
    polls with growing sleeps and can starve one writer past its timeout while others keep
    winning. Elsewhere: nothing."""
    if connection.vendor != "sqlite" or fcntl is None:
        yield
        return
    database = os.path.abspath(str(connection.settings_dict["NAME"]))
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    with open(os.path.join(tempfile.gettempdir(), f"woscan-intake-{digest}.lock"), "a+b") as gate:
        fcntl.flock(gate.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(gate.fileno(), fcntl.LOCK_UN)


def _store(txns, findings, reasons, *, device, by, now) -> dict:
    """Insert the new lines, their findings and audit rows in one transaction; answer per id."""
    outcome: dict = {}
    by_id = {txn.client_txn_id: (txn, found, reason) for txn, found, reason in zip(txns, findings, reasons)}
    # The lines' values made ready before the write lock: on SQLite pushes take it one at a time.
    rows = {txn.client_txn_id: row for txn, row in zip(txns, prepared_rows(txns))}
    with _sqlite_write_gate(), transaction.atomic():
        # Inside the write transaction: ids another push stored since we looked are replays.
        for txn_id, (pk, digest) in _stored(by_id).items():
            txn = by_id.pop(txn_id)[0]
            outcome[txn_id] = _replay(_as_parsed(txn), pk, digest)
        pending = [by_id[txn_id][0] for txn_id in sorted(by_id, key=_uuid_order)]
        try:
            with transaction.atomic():
                insert_objects(pending, key="client_txn_id", rows=[rows[txn.client_txn_id] for txn in pending])
            inserted = pending
        except IntegrityError:
            inserted = []
            for txn in pending:  # a concurrent push stored one of these ids: one by one
                try:
                    with transaction.atomic():
                        txn.pk = None
                        txn.save(force_insert=True)
                    inserted.append(txn)
                except IntegrityError:
                    txn.pk = None
                    stored = _stored([txn.client_txn_id]).get(txn.client_txn_id)
                    if stored is None:
                        raise  # not a concurrent push of the same id: a real error, not a replay
                    outcome[txn.client_txn_id] = _replay(_as_parsed(txn), *stored)
        found = [f for txn in inserted for f in by_id[txn.client_txn_id][1]]
        for finding in found:
            finding.transaction_id = finding.transaction.pk  # set when the line was stored
        insert_objects(found)
        lifecycle.record_arrival(inserted, [by_id[txn.client_txn_id][2] for txn in inserted], by=by)
        if device is not None:
            Device.objects.filter(pk=device.pk).update(last_push_at=now, last_seen_at=now)
    for txn in inserted:
        outcome[txn.client_txn_id] = Result(str(txn.client_txn_id), ACCEPTED, id=txn.pk, transaction=txn)
    return outcome


def _uuid_order(txn_id) -> int:
    """The sort key of a ``client_txn_id``: the order of ``UUID`` itself (its ``int``), without
    a Python-level comparison per pair."""
    return txn_id.int


def _as_parsed(txn: Transaction) -> Parsed:
    return Parsed(client_txn_id=txn.client_txn_id, content_hash=txn.content_hash)
