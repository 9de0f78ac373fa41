"""Approve or reject every line that matches the queue's filter, whatever the number, as a job
of the background cluster (``BulkDecision``; the task is ``reviews.tasks.run_bulk_decision``).

The same decision as the page's (``services.approve`` / ``services.reject``: the review's rules,
the compare-and-set of ``transactions.lifecycle.move``, one audit row per line, the same skips and
their reasons), applied to one chunk of lines at a time, each chunk in its own transaction:

- the lines are read by the filter the supervisor confirmed, in id order after the last
  committed chunk (``cursor``) and up to the highest id at the confirmation (``upto_id``);
  nothing holds a list of every line, so memory stays flat whatever the selection;
- the deciding user's permissions are read again from the database for every chunk, and the
  chunk's changed lines are re-counted against the lines they may review: a role taken away
  stops the job, that chunk rolled back;
- the chunk's progress (done, skipped by reason, ``cursor``) is written in the chunk's
  transaction, under the job's claim (``holder``): what the page shows is what was committed,
  and a job another process took over cannot commit a chunk too.

A job that fails keeps the chunks it committed (decided and audited) and leaves the others
untouched; its error says at which line it stopped and why. A job whose process died (no chunk
committed for ``STALE_AFTER``) or that no cluster started is shown as stopped on its page, and is
taken up again from ``cursor`` by *Resume* or when the broker hands its task out again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db import transaction as db
from django.db.models import F, Max
from django.http import QueryDict
from django.utils import timezone

from kernel import jobs
from kernel.permissions import fresh, may, recount, restrict
from reviews import services
from reviews.filtersets import TransactionFilterSet
from reviews.models import BulkDecision, JobState
from transactions.models import Transaction

log = logging.getLogger(__name__)

SYNC_LIMIT = 2_000  # "all that match" up to this many lines is decided at once, in the request
STALE_AFTER = timedelta(minutes=2)  # a running job with no chunk committed for this long has stopped
QUEUED_STALE_AFTER = timedelta(minutes=10)  # a queued job no cluster started
_READ = ("id", "status", "version", "type", "work_order")  # what a decision and its audit rows need


def chunk_size() -> int:
    """Lines per chunk: one compare-and-set ``UPDATE`` of ``lifecycle.move`` each."""
    from transactions.lifecycle import CHUNK, CHUNK_SERVER

    return CHUNK if connection.vendor == "sqlite" else CHUNK_SERVER


class Stopped(Exception):
    """The job cannot go on (its claim was taken over, the filter is no longer valid)."""


# --- what the job decides on ----------------------------------------------------------------
def matching(filter_query: str, user):
    """The lines of the queue's filter that ``user`` may review; None when the filter is not valid."""
    filterset = TransactionFilterSet(QueryDict(filter_query), queryset=restrict(Transaction, user, "review"))
    return filterset.qs.order_by() if filterset.is_valid() else None


def more_than(queryset, n: int) -> bool:
    """Whether more than ``n`` lines match (a bounded count: never counts past n + 1)."""
    return queryset.order_by()[: n + 1].count() > n


def highest_id(queryset) -> int:
    return queryset.order_by().aggregate(m=Max("id"))["m"] or 0


def in_chunks(queryset, *, after: int, upto: int, size: int | None = None):
    """The lines of ``queryset`` after id ``after`` up to ``upto``, a chunk at a time, in id order."""
    size = size or chunk_size()
    while True:
        rows = list(queryset.filter(pk__gt=after, pk__lte=upto).order_by("pk").only(*_READ)[:size])
        if not rows:
            return
        yield rows
        after = rows[-1].pk


@dataclass
class Tally:
    """A decision's counts over many chunks (no ids kept): for the confirmation page and the job."""

    action: str
    total: int = 0
    done: int = 0
    over_error: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: services.Outcome, seen: int) -> None:
        self.total += seen
        self.done += len(outcome.done)
        self.over_error += len(outcome.over_error)
        for key, ids in outcome.skipped.items():
            if ids:
                self.skipped[key] = self.skipped.get(key, 0) + len(ids)

    def skipped_reasons(self) -> list[tuple[str, str, int]]:
        return skipped_reasons(self.skipped)


def skipped_reasons(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(key, words, count) per reason, as ``services.Outcome.skipped_reasons`` gives them."""
    return [(key, services.Skip.TEXT.get(key, key), n) for key, n in counts.items() if n]


def preview(action: str, queryset, *, by, seen_at: datetime | None, upto: int) -> Tally:
    """What the job would do now, writing nothing, read a chunk at a time."""
    tally = Tally(action)
    for rows in in_chunks(queryset, after=0, upto=upto):
        tally.add(services.preview(action, rows, by=by, seen_at=seen_at), len(rows))
    return tally


# --- starting, resuming ---------------------------------------------------------------------
def start(action: str, *, by, filter_query: str, seen_at: datetime | None, upto: int, reason: str) -> BulkDecision:
    """Record the confirmed decision as a queued job and hand it to the cluster after the commit."""
    services._reviewer(by)  # refuses a user who may not approve or reject, before anything is written
    queryset = matching(filter_query, by)
    if queryset is None:
        raise ValueError("The filter is not valid.")
    with db.atomic():
        job = BulkDecision.objects.create(
            action=action, created_by=by, filter=filter_query, seen_at=seen_at, upto_id=upto,
            reason=(reason or "").strip(), total=queryset.filter(pk__lte=upto).count(),
        )
        db.on_commit(partial(enqueue, job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Hand the job to the cluster. A broker that does not answer fails the job at once, saying so."""
    def failed(why: str) -> None:
        BulkDecision.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.FAILED, finished_at=timezone.now(),
            error=f"{why} No line was changed; resume it once the cluster runs.",
        )

    jobs.enqueue("reviews.tasks.run_bulk_decision", job_id, group="woscan-bulk-decision", failed=failed)


def stopped(job: BulkDecision, now: datetime | None = None) -> str:
    """Why a job that is not finished looks stopped ('' while it may still be going)."""
    now = now or timezone.now()
    if job.state == JobState.QUEUED and job.created_at < now - QUEUED_STALE_AFTER and not job.beat_at:
        minutes = int(QUEUED_STALE_AFTER.total_seconds() // 60)
        return f"No cluster started it within {minutes} minutes (is the django-q2 cluster running?)."
    if job.state == JobState.RUNNING and (job.beat_at or job.started_at or job.created_at) < now - STALE_AFTER:
        last = timezone.localtime(job.beat_at or job.started_at)
        return (f"Its process ({job.holder or 'unknown'}) stopped without finishing: no chunk committed since "
                f"{last:%Y-%m-%d %H:%M:%S}. Every line up to #{job.cursor} is done; the rest are as they were.")
    return ""


def may_resume(job: BulkDecision) -> bool:
    return job.state == JobState.FAILED or bool(stopped(job))


def resume(job: BulkDecision, *, by) -> bool:
    """Take a failed or stopped job up again from its last committed chunk, as its creator."""
    if by.pk != job.created_by_id:
        raise PermissionDenied("Only who confirmed the decision may resume it: it decides in their name.")
    if not may_resume(job):
        return False
    with db.atomic():
        taken = BulkDecision.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
            state=JobState.QUEUED, holder="", error="", finished_at=None, beat_at=None,
        )
        if taken:
            db.on_commit(partial(enqueue, job.pk))
    return bool(taken)


# --- running --------------------------------------------------------------------------------
def _claim(job_id: int) -> BulkDecision | None:
    """Take the job up in this process: a queued one, or a running one that stopped. None when it
    is finished or another process is running it (a task delivered twice)."""
    job = BulkDecision.objects.filter(pk=job_id).first()
    if job is None or job.is_finished or (job.state == JobState.RUNNING and not stopped(job)):
        return None
    now = timezone.now()
    taken = BulkDecision.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
        state=JobState.RUNNING, holder=jobs.holder_id(), started_at=job.started_at or now, beat_at=now,
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    job.refresh_from_db()
    return job


def run(job_id: int) -> str:
    """Apply the job's decision chunk by chunk from its cursor; finish it, or fail it saying why."""
    job = _claim(job_id)
    if job is None:
        return f"bulk decision {job_id}: not taken up (finished, or running elsewhere)"
    try:
        while _one_chunk(job):
            pass
    except Exception as exc:  # any failure: the chunk in flight was rolled back
        log.exception("Bulk decision %s stopped after line %s", job.pk, job.cursor)
        why = str(exc) or exc.__class__.__name__
        BulkDecision.objects.filter(pk=job.pk, holder=job.holder).update(
            state=JobState.FAILED, finished_at=timezone.now(),
            error=(f"Stopped at the lines after #{job.cursor}: {why} The {job.done} lines decided before "
                   "stay decided; that chunk and the lines after it were left as they were."),
        )
        return f"bulk decision {job.pk}: failed ({why})"
    BulkDecision.objects.filter(pk=job.pk, holder=job.holder, state=JobState.RUNNING).update(
        state=JobState.FINISHED, finished_at=timezone.now(),
    )
    return f"bulk decision {job.pk}: {job.done} decided, {job.skipped} skipped"


def _one_chunk(job: BulkDecision) -> bool:
    """Decide the next chunk in one transaction; False when none is left."""
    with db.atomic():
        user = fresh(job.created_by)  # their permissions as the database has them now
        if not user.is_authenticated or not user.is_active:
            raise PermissionDenied(f"{job.created_by} can no longer sign in.")
        if not may(user, Transaction, "review"):
            raise PermissionDenied(f"{job.created_by} may no longer approve or reject lines.")
        queryset = matching(job.filter, user)
        if queryset is None:
            raise Stopped("the filter is not valid any more.")
        rows = next(in_chunks(queryset, after=job.cursor, upto=job.upto_id), None)
        if rows is None:
            return False
        decide = services.approve if job.action == "approve" else services.reject
        outcome = decide(rows, by=user, reason=job.reason, seen_at=job.seen_at)
        # Every changed line must be one the user may review now (permissions read again, after
        # the write); else the chunk is rolled back.
        recount(Transaction, user, "review", outcome.done,
                refused=f"{user} may no longer approve or reject these lines.")
        counts = dict(job.skipped_by_reason)
        for key, ids in outcome.skipped.items():
            if ids:
                counts[key] = counts.get(key, 0) + len(ids)
        ours = BulkDecision.objects.filter(pk=job.pk, holder=job.holder, state=JobState.RUNNING).update(
            cursor=rows[-1].pk, done=F("done") + len(outcome.done), skipped=F("skipped") + outcome.skipped_count,
            skipped_by_reason=counts, beat_at=timezone.now(),
        )
        if not ours:
            raise Stopped("another process took the job over (this one looked stopped); this chunk was rolled back.")
    job.cursor, job.skipped_by_reason = rows[-1].pk, counts
    job.done += len(outcome.done)
    job.skipped += outcome.skipped_count
    return True


def summary(job: BulkDecision) -> str:
    """The outcome in the words of the page's message ("Approved 2 lines. Skipped 1 because …")."""
    verb = {"approve": "Approved", "reject": "Rejected"}[job.action]
    text = f"{verb} {job.done} line{'s' if job.done != 1 else ''}."
    reasons = skipped_reasons(job.skipped_by_reason)
    if reasons:
        text += " Skipped " + "; ".join(f"{n} because {words}" for _, words, n in reasons) + "."
    return text
