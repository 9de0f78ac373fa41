"""The life of a collected line: its states, every move between them, who may make each one
and what each records. The one module that writes a line's ``status``.

A line is checked before it is stored, and arrives in the state its type's processing option
gives it (``admit``). Every later change of a stored line's state goes through ``move()``:

================  ===========================  ===================  ================================  ============
move              from                          to                   who may                           audit action
================  ===========================  ===================  ================================  ============
(arrival)         —                             needs_review,        the device, or a user with        collected
                                                flagged, approved    ``transactions.enter_transactions``
approve           needs_review, flagged,        approved             ``transactions.review_transaction``    approved
                  rejected
reject            needs_review, flagged,        rejected             ``transactions.review_transaction``    rejected
                  approved
correct           needs_review, flagged,        by its findings      ``transactions.change_transaction``    corrected
                  approved, rejected
revalidate        needs_review, flagged         by its findings      the system (after a pull)         revalidated
export            approved                      exported             ``transactions.export_transactions``,  exported
                                                                     or the system (schedule, command)
return            exported                      by its findings      ``batches.reexport_batch``        returned
reexport          exported                      exported (new batch) ``batches.reexport_batch``        reexported
reverse           exported                      exported             ``transactions.reverse_transaction``   reversed
================  ===========================  ===================  ================================  ============

"Reverse" leaves the line exported (it stays in MAS) and claims it for its reversal lines with the
compare-and-set, so two supervisors pressing it at once make one reversal (``reviews.reversal``);
the reversal lines arrive as new lines (``admit``, ``record_arrival``).

"By its findings" is the rule of validation: a line with any finding (error or warning) waits
``flagged``, one without ``needs_review`` (``open_state``). So a voided batch's lines go back
where their findings say, and an approval over an error comes back flagged.

What each move sets besides ``status``: ``version + 1`` and ``updated_at`` always; approve and
reject the review stamp (``reviewed_at``, ``reviewed_by``, ``review_reason``) and
``decision_source = "supervisor"``; correct the corrected fields and ``work_center``; every move
into review (correct, revalidate, return) clears ``decision_source`` — the line is undecided
again. Approve, reject and correct also set ``updated_by``. The table's ``sets`` lists the other
fields a caller may pass.

``move()`` is set-based: one compare-and-set ``UPDATE`` per (status, version, target) group and
chunk of ids — a line someone changed since the caller read it does not match and is reported
in ``lost``, never overwritten; one audit row per moved line (``audit.log.record``, in bulk);
follow-up work (``then``) is enqueued with ``transaction.on_commit``. A line whose state (as the
caller read it) the move does not start from is reported in ``refused``.

The export moves thousands of lines at once in one statement: ``export_claim`` is that move as
one ``UPDATE … RETURNING id`` (``batches.claim`` runs it into a temporary table), and
``record_exported`` writes its audit rows as the export reads the claimed lines back.

Who acts is always said: an ``Actor`` — a user, or ``Actor.system(label)`` for the schedule,
a device, the pull or a command. ``None`` is refused.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db import transaction as db
from django.db.models import F
from django.utils import timezone

from audit.actions import AuditAction
from kernel import idlist
from kernel.permissions import permission_for
from audit.log import record
from transactions.models import FIELDS, DecisionSource, Finding, Transaction, TransactionStatus

S = TransactionStatus
OPEN = (S.NEEDS_REVIEW, S.FLAGGED)  # waiting for a supervisor; re-checked after each pull
BY_FINDINGS = None  # a move's ``to`` when the line's findings say where it goes (``open_state``)
CHUNK = 900  # ids per IN (...) list on SQLite (older builds allow 999 parameters a statement)
CHUNK_SERVER = 5_000  # and on PostgreSQL, where fewer round trips pay


# --- who acts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    """Who moves a line or a batch: a signed-in ``user``, or the system named by ``label``
    (``Actor.system("schedule")``, a device, the pull, a command). Never nobody."""

    user: Any = None
    label: str = ""

    @classmethod
    def system(cls, label: str) -> Actor:
        if not label:
            raise ValueError("A system actor is named: the schedule, the device, the command.")
        return cls(None, label[:150])

    @classmethod
    def of(cls, by) -> Actor:
        """``by`` as an actor: an ``Actor`` as it is, a signed-in user as a user actor. ``None``
        (or a signed-out user) is refused: every state change says who made it."""
        if isinstance(by, Actor):
            return by
        if by is None:
            raise ValueError("Say who acts: a user, or Actor.system(...) for the schedule, a device or a command.")
        if not getattr(by, "is_authenticated", False):
            raise PermissionDenied("Sign in first.")
        return cls(by, "")

    @property
    def is_system(self) -> bool:
        return self.user is None

    def has_perm(self, perm: str) -> bool:
        return self.user is not None and self.user.has_perm(perm)

    def __str__(self) -> str:
        return self.label if self.user is None else self.user.get_username()


def allowed(who_perms: tuple[str, ...], system: bool, actor: Actor) -> bool:
    """May ``actor`` make a move that a user with any of ``who_perms`` (or the system) may make?"""
    return system if actor.is_system else any(actor.has_perm(p) for p in who_perms)


# --- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    to: str | None  # BY_FINDINGS: where the line's findings say
    perms: tuple[str, ...]  # a user needs one of these; () — no user may
    system: bool  # the system actor may
    action: str  # the audit row's action
    sets: tuple[str, ...] = ()  # other fields the caller may set with the move
    review: bool = False  # stamps reviewed_at, reviewed_by, review_reason
    by_user: bool = False  # stamps updated_by
    decision: str | None = None  # the decision_source it stores; None: left as it is

    def may(self, actor: Actor) -> bool:
        return allowed(self.perms, self.system, actor)


_LINE = "transactions.transaction"  # the permissions are the action map's (kernel.permissions.ACTIONS)
_REVIEW = (permission_for(_LINE, "review"),)
_REEXPORT = (permission_for("batches.exportbatch", "reexport"),)
TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("approve", frozenset({S.NEEDS_REVIEW, S.FLAGGED, S.REJECTED}), S.APPROVED, _REVIEW, False,
               AuditAction.APPROVED, review=True, by_user=True, decision=DecisionSource.SUPERVISOR),
    Transition("reject", frozenset({S.NEEDS_REVIEW, S.FLAGGED, S.APPROVED}), S.REJECTED, _REVIEW, False,
               AuditAction.REJECTED, review=True, by_user=True, decision=DecisionSource.SUPERVISOR),
    Transition("correct", frozenset({S.NEEDS_REVIEW, S.FLAGGED, S.APPROVED, S.REJECTED}), BY_FINDINGS,
               (permission_for(_LINE, "change"),), False, AuditAction.CORRECTED, sets=(*FIELDS, "work_center"),
               by_user=True, decision=DecisionSource.NONE),
    Transition("revalidate", frozenset(OPEN), BY_FINDINGS, (), True, AuditAction.REVALIDATED, decision=DecisionSource.NONE),
    Transition("export", frozenset({S.APPROVED}), S.EXPORTED, (permission_for(_LINE, "export"),), True, AuditAction.EXPORTED),
    Transition("return", frozenset({S.EXPORTED}), BY_FINDINGS, _REEXPORT, False, AuditAction.RETURNED,
               sets=("review_reason",), decision=DecisionSource.NONE),
    Transition("reexport", frozenset({S.EXPORTED}), S.EXPORTED, _REEXPORT, False, AuditAction.REEXPORTED),
    Transition("reverse", frozenset({S.EXPORTED}), S.EXPORTED, (permission_for(_LINE, "reverse"),), False,
               AuditAction.REVERSED),
)}

# Arrival, per processing option (transactions.ProcessingMode): (state without findings, with findings,
# decision source when approved, audit reason without findings, with findings).
ARRIVAL = {
    "ready": (S.APPROVED, S.APPROVED, DecisionSource.READY_AT_ONCE,
              "Processing option: ready at once.", "Processing option: ready at once."),
    "automatic": (S.APPROVED, S.FLAGGED, DecisionSource.AUTOMATIC,
                  "Processing option: process automatically; no findings, approved.",
                  "Processing option: process automatically; findings wait for review."),
    "review": (S.NEEDS_REVIEW, S.FLAGGED, DecisionSource.NONE,
               "Processing option: review by hand.", "Processing option: review by hand."),
}
ARRIVAL_PERMS = (permission_for(_LINE, "enter"),)  # a user entering lines; a device is a system actor


def open_state(has_findings: bool) -> str:
    """Where a line waiting for a supervisor sits: flagged with any finding, else needs review."""
    return S.FLAGGED if has_findings else S.NEEDS_REVIEW


def check(name: str, by) -> Actor:
    """The actor, if it may make move ``name``; else ``PermissionDenied``."""
    actor = Actor.of(by)
    if not TRANSITIONS[name].may(actor):
        raise PermissionDenied(f"{actor} may not {name} transactions.")
    return actor


# --- arrival ------------------------------------------------------------------------------------
def admit(txns: Sequence[Transaction], findings: Sequence[list[Finding]], modes: Mapping[str, str], *, by) -> list[str]:
    """Give new, unsaved lines their first state from their type's processing option (``modes``:
    type → mode; review by hand when a type has none) and their findings; return the audit reason
    of each. The lines are then stored by the caller and ``record_arrival`` audits them."""
    actor = Actor.of(by)
    if not allowed(ARRIVAL_PERMS, True, actor):
        raise PermissionDenied(f"{actor} may not enter transactions.")
    reasons = []
    for txn, found in zip(txns, findings):
        clean, flagged, source, said_clean, said_flagged = ARRIVAL.get(modes.get(txn.type, "review"), ARRIVAL["review"])
        txn.status = flagged if found else clean
        txn.decision_source = source if txn.status == S.APPROVED else DecisionSource.NONE
        reasons.append(said_flagged if found else said_clean)
    return reasons


def record_arrival(
    txns: Sequence[Transaction], reasons: Sequence[str], *, by, changes: Mapping[str, list] | None = None,
) -> None:
    """One ``collected`` audit row per stored line, with the state it arrived in (and ``changes``,
    more ``{field: [before, after]}`` for every row: a reversal line's link)."""
    actor = Actor.of(by)
    groups: dict[str, list[Transaction]] = defaultdict(list)
    for txn, reason in zip(txns, reasons):
        groups[reason].append(txn)
    for reason, group in groups.items():
        record(group, AuditAction.COLLECTED, by=actor.user, actor_label=actor.label, reason=reason,
               changes_by_pk={txn.pk: {"status": [None, txn.status], **(changes or {})} for txn in group})


# --- every later move ---------------------------------------------------------------------------
@dataclass
class Moved:
    """What ``move()`` did: the ids it moved (``after``: to which state), the ids whose state the
    move does not start from (``refused``) and those someone changed meanwhile (``lost``)."""

    name: str
    done: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    after: dict[int, str] = field(default_factory=dict)


def move(
    name: str,
    lines: Iterable[Any],
    *,
    by,
    reason: str | Mapping[int, str] = "",
    seen_at=None,
    values: Mapping[str, Any] | None = None,
    targets: Mapping[int, str] | None = None,
    changes: Mapping[str, list] | None = None,
    then: Callable[[list[int]], Any] | None = None,
) -> Moved:
    """Make move ``name`` of the table on ``lines`` — each with ``pk``, ``status`` and ``version``
    as the caller read them (and a ``str()`` for the audit row: a model instance, even one read
    with ``only()``) — in one database transaction.

    ``seen_at``: also skip lines changed after that moment (a page shown then). ``values``: the
    other fields to set (the table's ``sets``). ``targets``: per line, the state a move "by its
    findings" goes to when the caller knows it (else the saved findings say). ``reason``: one for
    all, or per line. ``changes``: more ``{field: [before, after]}`` for every line's audit row. ``then(done_ids)`` runs after the commit when a line moved.
    """
    transition = TRANSITIONS[name]
    actor = check(name, by)
    values = dict(values or {})
    unknown = set(values) - set(transition.sets)
    if unknown:
        raise ValueError(f"{name} does not set {', '.join(sorted(unknown))}")
    lines = list(lines)
    outcome = Moved(name)
    eligible = []
    for line in lines:
        if line.status in transition.sources:
            eligible.append(line)
        else:
            outcome.refused.append(line.pk)
    if not eligible:
        return outcome
    with db.atomic():
        if transition.to is not BY_FINDINGS:
            target_of = {line.pk: transition.to for line in eligible}
        elif targets is not None:
            target_of = {line.pk: targets[line.pk] for line in eligible}
        else:
            with_findings = _with_findings([line.pk for line in eligible])
            target_of = {line.pk: open_state(line.pk in with_findings) for line in eligible}
        now = timezone.now()
        sets: dict[str, Any] = {**values, "version": F("version") + 1, "updated_at": now}
        if transition.review:
            sets.update(reviewed_at=now, reviewed_by=actor.user, review_reason=reason if isinstance(reason, str) else "")
        if transition.by_user:
            sets["updated_by"] = actor.user
        if transition.decision is not None:
            sets["decision_source"] = transition.decision
        groups: dict[tuple[str, int, str], list[int]] = defaultdict(list)
        for line in eligible:
            groups[(line.status, line.version, target_of[line.pk])].append(line.pk)
        won: list[int] = []
        for (status, version, target), ids in groups.items():
            for chunk in chunks(ids):
                match = Transaction.objects.filter(pk__in=chunk, status=status, version=version)
                if seen_at is not None:
                    match = match.filter(updated_at__lte=seen_at)
                changed = match.update(status=target, **sets)
                if changed == len(chunk):
                    won.extend(chunk)
                elif changed:  # some lines moved on meanwhile: find the ones this update moved
                    won.extend(Transaction.objects.filter(
                        pk__in=chunk, status=target, version=version + 1, updated_at=now,
                    ).values_list("pk", flat=True))
        done = set(won)
        by_pk = {line.pk: line for line in eligible}
        outcome.done = sorted(done)
        outcome.lost = sorted(set(by_pk) - done)
        outcome.after = {pk: target_of[pk] for pk in outcome.done}
        _audit(transition, [by_pk[pk] for pk in outcome.done], target_of, actor=actor, reason=reason,
               changes=changes)
        for pk in outcome.done:  # the caller's objects as they are now
            line = by_pk[pk]
            line.status, line.version = target_of[pk], line.version + 1
        if then is not None and outcome.done:
            db.on_commit(partial(then, list(outcome.done)))
    return outcome


def _audit(transition: Transition, lines: list, target_of: dict, *, actor: Actor, reason, changes) -> None:
    if not lines:
        return
    def row(line) -> dict:
        moved = {"status": [line.status, target_of[line.pk]]} if line.status != target_of[line.pk] else {}
        return {**moved, **(changes or {})}

    by_reason: dict[str, list] = defaultdict(list)
    for line in lines:
        by_reason[reason if isinstance(reason, str) else reason.get(line.pk, "")].append(line)
    for said, group in by_reason.items():
        record(group, transition.action, by=actor.user, actor_label=actor.label, reason=said,
               changes_by_pk={line.pk: row(line) for line in group})


def _with_findings(pks: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(pks):
        found.update(Finding.objects.filter(transaction_id__in=chunk).order_by()
                     .values_list("transaction_id", flat=True).distinct())
    return found


def chunks(ids: list[int]):
    size = CHUNK if connection.vendor == "sqlite" else CHUNK_SERVER
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# --- the export, thousands of lines in one statement ---------------------------------------------
def export_claim(ids=None, *, automatic_only: bool = False, now) -> tuple[str, list]:
    """The ``export`` move as one statement: ``UPDATE … SET status = 'exported', version =
    version + 1 WHERE status = 'approved' AND <scope> RETURNING id`` — the compare-and-set is the
    ``WHERE``; (sql, params) for ``batches.claim``, which runs it inside the export's transaction.
    ``automatic_only``: only the lines the automatic processing option approved (the schedule)."""
    table = connection.ops.quote_name(Transaction._meta.db_table)
    where = ["status = %s"]
    params: list = [S.EXPORTED, connection.ops.adapt_datetimefield_value(now), S.APPROVED]
    if automatic_only:
        where.append("decision_source = %s")
        params.append(DecisionSource.AUTOMATIC)
    if ids is not None:
        sql, more = idlist.condition("id", ids, connection.vendor)  # one parameter, whatever the number
        where.append(sql)
        params.extend(more)
    sql = (
        f"UPDATE {table} SET status = %s, version = version + 1, updated_at = %s "
        f"WHERE {' AND '.join(where)} RETURNING id"
    )
    return sql, params


_EXPORTED = {"status": [S.APPROVED, S.EXPORTED]}


def record_exported(lines: Sequence[Any], *, batch_label: str, by) -> None:
    """The ``exported`` audit rows of claimed lines (one each, one statement a chunk)."""
    actor = Actor.of(by)
    record(lines, TRANSITIONS["export"].action, by=actor.user, actor_label=actor.label,
           changes={**_EXPORTED, "batch": [None, batch_label]})
