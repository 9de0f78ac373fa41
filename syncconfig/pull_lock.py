"""The pull lock: the one claimed row (``PullLock``) that keeps two pulls from running at once,
and knows whether the process holding it is alive.

A claim names its holder — the process, as ``host pid <pid> <random id>`` — and carries a
heartbeat (``beat_at``) that the running pull renews. A claim whose holder stopped beating for
``WOSCAN_PULL_STALE_AFTER`` seconds (default 120) belongs to a process that is gone (killed, its
machine stopped): the next pull takes it over, and the old run is marked *abandoned*. A queued
run (Pull now) has no process yet; its claim is given up after ``QUEUED_STALE_AFTER`` if no
cluster starts it.

Times are the database's clock (``Now()``), both the beats and the comparisons, so that two
machines whose clocks differ agree on what is stale.

How the beat is renewed, and why (measured on SQLite, where the portal database has one
writer at a time and every transaction takes the write lock at ``BEGIN``):

- a small thread (``Heartbeat``), on its own database connection, beats every quarter of the
  stale time while the pull runs — through the MAS reads and the pauses between tables;
- the pull's own beat at the end of each table's transaction (``beat`` inside it, the last
  statement before the commit). On SQLite the thread's beat waits for that transaction (the
  whole table: a beat sent 0.1 s into a 3 s table lands at 3 s), and so does every other
  process that might take the claim over: when the lock is free again the beat is fresh. On
  PostgreSQL the beat holds the lock row until the commit, so a takeover either comes before it
  — and the table is rolled back (``LostClaim``) — or after the table committed: never two
  pulls writing at once.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from kernel import jobs
from kernel.jobs import holder_id
from syncconfig.autosync import ensure_default_tables
from syncconfig.models import AutoSyncTable, PullLock, PullRun, PullStatus, PullTableRun

log = logging.getLogger(__name__)

# A run no cluster ever started (Pull now with the cluster down) gives its claim up after this,
# so that ``pull_mas`` can still pull.
QUEUED_STALE_AFTER = timedelta(minutes=10)
_LOCK_FIELDS = ("run", "holder", "beats", "claimed_at", "beat_at", "run__status", "now")


class PullAlreadyRunning(Exception):
    def __init__(self, run: PullRun | None):
        self.run = run
        when = f", started at {timezone.localtime(run.started_at):%Y-%m-%d %H:%M:%S}" if run else ""
        number = f" (pull {run.pk})" if run else ""
        super().__init__(f"A pull is already running{number}{when}; it was not started twice.")


class LostClaim(Exception):
    """Another pull took the lock over while this one ran (it looked stopped): stop here."""


def stale_after() -> timedelta:
    return timedelta(seconds=settings.WOSCAN_PULL_STALE_AFTER)


def beat_every() -> float:
    """Seconds between two beats: four beats may be missed before a claim is stale."""
    return settings.WOSCAN_PULL_STALE_AFTER / 4


# --- claiming ----------------------------------------------------------------------------------
def _read() -> dict:
    return PullLock.objects.filter(pk=1).annotate(now=Now()).values(*_LOCK_FIELDS).get()


def _as_read(lock: dict):
    """The lock row exactly as read: a compare-and-set on it fails if anyone changed it since (every
    claim and every beat counts ``beats`` up; timestamps written by the database do not compare
    equal to themselves read back on SQLite)."""
    return PullLock.objects.filter(pk=1, run=lock["run"], holder=lock["holder"], beats=lock["beats"])


def _why_abandoned(lock: dict) -> str | None:
    """Why the claim's holder is taken to be gone, or None while it may still be alive."""
    if lock["run"] is None:
        return None
    now, status = lock["now"], lock["run__status"]
    if status == PullStatus.QUEUED:
        if lock["claimed_at"] < now - QUEUED_STALE_AFTER:
            minutes = int(QUEUED_STALE_AFTER.total_seconds() // 60)
            return f"Abandoned: no cluster started it within {minutes} minutes (is the django-q2 cluster running?)."
        return None
    if status != PullStatus.RUNNING:
        return "Abandoned: it had finished without freeing the lock."
    last = lock["beat_at"] or lock["claimed_at"]
    if last < now - stale_after():
        return (
            f"Abandoned: its process ({lock['holder'] or 'unknown'}) stopped without finishing — no heartbeat since "
            f"{timezone.localtime(last):%Y-%m-%d %H:%M:%S} (WOSCAN_PULL_STALE_AFTER = "
            f"{settings.WOSCAN_PULL_STALE_AFTER} s). The table it was pulling was rolled back."
        )
    return None


def _mark_abandoned(run_id: int, why: str) -> None:
    now = timezone.now()
    PullRun.objects.filter(pk=run_id, status__in=(PullStatus.QUEUED, PullStatus.RUNNING)).update(
        status=PullStatus.ABANDONED, finished_at=now, error=why
    )
    PullTableRun.objects.filter(run_id=run_id, status=PullStatus.RUNNING).update(
        status=PullStatus.ABANDONED, finished_at=now,
        error="The pull stopped during this table: its changes were rolled back (the mirror is as it was before).",
    )


def request_pull(*, trigger: str, by=None, table: AutoSyncTable | None = None, enqueue: bool = True) -> PullRun:
    """Claim the pull lock for a new run; with ``enqueue`` the task is queued when this commits.

    Raises ``PullAlreadyRunning`` (nothing created) when another run holds a live claim. A
    claim whose holder is gone is taken over and its run marked abandoned.
    """
    ensure_default_tables()
    with transaction.atomic():
        run = PullRun.objects.create(
            status=PullStatus.QUEUED, trigger=trigger, requested_by=by, only_table=table.name if table else ""
        )
        lock = _read()
        why = _why_abandoned(lock)
        # Compare-and-set on the lock row as read: of two requests, one wins.
        claimed = (lock["run"] is None or why) and _as_read(lock).update(
            run=run, holder=holder_id(), claimed_at=Now(), beat_at=Now(), beats=F("beats") + 1
        )
        if not claimed:
            raise PullAlreadyRunning(current_run())  # leaving the block rolls the new run back
        if lock["run"] is not None:
            log.warning("Pull %s took over the lock of pull %s: %s", run.pk, lock["run"], why)
            _mark_abandoned(lock["run"], f"{why} Pull {run.pk} took over.")
        if enqueue:
            transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def reap() -> PullRun | None:
    """Free the lock if its holder is gone, marking its run abandoned (sync health and the
    cluster's heartbeat call this, so a killed pull shows as abandoned without waiting for the
    next one). Returns the abandoned run, if any."""
    try:
        lock = _read()
    except PullLock.DoesNotExist:
        return None
    why = _why_abandoned(lock)
    if why is None:
        return None
    with transaction.atomic():
        if not _as_read(lock).update(run=None, holder="", claimed_at=None, beat_at=None, beats=F("beats") + 1):
            return None  # someone else changed it meanwhile
        log.warning("The lock of pull %s was freed: %s", lock["run"], why)
        _mark_abandoned(lock["run"], why)
    return PullRun.objects.filter(pk=lock["run"]).first()


def _enqueue(run_id: int) -> None:
    """Hand the claimed run to the cluster. A broker that does not answer fails the run at once,
    with a message naming it, and frees the lock (else Pull now would say "already running"
    until the claim went stale)."""
    def failed(why: str) -> None:
        PullRun.objects.filter(pk=run_id, status=PullStatus.QUEUED).update(
            status=PullStatus.FAILED, finished_at=timezone.now(), error=why,
        )
        release(run_id)

    jobs.enqueue("afterpull.tasks.run_pull", run_id, group="woscan-pull", failed=failed, what="The pull")


def current_run() -> PullRun | None:
    """The run holding the pull lock, if any."""
    holder = PullLock.objects.filter(pk=1).values_list("run", flat=True).first()
    return PullRun.objects.filter(pk=holder).first() if holder else None


# --- holding -----------------------------------------------------------------------------------
def start(run: PullRun) -> bool | None:
    """Take up a claimed run in this process: ``queued → running`` and this process becomes the
    holder, at once (one transaction: no moment where the run runs under an old beat). None when
    the run is not queued (already started, or abandoned: a task delivered twice or late does
    nothing); False when another pull took the lock over meanwhile (the run is marked failed)."""
    with transaction.atomic():
        if not PullRun.objects.filter(pk=run.pk, status=PullStatus.QUEUED).update(status=PullStatus.RUNNING):
            return None
        if PullLock.objects.filter(pk=1, run=run).update(holder=holder_id(), beat_at=Now(), beats=F("beats") + 1):
            return True
        PullRun.objects.filter(pk=run.pk).update(
            status=PullStatus.FAILED, finished_at=timezone.now(), error="Another pull took over the lock; this one did not run."
        )
        return False


def beat(run_id: int) -> bool:
    """Renew this process's claim on ``run_id``; False when it is not ours any more.

    In a transaction of its own: on SQLite its ``BEGIN IMMEDIATE`` waits for the write lock
    first, so the time written is when the beat landed, not when it was sent."""
    with transaction.atomic():
        mine = PullLock.objects.filter(pk=1, run_id=run_id, holder=holder_id())
        return mine.update(beat_at=Now(), beats=F("beats") + 1) == 1


def beat_before_commit(run_id: int) -> None:
    """The last statement of a table's transaction: renew the claim, or raise ``LostClaim`` so
    that the table is rolled back (another pull holds the lock: it must not commit too)."""
    if not beat(run_id):
        raise LostClaim("Another pull took over the lock (this one looked stopped); this table was rolled back.")


def release(run_id: int) -> None:
    PullLock.objects.filter(pk=1, run_id=run_id).update(
        run=None, holder="", claimed_at=None, beat_at=None, beats=F("beats") + 1
    )


class Heartbeat:
    """Beats for a running pull from a thread of its own (its own database connection) until
    the block ends; ``lost`` is set when the claim is found taken over.

    Not started inside a transaction (a test's): there the claim is not committed, no other
    process sees it, and another connection would wait for that transaction.
    """

    def __init__(self, run: PullRun):
        self.run_id = run.pk
        self.lost = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if not connection.in_atomic_block:
            holder_id()  # fixed before the thread starts, so both threads name the same holder
            self._thread = threading.Thread(target=self._run, name=f"pull-{self.run_id}-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._done.wait(beat_every()):
                try:
                    if not beat(self.run_id):
                        self.lost.set()
                        return
                except DatabaseError as exc:  # busy (SQLite: waited past its timeout); the next beat tries again
                    log.info("Pull %s: a heartbeat could not be written (%s)", self.run_id, exc)
        finally:
            connection.close()
