"""The review's state changes: approve, reject and edit collected transactions (STYLE.md).

Every page, bulk action and the tests go through these functions; the state itself moves in
``transactions.lifecycle`` (its table says which states each move starts from, who may make it
and what it records). Each function here

- says who acts (``by``: a user, or a ``lifecycle.Actor``; never ``None``) and refuses an actor
  without the permission;
- sorts the lines into those that change and those skipped, with the reason (``Skip``): the
  review's own rules — a reason to undo a rejection or to approve over an error, which needs the
  ``transactions.approve_over_error`` permission;
- moves them with ``lifecycle.move`` in one ``transaction.atomic()``: a compare-and-set on
  ``(status, version)``, so a line someone else changed since the caller read it is skipped and
  reported, never overwritten; one audit row per changed line.

Transitions:

============  ===================================================  =============================
action        from                                                 to
============  ===================================================  =============================
approve       needs_review, flagged, rejected (reason required)    approved
reject        needs_review, flagged, approved (reason required)    rejected
edit          needs_review, flagged, approved, rejected            needs_review, or flagged when
                                                                   the re-check finds something
============  ===================================================  =============================

``exported`` lines are locked: a correction after export is a new reversing line, as in MAS.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction as db
from django.utils import timezone

from transactions.models import FIELDS, TIMED_TYPES, Finding, Severity, Transaction, TransactionStatus
from kernel.clock import elapsed_hours
from kernel.permissions import may
from audit.log import history
from transactions import lifecycle
from transactions.lifecycle import Actor

S = TransactionStatus
APPROVE_FROM = lifecycle.TRANSITIONS["approve"].sources
REJECT_FROM = lifecycle.TRANSITIONS["reject"].sources
EDIT_FROM = lifecycle.TRANSITIONS["correct"].sources
# Undoing an earlier decision needs a reason, like a rejection does.
REASON_REQUIRED_FROM = {"approve": frozenset({S.REJECTED}), "reject": REJECT_FROM}

EDITABLE_FIELDS = FIELDS  # every collected field may be corrected


class Skip:
    """Why a line was left as it was. Keys of ``Outcome.skipped``; ``Skip.TEXT`` words them."""

    STATE = "state"
    EXPORTED = "exported"
    STALE = "stale"
    ERROR_FINDING = "error_finding"
    REASON_MISSING = "reason_missing"
    NOT_FOUND = "not_found"

    TEXT = {
        STATE: "its state does not allow it",
        EXPORTED: "it was exported: locked (correct it with a reversing line)",
        STALE: "someone else changed it since the page was shown",
        ERROR_FINDING: "it has an error-level finding and you may not approve over errors",
        REASON_MISSING: "a reason is required",
        NOT_FOUND: "it no longer exists",
    }


@dataclass
class Outcome:
    """What a state change did: the ids it changed and, per reason, the ids it skipped."""

    action: str
    done: list[int] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    # Ids that will be changed only when a reason is given (preview only).
    over_error: list[int] = field(default_factory=list)

    @property
    def skipped_count(self) -> int:
        return sum(len(ids) for ids in self.skipped.values())

    def skipped_reasons(self) -> list[tuple[str, str, int]]:
        """(key, words, count) per reason, for messages and the confirmation page."""
        return [(key, Skip.TEXT[key], len(ids)) for key, ids in self.skipped.items() if ids]

    def summary(self) -> str:
        verb = {"approve": "Approved", "reject": "Rejected"}.get(self.action, self.action)
        text = f"{verb} {len(self.done)} line{'s' if len(self.done) != 1 else ''}."
        if self.skipped_count:
            text += " Skipped " + "; ".join(f"{n} because {words}" for _, words, n in self.skipped_reasons()) + "."
        return text


@dataclass
class EditResult:
    """What an edit did. ``ok`` is False when it was refused (``refused`` says why)."""

    ok: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)
    refused: str = ""
    conflict: bool = False


# --- approve / reject -------------------------------------------------------------------------
def approve(txns: Iterable[Transaction], *, by, reason: str = "", seen_at: datetime | None = None) -> Outcome:
    """Approve the lines that may be approved; skip (and say why) the others.

    ``txns`` are the lines as the caller saw them: a line whose version differs now, or that
    changed after ``seen_at`` (when the page was shown), is skipped as changed by someone else.
    """
    return _decide("approve", txns, by=by, reason=reason, seen_at=seen_at)


def reject(txns: Iterable[Transaction], *, by, reason: str, seen_at: datetime | None = None) -> Outcome:
    """Reject the lines that may be rejected, with a reason (required)."""
    return _decide("reject", txns, by=by, reason=reason, seen_at=seen_at)


def preview(action: str, txns: Iterable[Transaction], *, by, seen_at: datetime | None = None) -> Outcome:
    """What ``approve``/``reject`` would do now, writing nothing (for the confirmation page).

    Lines that need a reason are counted in ``done`` and listed in ``over_error`` (approve) or
    simply need the reason the page asks for (reject).
    """
    actor = _reviewer(by)
    txns = list(txns)
    current = _current(txns, lock=False)
    return _plan(action, txns, current, by=actor, reason=None, seen_at=seen_at)


def _decide(action, txns, *, by, reason, seen_at) -> Outcome:
    """Plan on the lines as the caller saw them, then let the compare-and-set decide: a line
    whose (status, version) moved on, or that changed after ``seen_at``, does not match and is
    re-read only to say why it was skipped."""
    actor = _reviewer(by)
    reason = (reason or "").strip()
    txns = list(txns)
    seen = {t.pk: {"pk": t.pk, "status": t.status, "version": t.version, "updated_at": None} for t in txns}
    with db.atomic():
        outcome = _plan(action, txns, seen, by=actor, reason=reason, seen_at=None)
        if not outcome.done:
            return outcome
        by_pk = {t.pk: t for t in txns}
        moved = lifecycle.move(action, [by_pk[pk] for pk in outcome.done], by=actor, reason=reason, seen_at=seen_at)
        outcome.done = moved.done
        lost = sorted({*moved.lost, *moved.refused})
        if lost:
            current = _current([by_pk[pk] for pk in lost], lock=False)
            for pk in lost:
                status = current.get(pk, {}).get("status")
                key = Skip.NOT_FOUND if status is None else Skip.EXPORTED if status == S.EXPORTED else Skip.STALE
                outcome.skipped.setdefault(key, []).append(pk)
    return outcome


def _plan(action, txns, current, *, by, reason, seen_at) -> Outcome:
    """Sort the lines into those that change and those skipped, with the reason."""
    allowed = APPROVE_FROM if action == "approve" else REJECT_FROM
    outcome = Outcome(action)
    skip = lambda key, pk: outcome.skipped.setdefault(key, []).append(pk)  # noqa: E731
    candidates = []
    for txn in txns:
        now = current.get(txn.pk)
        if now is None:
            skip(Skip.NOT_FOUND, txn.pk)
        elif now["status"] == S.EXPORTED:
            skip(Skip.EXPORTED, txn.pk)
        elif _changed_since(now, txn, seen_at):
            skip(Skip.STALE, txn.pk)
        elif now["status"] not in allowed:
            skip(Skip.STATE, txn.pk)
        else:
            candidates.append(txn.pk)
    if action == "approve" and candidates:
        with_errors = _with_error_findings(candidates)
        may_override = may(by, Transaction, "approve_over_error")
        for pk in candidates:
            needs_reason = pk in with_errors or current[pk]["status"] in REASON_REQUIRED_FROM["approve"]
            if pk in with_errors and not may_override:
                skip(Skip.ERROR_FINDING, pk)
            elif needs_reason and reason == "":
                skip(Skip.REASON_MISSING, pk)
            else:
                outcome.done.append(pk)
                if needs_reason and reason is None:
                    outcome.over_error.append(pk)
    elif candidates:
        if reason == "":
            outcome.skipped.setdefault(Skip.REASON_MISSING, []).extend(candidates)
        else:
            outcome.done.extend(candidates)
    return outcome


def _changed_since(now: dict, txn: Transaction, seen_at: datetime | None) -> bool:
    if now["version"] != txn.version:
        return True
    return seen_at is not None and now["updated_at"] is not None and now["updated_at"] > seen_at


def _current(txns: Sequence[Transaction], *, lock: bool) -> dict[int, dict]:
    """The lines' state now: {pk: {status, version, updated_at}}, locked when asked."""
    result = {}
    for chunk in _chunks([t.pk for t in txns]):
        qs = Transaction.objects.filter(pk__in=chunk).order_by()
        if lock:
            qs = qs.select_for_update()
        for row in qs.values("pk", "status", "version", "updated_at"):
            result[row["pk"]] = row
    return result


def _with_error_findings(pks: list[int]) -> set[int]:
    found = set()
    for chunk in _chunks(pks):
        found.update(
            Finding.objects.filter(transaction_id__in=chunk, severity=Severity.ERROR)
            .order_by().values_list("transaction_id", flat=True).distinct()
        )
    return found


_chunks = lifecycle.chunks


def _reviewer(by) -> Actor:
    """The actor, if it may approve and reject (a supervisor; never the system: the processing
    options decide on arrival, ``lifecycle.admit``)."""
    actor = Actor.of(by)
    if not lifecycle.TRANSITIONS["approve"].may(actor):
        raise PermissionDenied("You may not approve or reject transactions.")
    return actor


# --- edit -------------------------------------------------------------------------------------
def _followed_hours(current: Transaction, diff: dict) -> Decimal | None:
    """The hours a corrected start or stop moves them to, when they were worked out from the times
    on arrival (the line came without hours) and the correction leaves them alone: the file sends
    MAS the hours, not the times. None when the hours stay."""
    if current.type not in TIMED_TYPES or "hours" in diff or not ({"start", "stop"} & set(diff)):
        return None
    start, stop = (diff[n][1] if n in diff else getattr(current, n) for n in ("start", "stop"))
    sent = current.raw.get("hours") if isinstance(current.raw, dict) else None
    return elapsed_hours(start, stop) if start and stop and sent in (None, "") else None



def edit(txn: Transaction, *, by, changes: dict[str, Any], expected_version: int, reason: str = "") -> EditResult:
    """Correct a line's fields, re-check it, and put it back in the queue.

    Refused when the line was exported or changed by someone else since ``expected_version``
    was read ("changed by X at T — review their change"). Changes equal to the stored values
    are dropped; with nothing left, nothing is written. The corrected line is checked before it
    is written, and its fields, its ``work_center`` (from the mirror step its work order and step
    name) and its state (by its findings) are written in one compare-and-set ``UPDATE``.
    """
    from transactions import validation

    actor = Actor.of(by)
    if not lifecycle.TRANSITIONS["correct"].may(actor):
        raise PermissionDenied("You may not correct transactions.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be edited: {', '.join(sorted(unknown))}")
    with db.atomic():
        current = Transaction.objects.select_for_update().filter(pk=txn.pk).first()
        if current is None:
            return EditResult(False, refused="This line no longer exists.")
        if current.status == S.EXPORTED:
            return EditResult(False, refused=Skip.TEXT[Skip.EXPORTED].capitalize() + ".")
        if current.version != expected_version:
            return EditResult(False, refused=conflict_message(current), conflict=True)
        if current.status not in EDIT_FROM:
            return EditResult(False, refused=f"A {current.get_status_display().lower()} line cannot be edited.")
        diff = {name: [getattr(current, name), value] for name, value in changes.items()
                if getattr(current, name) != value}
        if not diff:
            return EditResult(True)
        hours = _followed_hours(current, diff)
        if hours is not None and hours != current.hours:
            diff["hours"] = [current.hours, hours]
        values = {name: after for name, (_, after) in diff.items()}
        corrected = copy(current)
        for name, value in values.items():
            setattr(corrected, name, value)
        # The work center follows the (new) mirror step, out of the same read as the findings.
        findings = validation.recheck(corrected)
        target = lifecycle.open_state(bool(findings))
        moved = lifecycle.move(
            "correct", [corrected], by=actor, reason=reason, targets={current.pk: target},
            values={**values, "work_center": corrected.work_center}, changes=dict(diff),
        )
        if not moved.done:  # someone won the race between our read and write
            current.refresh_from_db()
            return EditResult(False, refused=conflict_message(current), conflict=True)
        validation.save_findings([corrected], [findings])
        if target != current.status:
            diff["status"] = [current.status, target]
    txn.refresh_from_db()
    return EditResult(True, changes=diff)


def conflict_message(current: Transaction) -> str:
    """ "changed by X at T — review their change", naming who changed the line last."""
    who, when = current.updated_by, current.updated_at
    last = history(current).first()
    if last is not None:
        who, when = last.actor or last.actor_label or who, last.at
    name = (who.get_full_name() or who.get_username()) if hasattr(who, "get_username") else (who or "someone")
    stamp = timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S") if when else "an unknown time"
    return f"This line was changed by {name} at {stamp} — review their change before saving yours."
