"""Background tasks of the export (django-q2): plain, idempotent functions that re-read the database."""
from __future__ import annotations

import logging

from batches import reconcile, services

log = logging.getLogger(__name__)


def export_automatic() -> str:
    """The export schedule: finish any half-written batch, then export the automatically approved lines.

    An export folder out of reach is logged (nothing was sent) and the next run tries again."""
    try:
        outcome = services.export_transactions(automatic_only=True, by=services.SCHEDULE)
    except services.ExportFolderError as exc:
        log.error("%s", exc)
        return str(exc)
    done = f"recovered {outcome.recovered}; " if outcome.recovered else ""
    if outcome.batch is None:
        return done + "no line to export"
    return done + f"{outcome.batch} with {outcome.batch.lines} lines ({outcome.batch.get_status_display()})"


def recover_batches() -> str:
    try:
        return f"recovered {services.recover_batches()}"
    except services.ExportFolderError as exc:
        log.error("%s", exc)
        return str(exc)


def reconcile_batches() -> str:
    return str(reconcile.reconcile())


def run_export_job(job_id: int) -> str:
    """Send to MAS of a large selection, confirmed on the page (``batches.jobs``)."""
    from batches import jobs

    return jobs.run(job_id)
