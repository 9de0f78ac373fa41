"""One pull of MAS into the mirror: the lock, the tables in order, the run row.

``request_pull`` (``syncconfig.pull_lock``) claims the one pull lock for a new run, so two
clusters never pull at once, and enqueues the task; ``execute_pull`` runs a claimed run,
renewing the claim's heartbeat while it runs. Each table is pulled in its own database
transaction: read from MAS (streamed), compare with the mirror by key, write only what changed
in bulk, and mark rows MAS no longer has inactive (``syncconfig.pull_diff`` decides what
changed, ``syncconfig.pull_write`` writes it). A table that fails is rolled back and leaves its
mirror as it was; the run is marked failed with MAS's message and the other tables go on.
What follows a pull that succeeded (re-checking open lines, reconciling batches) is ``afterpull``.
"""
from __future__ import annotations

import logging
import time

from django.db import DatabaseError, transaction
from django.utils import timezone

from mas.gateway import MASError, MASGateway
from syncconfig import pull_lock
from syncconfig.autosync import TableSpec
from syncconfig.models import AutoSyncTable, PullRun, PullStatus, PullTableRun, ServerConfig
from syncconfig.pull_diff import sync_table
from syncconfig.pull_lock import LostClaim, PullAlreadyRunning, current_run, request_pull  # noqa: F401 - callers import them here

log = logging.getLogger(__name__)


# --- running ---------------------------------------------------------------------------------
def execute_pull(run_id: int, *, sleep=time.sleep) -> PullRun:
    """Run a claimed run to the end. Idempotent: a run that is not queued is returned as it is."""
    run = PullRun.objects.get(pk=run_id)
    started = pull_lock.start(run)
    if not started:
        run.refresh_from_db()
        return run
    changed: set[str] = set()
    errors: list[str] = []
    try:
        with pull_lock.Heartbeat(run) as heartbeat:
            _pull_tables(run, sleep, heartbeat, changed, errors)
    except Exception as exc:  # noqa: BLE001 - the run must end and the lock be freed whatever happened
        log.exception("Pull %s stopped", run.pk)
        errors.append(f"The pull stopped: {exc}")
    finally:
        run.finished_at = timezone.now()
        run.status = PullStatus.FAILED if errors else PullStatus.SUCCEEDED
        run.error = "\n".join(dict.fromkeys(errors))  # an unreachable MAS is said once, not per table
        # Compare-and-set: a run another cluster already marked abandoned keeps that verdict.
        if not PullRun.objects.filter(pk=run.pk, status=PullStatus.RUNNING).update(
            status=run.status, finished_at=run.finished_at, error=run.error
        ):
            run.refresh_from_db()
        pull_lock.release(run.pk)
    log.info("Pull %s %s; changed: %s", run.pk, run.status, ", ".join(sorted(changed)) or "nothing")
    return run


def _pull_tables(run: PullRun, sleep, heartbeat: pull_lock.Heartbeat, changed: set[str], errors: list[str]) -> None:
    config = ServerConfig.load()
    tables = list(AutoSyncTable.objects.filter(enabled=True))
    if run.only_table:
        tables = list(AutoSyncTable.objects.filter(name=run.only_table))
    mas: MASGateway | None = None
    try:
        for index, table in enumerate(tables):
            if index and config.time_between_syncs:
                sleep(config.time_between_syncs)
            if heartbeat.lost.is_set() or not pull_lock.beat(run.pk):
                errors.append("Another pull took over the lock (this one looked stalled); it stopped here.")
                break
            try:
                table.refresh_from_db()  # an administrator may have changed its mapping meanwhile
            except AutoSyncTable.DoesNotExist:
                continue
            if mas is None:
                try:
                    mas = _connect()
                except MASError as exc:
                    # MAS cannot be reached: every table left says so at once (no pauses, no
                    # retry per table: a wrong WOSCAN_MAS_ODBC took a minute to report).
                    errors.append(str(exc))
                    for left in tables[index:]:
                        _record_failed_table(run, left, str(exc))
                    break
            result = pull_table(mas, table, run)
            if result.status == PullStatus.FAILED:
                errors.append(f"{table.label}: {result.error}")
                mas.__exit__(None, None, None)  # reconnect for the next table
                mas = None
            elif result.changed:
                changed.add(table.model_label)
    finally:
        if mas is not None:
            mas.__exit__(None, None, None)


def _connect() -> MASGateway:
    return MASGateway().__enter__()


def _record_failed_table(run: PullRun, table: AutoSyncTable, error: str) -> PullTableRun:
    now = timezone.now()
    return PullTableRun.objects.create(
        run=run, table=table, name=table.name, mas_table=table.mas_table, mode=table.mode,
        status=PullStatus.FAILED, started_at=now, finished_at=now, error=error,
    )


def pull_table(mas: MASGateway, table: AutoSyncTable, run: PullRun) -> PullTableRun:
    """Pull one table in its own transaction; on any failure its mirror is left exactly as it was."""
    stat = PullTableRun.objects.create(
        run=run, table=table, name=table.name, mas_table=table.mas_table, mode=table.mode, started_at=timezone.now()
    )
    today = timezone.localdate()
    try:
        spec = TableSpec.of(table)
        with transaction.atomic():
            counts = sync_table(mas, spec, since=table.since if spec.incremental else None)
            pull_lock.beat_before_commit(run.pk)  # the table commits only while the claim is this pull's
    except (MASError, DatabaseError, ValueError, KeyError, LostClaim) as exc:
        stat.status, stat.error = PullStatus.FAILED, _message(exc)
    except Exception as exc:  # the table row must not stay "running"; the run records the rest
        stat.status, stat.error = PullStatus.FAILED, _message(exc)
        stat.finished_at = timezone.now()
        stat.save()
        raise
    else:
        stat.status = PullStatus.SUCCEEDED
        for name, value in counts.as_dict().items():
            setattr(stat, name, value)
        if spec.incremental:
            # Compare-and-set on the row as read: a mapping saved during the pull reset ``since``
            # so that the next pull reads the whole table with it; that reset must stand.
            AutoSyncTable.objects.filter(pk=table.pk, updated_at=table.updated_at).update(since=today)
    stat.finished_at = timezone.now()
    stat.save()
    return stat


def _message(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"Unknown mirror field {exc}: fix the table's mapping."
    return str(exc) or exc.__class__.__name__
