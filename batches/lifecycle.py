"""The life of an export batch: its states, every move between them, who may make each one and
what each records. The one module that writes a batch's ``status``.

==============  ===============  =====================================  ==============  ======================
from            to               who may                                audit action    sets
==============  ===============  =====================================  ==============  ======================
—               writing          ``transactions.export_transactions`` or     created         (the new batch)
                                 ``batches.reexport_batch``; the system
writing         exported         the system (the export's writer)       written         sha256, written_at,
                                                                                        publishing
exported        exported         the system (the importer refused it)   import_refused  import_error
exported        imported         the system (importer, reconciliation)  imported        imported_at,
deleted_in_mas  imported         the system (reconciliation)            imported        import_error, MAS facts
exported,       posted           the system (reconciliation)            posted          posted_at, MAS facts
imported,
deleted_in_mas
imported        deleted_in_mas   the system (reconciliation)            deleted_in_mas  MAS facts
deleted_in_mas  reexported       ``batches.reexport_batch``             reexported      —
deleted_in_mas  voided           ``batches.reexport_batch``             voided          —
==============  ===============  =====================================  ==============  ======================

"MAS facts" are what the reconciliation read: ``reconciled_at``, ``mas_lines``, ``mas_hours``,
``mas_quantity``, ``discrepancies``. Facts that do not move the state (a reconciliation finding
the batch where it was, the ``publishing`` marker, retired or rewritten files) are written by
their services without a status.

``move()`` is a compare-and-set on the batch's ``(status, version)`` with ``version + 1``, one
audit row, and follow-up work (``then``) after the commit. It answers whether it moved the
batch: ``False`` when someone changed it since it was read.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction as db
from django.db.models import F

from audit.actions import AuditAction
from audit.log import record
from batches.models import BatchStatus, ExportBatch
from kernel.permissions import permission_for
from transactions.lifecycle import Actor, allowed

B = BatchStatus
_MAS_FACTS = ("reconciled_at", "mas_lines", "mas_hours", "mas_quantity", "discrepancies")
_ACCOUNTANT = (permission_for("batches.exportbatch", "reexport"),)  # kernel.permissions.ACTIONS


@dataclass(frozen=True)
class Transition:
    perms: tuple[str, ...]  # a user needs one of these; () — no user may
    system: bool  # the system actor may
    action: str  # the audit row's action
    sets: tuple[str, ...] = ()  # other fields the move may set

    def may(self, actor: Actor) -> bool:
        return allowed(self.perms, self.system, actor)


CREATE = Transition((permission_for("transactions.transaction", "export"), *_ACCOUNTANT), True, AuditAction.CREATED)
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (B.WRITING, B.EXPORTED): Transition((), True, AuditAction.WRITTEN, ("sha256", "written_at", "publishing")),
    (B.EXPORTED, B.EXPORTED): Transition((), True, AuditAction.IMPORT_REFUSED, ("import_error",)),
    (B.EXPORTED, B.IMPORTED): Transition((), True, AuditAction.IMPORTED, ("imported_at", "import_error", *_MAS_FACTS)),
    (B.DELETED_IN_MAS, B.IMPORTED): Transition((), True, AuditAction.IMPORTED, ("imported_at", *_MAS_FACTS)),
    **{(source, B.POSTED): Transition((), True, AuditAction.POSTED, ("posted_at", "imported_at", *_MAS_FACTS))
       for source in (B.EXPORTED, B.IMPORTED, B.DELETED_IN_MAS)},
    (B.IMPORTED, B.DELETED_IN_MAS): Transition((), True, AuditAction.DELETED_IN_MAS, _MAS_FACTS),
    (B.DELETED_IN_MAS, B.REEXPORTED): Transition(_ACCOUNTANT, False, AuditAction.REEXPORTED),
    (B.DELETED_IN_MAS, B.VOIDED): Transition(_ACCOUNTANT, False, AuditAction.VOIDED),
}


def may_move(source: str, target: str) -> bool:
    """Does the table have a move from ``source`` to ``target``?"""
    return (source, target) in TRANSITIONS


def check(source: str, target: str, by) -> Actor:
    """The actor, if it may move a batch from ``source`` to ``target``; else ``PermissionDenied``
    (``ValueError`` when the table has no such move)."""
    actor = Actor.of(by)
    if (source, target) not in TRANSITIONS:
        raise ValueError(f"A batch does not go from {source} to {target}.")
    if not TRANSITIONS[(source, target)].may(actor):
        raise PermissionDenied(f"{actor} may not move a batch from {source} to {target}.")
    return actor


def create(*, by, **fields) -> ExportBatch:
    """A new batch, ``writing``, with ``fields`` (number, lines, totals, replaces, who made it).
    Its ``created`` audit row is written by the caller once its lines are stored (it names them)."""
    actor = Actor.of(by)
    if not CREATE.may(actor):
        raise PermissionDenied(f"{actor} may not export transactions.")
    return ExportBatch.objects.create(
        status=B.WRITING,
        created_by=actor.user,
        actor_label=actor.label,
        **fields,
    )


def record_created(batch: ExportBatch, *, by, reason: str = "", changes: Mapping[str, list]) -> None:
    actor = Actor.of(by)
    record([batch], CREATE.action, by=actor.user, actor_label=actor.label, reason=reason,
           changes={"status": [None, B.WRITING], **changes})


def move(
    batch: ExportBatch,
    target: str,
    *,
    by,
    values: Mapping[str, Any] | None = None,
    reason: str = "",
    changes: Mapping[str, list] | None = None,
    then: Callable[[], Any] | None = None,
) -> bool:
    """Move ``batch`` (as read: its ``status`` and ``version``) to ``target``, setting ``values``
    (the table's ``sets``), with one audit row (``{status: [before, after]}`` and ``changes``);
    ``then()`` runs after the commit. False when the batch changed since it was read."""
    actor = check(batch.status, target, by)
    transition = TRANSITIONS[(batch.status, target)]
    values = dict(values or {})
    unknown = set(values) - set(transition.sets)
    if unknown:
        raise ValueError(f"Moving a batch from {batch.status} to {target} does not set {', '.join(sorted(unknown))}")
    with db.atomic():
        moved = bool(ExportBatch.objects.filter(pk=batch.pk, status=batch.status, version=batch.version).update(
            status=target, version=F("version") + 1, **values
        ))
        if not moved:
            return False
        said = {"status": [batch.status, target]} if batch.status != target else {}
        record([batch], transition.action, by=actor.user, actor_label=actor.label, reason=reason,
               changes={**said, **(changes or {})})
        if then is not None:
            db.on_commit(then)
    return True
