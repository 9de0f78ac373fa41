"""Re-checking the lines still open for review when the mirror changes (after a pull, called
by ``afterpull.followups``)."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from audit.actions import AuditAction
from audit.log import record
from mas.models import WorkOrder
from transactions import validation
from transactions.models import Finding, Transaction, TransactionType
from transactions import lifecycle
from transactions.lifecycle import OPEN, Actor

logger = logging.getLogger(__name__)
ACTOR = Actor.system("pull from MAS")
CHUNK = 500
# A pull that changed only these does not change any finding.
IRRELEVANT = {"mas.workcenter", "mas.operationcode", "mas.itemwarehouse"}


@dataclass
class Recheck:
    """What one re-check of the open lines did."""

    checked: int = 0  # open lines re-checked
    changed: int = 0  # of them, lines that changed status (each with its audit row)


def recheck_after_pull(changed: set[str] | None = None) -> Recheck | None:
    """After a pull that changed the mirror models ``changed`` ({"mas.workorder", …}; None: any):
    re-check the open lines, or nothing (None) when no finding depends on what changed. Errors
    are the caller's to report (``afterpull`` stores them on the pull run)."""
    if changed is not None and not (set(changed) - IRRELEVANT):
        return None
    outcome = recheck_open()
    logger.info("Re-checked %d open transactions after the pull: %d changed status", outcome.checked, outcome.changed)
    return outcome


def recheck_open() -> Recheck:
    """Refresh the work center of every open line, replace their findings, and move
    needs_review ↔ flagged where they changed. Returns how many lines it checked and how many
    changed status (each with its audit row)."""
    refresh_work_centers()
    fill_default_warehouses()
    outcome = Recheck()
    last_pk = 0
    while True:
        chunk = list(Transaction.objects.filter(status__in=OPEN, pk__gt=last_pk).order_by("pk")[:CHUNK])
        if not chunk:
            return outcome
        last_pk = chunk[-1].pk
        outcome.checked += len(chunk)
        outcome.changed += _recheck(chunk)


def refresh_work_centers() -> int:
    """Set-based: one ``UPDATE`` gives every open line whose stored work center differs from
    its mirror step's the mirror's (a pull may have moved a step to another work center, or
    brought or removed it). Neither the version nor the audit changes: it is a derived fact;
    the change time moves, so "all that match" on a queue page shown before the pull does not
    take a line that only now matches its work-center filter. Returns how many lines it changed."""
    mirrored = validation.mirror_work_center()
    return Transaction.objects.filter(status__in=OPEN).exclude(work_center=mirrored).update(
        work_center=mirrored, updated_at=timezone.now()
    )


def fill_default_warehouses() -> int:
    """A completion collected before its work order reached the mirror came without the order's
    parent warehouse, its default (PRODUCT.md §4): an open one gets it once the order is known.
    Set-based, like ``refresh_work_centers`` — one read of the lines to fill, one ``UPDATE``, one
    ``filled_in`` audit row per line (its version moves: it is a new line to decide); returns how
    many lines it filled."""
    parent = WorkOrder.objects.filter(number=OuterRef("work_order")).exclude(parent_warehouse="").values(
        "parent_warehouse"
    )[:1]
    empty = Transaction.objects.filter(status__in=OPEN, type=TransactionType.COMPLETION, warehouse="")
    with transaction.atomic():
        lines = list(
            empty.filter(Exists(parent)).select_for_update().annotate(parent_warehouse=Subquery(parent))
            .only("pk", "type", "work_order").order_by("pk")
        )
        if not lines:
            return 0
        filled = 0
        for start in range(0, len(lines), CHUNK):
            chunk = lines[start:start + CHUNK]
            filled += empty.filter(pk__in=[t.pk for t in chunk]).update(
                warehouse=Subquery(parent), version=F("version") + 1, updated_at=timezone.now()
            )
            record(chunk, AuditAction.FILLED_IN, by=ACTOR.user, actor_label=ACTOR.label,
                   reason="The work order reached the mirror: a completion goes to its parent warehouse.",
                   changes_by_pk={t.pk: {"warehouse": ["", t.parent_warehouse]} for t in chunk})
    return filled


def _same(found: list[Finding], saved: list[tuple]) -> bool:
    return sorted((f.severity, f.code, f.field, f.message) for f in found) == sorted(saved)


def _recheck(txns: list[Transaction]) -> int:
    results = validation.check_many(txns)
    saved = defaultdict(list)
    for row in Finding.objects.filter(transaction__in=[t.pk for t in txns]).values_list(
        "transaction_id", "severity", "code", "field", "message"
    ):
        saved[row[0]].append(row[1:])
    # Only lines whose findings changed are written: most pulls change few of them.
    changed = [(txn, found) for txn, found in zip(txns, results) if not _same(found, saved[txn.pk])]
    moved = 0
    refreshed = {txn.pk for txn, _ in changed}
    with transaction.atomic():
        if changed:
            # Only lines as they were checked: one a supervisor edited meanwhile keeps the findings
            # its edit saved (they describe what it holds now).
            now_at = dict(
                Transaction.objects.select_for_update().filter(pk__in=refreshed).values_list("pk", "version")
            )
            changed = [(txn, found) for txn, found in changed if now_at.get(txn.pk) == txn.version]
            refreshed = {txn.pk for txn, _ in changed}
            validation.save_findings([txn for txn, _ in changed], [found for _, found in changed])
        kept = []  # findings changed, status stays
        moving, reasons = [], {}
        for txn, findings in zip(txns, results):
            if lifecycle.open_state(bool(findings)) == txn.status:
                if txn.pk in refreshed:
                    kept.append(txn.pk)
                continue
            moving.append(txn)
            reason = "; ".join(f.message for f in findings) or "The findings are gone after a pull from MAS."
            reasons[txn.pk] = reason[:1000]
        # Compare-and-set: a supervisor acting on a line meanwhile wins. The change time moves
        # too: a queue page shown before it must not decide the line as it is now.
        moved = len(lifecycle.move("revalidate", moving, by=ACTOR, reason=reasons).done) if moving else 0
        # New findings on a line that keeps its status are a new line to decide all the same: a
        # page that showed the old ones (a detail page approving over an error it never showed, a
        # queue filtered by finding) is stale, and its decision is refused as for any change.
        Transaction.objects.filter(pk__in=kept).update(version=F("version") + 1, updated_at=timezone.now())
    return moved
