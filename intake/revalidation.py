"""Re-checking the lines still open for review when the mirror changes (after a pull)."""
from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from audit.log import record
from mas.models import WorkOrder
from transactions import validation
from transactions.models import Finding, Transaction, TransactionStatus, TransactionType

logger = logging.getLogger(__name__)
OPEN = (TransactionStatus.COLLECTED, TransactionStatus.NEEDS_REVIEW, TransactionStatus.FLAGGED)
CHUNK = 500
# A pull that changed only these does not change any finding.
IRRELEVANT = {"mas.workcenter", "mas.operationcode", "mas.itemwarehouse"}


def recheck_after_pull(sender=None, run=None, changed=None, **kwargs) -> None:
    """``syncconfig.signals.pull_finished`` receiver."""
    if changed is not None and not (set(changed) - IRRELEVANT):
        return
    try:
        moved = recheck_open()
    except Exception:  # the pull itself succeeded: say so, and let the next pull try again
        logger.exception("Re-checking open transactions after the pull failed")
        return
    logger.info("Re-checked open transactions after the pull: %d changed status", moved)


def recheck_open() -> int:
    """Refresh the work center of every open line, replace their findings, and move
    needs_review ↔ flagged where they changed. Returns how many lines changed status (each
    with its audit row)."""
    refresh_work_centers()
    fill_default_warehouses()
    moved = 0
    last_pk = 0
    while True:
        chunk = list(Transaction.objects.filter(status__in=OPEN, pk__gt=last_pk).order_by("pk")[:CHUNK])
        if not chunk:
            return moved
        last_pk = chunk[-1].pk
        moved += _recheck(chunk)


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
    Set-based, like ``refresh_work_centers``; returns how many lines it filled."""
    parent = WorkOrder.objects.filter(number=OuterRef("work_order")).exclude(parent_warehouse="").values(
        "parent_warehouse"
    )[:1]
    return (
        Transaction.objects.filter(status__in=OPEN, type=TransactionType.COMPLETION, warehouse="")
        .filter(Exists(parent))
        .update(warehouse=Subquery(parent), version=F("version") + 1, updated_at=timezone.now())
    )


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
        for txn, findings in zip(txns, results):
            if txn.status == TransactionStatus.NEEDS_REVIEW and findings:
                target = TransactionStatus.FLAGGED
            elif txn.status == TransactionStatus.FLAGGED and not findings:
                target = TransactionStatus.NEEDS_REVIEW
            else:
                if txn.pk in refreshed:
                    kept.append(txn.pk)
                continue
            # Compare-and-set: a supervisor acting on the line meanwhile wins. The change time
            # moves too: a queue page shown before it must not decide the line as it is now.
            if Transaction.objects.filter(pk=txn.pk, status=txn.status, version=txn.version).update(
                status=target, version=F("version") + 1, updated_at=timezone.now()
            ):
                before, txn.status, txn.version = txn.status, target, txn.version + 1
                reason = "; ".join(f.message for f in findings) or "The findings are gone after a pull from MAS."
                record([txn], "revalidated", actor_label="pull from MAS", reason=reason[:1000],
                       changes={"status": [before, target]})
                moved += 1
        # New findings on a line that keeps its status are a new line to decide all the same: a
        # page that showed the old ones (a detail page approving over an error it never showed, a
        # queue filtered by finding) is stale, and its decision is refused as for any change.
        Transaction.objects.filter(pk__in=kept).update(version=F("version") + 1, updated_at=timezone.now())
    return moved
