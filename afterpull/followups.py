"""What follows each pull, called explicitly, and the entry points that run a pull with it.

A pull that succeeded is followed, in this order, by

1. re-checking the lines still open for review against the changed mirror
   (``transactions.revalidation.recheck_after_pull``: their findings, needs review ↔ flagged, each move
   with its audit row) — not needed when the pull changed only tables no finding depends on;
2. reconciling the export batches with what MAS's Transaction Entry and history hold
   (``batches.reconcile.reconcile``, on a MAS connection of its own).

Each outcome — done, not needed or failed, its counts, the error — is stored on the ``PullRun``
and shown on the run's page and on sync health. A follow-up that fails does not stop the other
and leaves the pull's own data as it is (the run stays *Succeeded*); sync health shows it as a
problem until a later pull's follow-ups go through. A pull that failed or was abandoned has no
follow-ups: the next good pull does them.

This room sits above the pull (``syncconfig``), the transaction core and ``batches``: it
imports them, and none of them imports it. The django-q2 tasks (``afterpull.tasks``) and
``manage.py pull_mas`` run a pull through ``execute`` or ``pull_now`` here.
"""
from __future__ import annotations

import logging

from django.db.models import Q

from batches.reconcile import reconcile
from transactions.revalidation import recheck_after_pull
from mas.tablemaps import TABLE_MAPS
from syncconfig.models import AutoSyncTable, FollowUpStatus, PullRun, PullStatus, PullTrigger
from syncconfig.pull_run import execute_pull, request_pull

log = logging.getLogger(__name__)


def pull_now(*, trigger: str = PullTrigger.COMMAND, by=None, table: AutoSyncTable | None = None) -> PullRun:
    """Claim and run a pull here and now, then its follow-ups (the management command, the schedule)."""
    run = request_pull(trigger=trigger, by=by, table=table, enqueue=False)
    return execute(run.pk)


def execute(run_id: int) -> PullRun:
    """Run a claimed pull to the end, then its follow-ups if it succeeded. Idempotent, as
    ``execute_pull`` is: run twice, a pull and its follow-ups happen once."""
    return follow_up(execute_pull(run_id))


def follow_up(run: PullRun) -> PullRun:
    """The follow-ups of a pull that succeeded, each outcome stored on the run; returns the run
    as stored. They are claimed with a compare-and-set, so a task run twice does them once."""
    if run.status != PullStatus.SUCCEEDED:
        return run
    claimed = PullRun.objects.filter(
        pk=run.pk, status=PullStatus.SUCCEEDED,
        recheck_status=FollowUpStatus.NOT_RUN, reconcile_status=FollowUpStatus.NOT_RUN,
    ).update(recheck_status=FollowUpStatus.RUNNING, reconcile_status=FollowUpStatus.RUNNING)
    if claimed:
        PullRun.objects.filter(pk=run.pk).update(**_recheck(changed_tables(run)))
        PullRun.objects.filter(pk=run.pk).update(**_reconcile())
    run.refresh_from_db()
    if claimed:
        log.info(
            "After pull %s: re-check %s (%d lines, %d changed status), reconciliation %s (%d batches, %d with discrepancies)",
            run.pk, run.recheck_status, run.recheck_lines, run.recheck_changed,
            run.reconcile_status, run.reconcile_batches, run.reconcile_discrepancies,
        )
    return run


def changed_tables(run: PullRun) -> set[str]:
    """The mirror models whose rows the pull changed (inserted, updated or marked inactive),
    as labels: {"mas.workorder", …}."""
    tables = run.tables.filter(status=PullStatus.SUCCEEDED).filter(
        Q(inserted__gt=0) | Q(updated__gt=0) | Q(deactivated__gt=0)
    )
    return {TABLE_MAPS[name].model.lower() for name in tables.values_list("name", flat=True)}


def _recheck(changed: set[str]) -> dict:
    try:
        outcome = recheck_after_pull(changed)
    except Exception as exc:  # noqa: BLE001 - the pull's own work is done: store the failure, go on
        log.exception("Re-checking the open lines after the pull failed")
        return {"recheck_status": FollowUpStatus.FAILED, "recheck_error": _message(exc)}
    if outcome is None:
        return {"recheck_status": FollowUpStatus.SKIPPED}
    return {"recheck_status": FollowUpStatus.DONE, "recheck_lines": outcome.checked, "recheck_changed": outcome.changed}


def _reconcile() -> dict:
    try:
        outcome = reconcile()
    except Exception as exc:  # noqa: BLE001 - MAS out of reach, a table named wrong: store it, go on
        log.exception("Reconciling the batches after the pull failed")
        return {"reconcile_status": FollowUpStatus.FAILED, "reconcile_error": _message(exc)}
    return {
        "reconcile_status": FollowUpStatus.DONE, "reconcile_batches": outcome.checked,
        "reconcile_discrepancies": outcome.with_discrepancies,
    }


def _message(exc: Exception) -> str:
    return str(exc) or exc.__class__.__name__
