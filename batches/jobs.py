"""Send to MAS of a large selection as a job of the background cluster (``ExportJob``; the task
is ``batches.tasks.run_export_job``).

Up to ``SYNC_LIMIT`` approved lines are exported in the request, as always. Above it, one
request would hold the page (and the proxy in front of it) for the whole export, so the page
records what the user confirmed — the selection's fingerprint and the lines they picked — and
the cluster runs the very same export (``services.export_transactions``): one transaction that
claims the lines, stores the batch, its lines and audit rows and commits, then the files. It
either commits whole or leaves every line approved, so the job has no chunks to resume: a job
that failed or stopped says why and the user sends again, from a fresh confirmation.

The export's transaction holds SQLite's write lock until it commits, so nothing can report
progress from inside it; the page shows queued, running (since when) and the outcome.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction as db
from django.utils import timezone

from batches import services
from batches.models import ExportJob
from kernel import jobs
from kernel.jobs import JobState
from kernel.permissions import fresh

log = logging.getLogger(__name__)

SYNC_LIMIT = 20_000  # lines exported in the request; more go to the cluster
STALE_AFTER = timedelta(minutes=30)  # a running export not finished by then has stopped (500,000 lines take < 2 min)
QUEUED_STALE_AFTER = timedelta(minutes=10)  # a queued job no cluster started


def too_many_for_a_request(ids) -> int:
    """How many approved lines the export would send, when that is more than ``SYNC_LIMIT``; else 0."""
    lines = services.approved_lines(ids).order_by()
    if lines[: SYNC_LIMIT + 1].count() <= SYNC_LIMIT:
        return 0
    return lines.count()


def start(ids, *, by, fingerprint: str, total: int) -> ExportJob:
    """Record the confirmed export as a queued job and hand it to the cluster after the commit."""
    services.line_states.check("export", by)  # refuses a user who may not send, before anything is written
    with db.atomic():
        job = ExportJob.objects.create(created_by=by, ids=list(ids) if ids is not None else None,
                                       fingerprint=fingerprint, total=total)
        db.on_commit(partial(enqueue, job.pk))
    return job


def enqueue(job_id: int) -> None:
    def failed(why: str) -> None:
        ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.FAILED, finished_at=timezone.now(),
            error=f"{why} Nothing was sent; send again once the cluster runs.")

    jobs.enqueue("batches.tasks.run_export_job", job_id, group="woscan-export", failed=failed)


def stopped(job: ExportJob, now: datetime | None = None) -> str:
    """Why a job that is not finished looks stopped ('' while it may still be going)."""
    now = now or timezone.now()
    if job.state == JobState.QUEUED and job.created_at < now - QUEUED_STALE_AFTER:
        minutes = int(QUEUED_STALE_AFTER.total_seconds() // 60)
        return (f"No cluster started it within {minutes} minutes (is the django-q2 cluster running?). "
                "Nothing was sent; the lines are still approved.")
    if job.state == JobState.RUNNING and (job.started_at or job.created_at) < now - STALE_AFTER:
        since = timezone.localtime(job.started_at or job.created_at)
        return (f"Its process ({job.holder or 'unknown'}) has not finished since {since:%Y-%m-%d %H:%M:%S}. "
                "An export that stops is rolled back whole: no batch was made and the lines are still approved.")
    return ""


def run(job_id: int) -> str:
    """Export what the job's user confirmed, as them (their permissions read again now)."""
    holder = jobs.holder_id()
    taken = ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, holder=holder, started_at=timezone.now())
    if not taken:
        return f"export job {job_id}: not taken up (started already, or finished)"
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    user = fresh(job.created_by)
    error, batch = "", None
    try:
        if not user.is_authenticated or not user.is_active:
            raise services.BatchStateError(f"{job.created_by} can no longer sign in.")
        outcome = services.export_transactions(job.ids, by=user, confirmed=job.fingerprint)
    except services.ExportFolderError as exc:
        error = str(exc)
    except Exception as exc:  # any failure: the export's transaction was rolled back
        log.exception("Export job %s failed", job_id)
        error = (f"The export stopped: {str(exc) or exc.__class__.__name__}. It was rolled back whole: "
                 "no batch was made and the lines are still approved.")
    else:
        if outcome.changed:
            error = ("The approved lines changed after you confirmed them: nothing was sent. "
                     "Look at the new totals and send again.")
        elif outcome.batch is None:
            error = "No approved line was waiting any more: nothing was sent."
        else:
            batch = outcome.batch
    if error:
        ExportJob.objects.filter(pk=job_id, holder=holder).update(
            state=JobState.FAILED, finished_at=timezone.now(), error=error)
        return f"export job {job_id}: {error}"
    ExportJob.objects.filter(pk=job_id, holder=holder).update(
        state=JobState.FINISHED, finished_at=timezone.now(), batch=batch)
    return f"export job {job_id}: {batch} with {batch.lines} lines"


def progress(job: ExportJob) -> dict:
    """What the job's page and its poll show."""
    why = stopped(job) if not job.is_finished else ""
    return {
        "id": job.pk, "state": job.state, "state_display": job.get_state_display(), "finished": job.is_finished,
        "total": job.total, "error": job.error, "stopped": why,
        "batch": job.batch.number if job.batch_id else None,
    }
