"""The review's state changes: approve, reject and edit collected transactions (STYLE.md).

Every page, bulk action, the automatic processing option and the tests go through these
functions. Each one

- checks the allowed source states (``APPROVE_FROM``, ``REJECT_FROM``, ``EDIT_FROM``);
- runs in ``transaction.atomic()`` and moves the state with a compare-and-set on
  ``(status, version)``, so a line someone else changed since the caller read it is skipped
  and reported, never overwritten;
- writes one audit row per changed line (``audit.log.record``), in bulk;
- announces what it changed with ``transaction.on_commit`` (the ``reviewed`` signal).

Transitions:

============  ===================================================  =============================
action        from                                                 to
============  ===================================================  =============================
approve       needs_review, flagged, rejected (reason required)    approved
reject        needs_review, flagged, approved (reason required)    rejected
edit          collected, needs_review, flagged, approved, rejected  needs_review, or flagged when
                                                                   the re-check finds something
============  ===================================================  =============================

``collected`` lines have not been checked yet: they cannot be approved or rejected until the
check has run. ``exported`` lines are locked: a correction after export is a new reversing
line, as in MAS. Approving a line with an error-level finding needs the
``transactions.approve_over_error`` permission and a reason.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db import transaction as db
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from audit.log import history, record
from transactions.models import FIELDS, TIMED_TYPES, Finding, Severity, Transaction, TransactionStatus
from kernel.clock import elapsed_hours

S = TransactionStatus
APPROVE_FROM = frozenset({S.NEEDS_REVIEW, S.FLAGGED, S.REJECTED})
REJECT_FROM = frozenset({S.NEEDS_REVIEW, S.FLAGGED, S.APPROVED})
EDIT_FROM = frozenset({S.COLLECTED, S.NEEDS_REVIEW, S.FLAGGED, S.APPROVED, S.REJECTED})
# Undoing an earlier decision needs a reason, like a rejection does.
REASON_REQUIRED_FROM = {"approve": frozenset({S.REJECTED}), "reject": REJECT_FROM}

EDITABLE_FIELDS = FIELDS  # every collected field may be corrected

# Sent after the commit with the ids a service changed: follow-up work (automatic export,
# notifications) listens here rather than being called from the services.
reviewed = Signal()  # kwargs: action, ids, by

CHUNK = 900  # ids per IN (...) list on SQLite (older builds allow 999 parameters a statement)
CHUNK_SERVER = 5_000  # and on PostgreSQL, where fewer round trips pay


class Skip:
    """Why a line was left as it was. Keys of ``Outcome.skipped``; ``Skip.TEXT`` words them."""

    STATE = "state"
    EXPORTED = "exported"
    NOT_CHECKED = "not_checked"
    STALE = "stale"
    ERROR_FINDING = "error_finding"
    REASON_MISSING = "reason_missing"
    NOT_FOUND = "not_found"

    TEXT = {
        STATE: "its state does not allow it",
        EXPORTED: "it was exported: locked (correct it with a reversing line)",
        NOT_CHECKED: "it has not been checked yet",
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
def approve(txns: Iterable[Transaction], *, by, reason: str = "", seen_at: datetime | None = None,
            actor_label: str = "") -> Outcome:
    """Approve the lines that may be approved; skip (and say why) the others.

    ``txns`` are the lines as the caller saw them: a line whose version differs now, or that
    changed after ``seen_at`` (when the page was shown), is skipped as changed by someone else.
    """
    return _decide("approve", txns, by=by, reason=reason, seen_at=seen_at, actor_label=actor_label)


def reject(txns: Iterable[Transaction], *, by, reason: str, seen_at: datetime | None = None,
           actor_label: str = "") -> Outcome:
    """Reject the lines that may be rejected, with a reason (required)."""
    return _decide("reject", txns, by=by, reason=reason, seen_at=seen_at, actor_label=actor_label)


def preview(action: str, txns: Iterable[Transaction], *, by, seen_at: datetime | None = None) -> Outcome:
    """What ``approve``/``reject`` would do now, writing nothing (for the confirmation page).

    Lines that need a reason are counted in ``done`` and listed in ``over_error`` (approve) or
    simply need the reason the page asks for (reject).
    """
    _check_permission(by)
    txns = list(txns)
    current = _current(txns, lock=False)
    return _plan(action, txns, current, by=by, reason=None, seen_at=seen_at)


def _decide(action, txns, *, by, reason, seen_at, actor_label) -> Outcome:
    """Plan on the lines as the caller saw them, then let the compare-and-set decide: a line
    whose (status, version) moved on, or that changed after ``seen_at``, does not match and is
    re-read only to say why it was skipped."""
    _check_permission(by)
    reason = (reason or "").strip()
    txns = list(txns)
    target = S.APPROVED if action == "approve" else S.REJECTED
    seen = {t.pk: {"pk": t.pk, "status": t.status, "version": t.version, "updated_at": None} for t in txns}
    with db.atomic():
        outcome = _plan(action, txns, seen, by=by, reason=reason, seen_at=None)
        if not outcome.done:
            return outcome
        now = timezone.now()
        user = by if getattr(by, "is_authenticated", False) else None
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        for pk in outcome.done:
            groups[(seen[pk]["status"], seen[pk]["version"])].append(pk)
        won: list[int] = []
        for (status, version), ids in groups.items():
            for chunk in _chunks(ids):
                match = Transaction.objects.filter(pk__in=chunk, status=status, version=version)
                if seen_at is not None:
                    match = match.filter(updated_at__lte=seen_at)
                changed = match.update(
                    status=target, version=F("version") + 1, reviewed_at=now, reviewed_by=user,
                    review_reason=reason, updated_at=now, updated_by=user,
                )
                if changed == len(chunk):
                    won.extend(chunk)
                else:  # some lines moved on: find the ones this update did move
                    won.extend(Transaction.objects.filter(
                        pk__in=chunk, status=target, version=version + 1, reviewed_at=now, updated_by=user,
                    ).values_list("pk", flat=True))
        lost = sorted(set(outcome.done) - set(won))
        outcome.done = sorted(won)
        if lost:
            current = _current([t for t in txns if t.pk in set(lost)], lock=False)
            for pk in lost:
                status = current.get(pk, {}).get("status")
                key = Skip.NOT_FOUND if status is None else Skip.EXPORTED if status == S.EXPORTED else Skip.STALE
                outcome.skipped.setdefault(key, []).append(pk)
        by_pk = {t.pk: t for t in txns}
        record(
            [by_pk[pk] for pk in outcome.done], action, by=user, actor_label=actor_label, reason=reason,
            changes={pk: {"status": [seen[pk]["status"], target]} for pk in outcome.done},
        )
        ids = list(outcome.done)
        db.on_commit(lambda: reviewed.send(sender=Transaction, action=action, ids=ids, by=user))
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
        elif now["status"] == S.COLLECTED:
            skip(Skip.NOT_CHECKED, txn.pk)
        elif now["status"] not in allowed:
            skip(Skip.STATE, txn.pk)
        else:
            candidates.append(txn.pk)
    if action == "approve" and candidates:
        with_errors = _with_error_findings(candidates)
        may_override = by is not None and by.has_perm("transactions.approve_over_error")
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


def _chunks(ids: list[int]):
    size = CHUNK if connection.vendor == "sqlite" else CHUNK_SERVER
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _check_permission(by) -> None:
    if by is not None and not by.has_perm("transactions.review_transaction"):
        raise PermissionDenied("You may not approve or reject transactions.")


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
    are dropped; with nothing left, nothing is written. The line's ``work_center`` is set anew
    from the mirror step its (new) work order and step name, in the same ``UPDATE``.
    """
    from transactions import validation

    if by is not None and not by.has_perm("transactions.change_transaction"):
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
        now = timezone.now()
        user = by if getattr(by, "is_authenticated", False) else None
        values = {name: after for name, (_, after) in diff.items()}
        # The work center follows the (new) mirror step, read in the same statement.
        work_center = validation.mirror_work_center(
            values.get("work_order", current.work_order), values.get("step", current.step)
        )
        updated = Transaction.objects.filter(pk=current.pk, version=expected_version, status=current.status).update(
            **values, work_center=work_center, version=F("version") + 1, updated_at=now, updated_by=user,
        )
        if updated != 1:  # someone won the race between our read and write
            current.refresh_from_db()
            return EditResult(False, refused=conflict_message(current), conflict=True)
        current.refresh_from_db()
        validation.replace_findings([current])
        new_status = S.FLAGGED if current.findings.exists() else S.NEEDS_REVIEW
        if new_status != current.status:
            diff["status"] = [current.status, new_status]
            Transaction.objects.filter(pk=current.pk).update(status=new_status)
            current.status = new_status
        record([current], "edit", by=user, reason=reason, changes=diff)
        db.on_commit(lambda: reviewed.send(sender=Transaction, action="edit", ids=[current.pk], by=user))
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
