"""The MAS → mirror pull: pulling table by table, recording what changed.

``request_pull`` (``syncconfig.pull_lock``) claims the one pull lock for a new run, so two
clusters never pull at once, and enqueues the task; ``execute_pull`` runs a claimed run,
renewing the claim's heartbeat while it runs. Each table is pulled in its own database
transaction: read from MAS (streamed), compare with the mirror by key, write only what changed
in bulk, and mark rows MAS no longer has inactive. A table that fails is rolled back and leaves its
mirror as it was; the run is marked failed with MAS's message and the other tables go on.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from mas.gateway import MASError, MASGateway
from mas.rowforms import column_forms, row_function
from mas.tablemaps import DATE_UPDATED
from syncconfig import pull_lock
from syncconfig.autosync import TableSpec
from syncconfig.material_keys import KeyedRows
from syncconfig.models import AutoSyncTable, PullRun, PullStatus, PullTableRun, PullTrigger, ServerConfig
from syncconfig.pull_lock import LostClaim, PullAlreadyRunning, current_run, request_pull  # noqa: F401 - callers import them here
from syncconfig.signals import pull_finished
from kernel.bulk import insert_rows

log = logging.getLogger(__name__)

WRITE_BATCH = 1000  # rows per bulk insert / update statement group
# DateUpdated is the date of the MAS workstation that saved the row, not the portal's: an
# incremental pull reads one day more than "since the last good pull's day", so a row saved
# just before midnight on a clock (or in a zone) behind the portal's is not missed. Rows read
# again and unchanged are compared and not written.
SINCE_MARGIN = timedelta(days=1)


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
    pull_finished.send(sender=PullRun, run=run, changed=changed)
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


# --- comparing and writing ---------------------------------------------------------------------
@dataclass
class Counts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("read", "inserted", "updated", "deactivated", "unchanged")}


class _MirrorTable:
    """One mirror table, read and written with plain SQL in bulk (``kernel.bulk`` for new
    rows, ``executemany`` for changed ones), never a ``save()`` or a model instance per row."""

    def __init__(self, spec: TableSpec, now):
        meta = spec.model._meta
        q = connection.ops.quote_name
        fields = spec.model_fields
        self.nk = len(spec.key_fields)
        # MAS values are converted to the form the portal database stores them in, and the
        # mirror's values read back are brought to that form where the database hands back
        # another (``mas.rowforms``), so that equal rows compare equal.
        forms = column_forms(fields, connection)
        self.convert_row = row_function(forms)
        self.convert_key = row_function(forms[: self.nk])
        self.normalise = [form.on_read for form in forms]
        self.table = q(meta.db_table)
        self.pk = q(meta.pk.column)
        self.columns = [q(f.column) for f in fields]
        self.reads = [form.read.format(column) for form, column in zip(forms, self.columns)]
        self.active = q(meta.get_field("active").column)
        stamp = meta.get_field("last_changed_at").get_db_prep_save(now, connection)
        first_seen = meta.get_field("first_seen_at").get_db_prep_save(now, connection)
        # Fields the mapping leaves unpulled get their default in new rows (the database has none);
        # ``active`` is true, in the same stored form as every value (1 on SQLite, unadapted).
        unmapped = spec.unmapped_fields
        own = [*unmapped, meta.get_field("active")]
        *defaults, true = (form.convert(value) for form, value in zip(
            column_forms(own, connection), [*(f.get_default() for f in unmapped), True]
        ))
        self.insert_tail = (*defaults, true, first_seen, stamp)
        self.update_tail = (true, stamp)
        self.db_table = meta.db_table
        self.insert_columns = [
            *(f.column for f in (*fields, *unmapped)),
            *(meta.get_field(n).column for n in ("active", "first_seen_at", "last_changed_at")),
        ]
        sets = [*self.columns[self.nk:], self.active, q(meta.get_field("last_changed_at").column)]
        self.update_sql = f"UPDATE {self.table} SET {', '.join(f'{c} = %s' for c in sets)} WHERE {self.pk} = %s"
        self.deactivate_head = (
            f"UPDATE {self.table} SET {self.active} = %s, {q(meta.get_field('last_changed_at').column)} = %s "
            f"WHERE {self.active} = %s AND {self.pk} IN "
        )
        self.stamp = stamp

    def _norm(self, values) -> tuple:
        if not any(self.normalise):
            return tuple(values)
        return tuple([v if n is None else n(v) for n, v in zip(self.normalise, values)])

    def index(self, *, with_values: bool) -> dict[tuple, tuple[int, int | None, bool]]:
        """{key: (pk, hash of the values or None, active)} of every mirror row."""
        columns = self.reads if with_values else self.reads[: self.nk]
        normalise = self.normalise if with_values else self.normalise[: self.nk]
        nk = self.nk
        index = {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.pk}, {self.active}, {', '.join(columns)} FROM {self.table}")
            while rows := cursor.fetchmany(5000):
                if any(normalise):
                    rows = [
                        (pk, active, *[v if n is None else n(v) for n, v in zip(normalise, values)])
                        for pk, active, *values in rows
                    ]
                for row in rows:
                    index[row[2 : 2 + nk]] = (row[0], hash(row[2 + nk :]) if with_values else None, bool(row[1]))
        return index

    def digests(self, pks: list[int]) -> dict[int, int]:
        """{pk: hash of the values} for some rows."""
        found = {}
        with connection.cursor() as cursor:
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT {self.pk}, {', '.join(self.reads)} FROM {self.table} WHERE {self.pk} IN ({marks})", chunk)
                for pk, *values in cursor.fetchall():
                    found[pk] = hash(self._norm(values)[self.nk:])
        return found

    def insert(self, rows: list[tuple]) -> None:
        """New rows, in bulk (COPY on PostgreSQL, multi-row INSERTs elsewhere). Values are
        converted rows (``convert_row``): ready for the database driver as they are."""
        tail = self.insert_tail
        insert_rows(self.db_table, self.insert_columns, [values + tail for values in rows])

    def update(self, rows: list[tuple[int, tuple]]) -> None:
        if rows:
            nk = self.nk
            with connection.cursor() as cursor:
                cursor.executemany(
                    self.update_sql, [v[nk:] + self.update_tail + (pk,) for pk, v in rows]
                )

    def deactivate(self, pks: list[int]) -> int:
        """Mark rows inactive (``pks`` at most a few hundred); returns how many were active."""
        with connection.cursor() as cursor:
            cursor.execute(f"{self.deactivate_head}({', '.join(['%s'] * len(pks))})", [False, self.stamp, True, *pks])
            return cursor.rowcount

    def count_active(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table} WHERE {self.active} = %s", [True])
            return cursor.fetchone()[0]


def sync_table(mas: MASGateway, spec: TableSpec, *, since=None) -> Counts:
    """Make the mirror of one table equal to MAS; returns the counts. Call inside a transaction.

    Full: every MAS row is streamed and compared with the mirror, held in memory only as
    {key: (pk, hash of values, active)}. Incremental (``since`` set): only rows with
    DateUpdated on or after ``since`` are read; the keys of the rest are scanned to find rows
    that vanished or came back — skipped when MAS and the mirror have as many rows and the
    table was already pulled today (the first pull of each day always scans).
    Writes go out in batches of ``WRITE_BATCH``. A table whose key the portal gives
    (``spec.derived_keys``: material lines without a line key column) is always read in full
    and keyed by ``syncconfig.material_keys`` before the comparison.
    """
    keyed = KeyedRows(spec) if spec.derived_keys else None
    if keyed:
        spec = keyed.spec
    nk = len(spec.key_fields)
    counts = Counts()
    mirror = _MirrorTable(spec, timezone.now())
    inserts: list[tuple] = []
    updates: list[tuple[int, tuple]] = []
    seen: set[tuple] = set()
    incremental = spec.incremental and since is not None and not keyed

    def flush() -> None:
        mirror.insert(inserts)
        mirror.update(updates)
        inserts.clear()
        updates.clear()

    def take(chunk: list[tuple], keys: list[tuple], known: list, digests: list | None = None) -> None:
        """Sort a chunk of MAS rows into new, changed and unchanged ones; write when enough wait.

        ``known``: each row's mirror entry ``(pk, hash of values, active)`` or None; ``digests``:
        the hash of each row's mirror values, where the entries hold none.
        """
        _remember(seen, keys)
        counts.read += len(chunk)
        if not any(known):  # all new: a first pull
            inserts.extend(chunk)
            counts.inserted += len(chunk)
        else:
            new = unchanged = 0
            for values, entry, digest in zip(chunk, known, digests or [e and e[1] for e in known]):
                if entry is None:
                    inserts.append(values)
                    new += 1
                elif entry[2] and digest == hash(values[nk:]):
                    unchanged += 1
                else:
                    updates.append((entry[0], values))
            counts.inserted += new
            counts.unchanged += unchanged
            counts.updated += len(chunk) - new - unchanged
        if len(inserts) >= WRITE_BATCH or len(updates) >= WRITE_BATCH:
            flush()

    chunks = keyed.chunks(mas, mirror) if keyed else mas.select_chunks(
        spec.mas_table, spec.mas_columns, convert_row=mirror.convert_row,
        **({"where": f"{DATE_UPDATED} >= ?", "params": [since - SINCE_MARGIN]} if incremental else {}),
    )
    index = mirror.index(with_values=not incremental)
    for chunk in chunks:
        keys = [values[:nk] for values in chunk]
        known = [index.pop(key, None) for key in keys]
        if incremental:
            found = mirror.digests([entry[0] for entry in known if entry])
            take(chunk, keys, known, [entry and found.get(entry[0]) for entry in known])
        else:
            take(chunk, keys, known)
    flush()
    if incremental:
        if since < timezone.localdate() or mas.count(spec.mas_table) != mirror.count_active():
            # Every key MAS has, once: those the mirror lacks (or holds inactive) are read again,
            # by their first column as MAS stores it (padded), and a key twice stops the table.
            missing: set[tuple] = set()
            firsts: set = set()
            scanned: set[tuple] = set()
            for raws in mas.select_chunks(spec.mas_table, spec.mas_columns[:nk], convert_row=tuple):
                keys = list(map(mirror.convert_key, raws))
                _remember(scanned, keys)
                for raw, key in zip(raws, keys):
                    if key in seen:
                        continue
                    entry = index.get(key)
                    if entry is None or not entry[2]:
                        missing.add(key)
                        firsts.add(raw[0])
                    else:
                        del index[key]  # present and unchanged since the last pull
            rows = mas.select_in_rows(
                spec.mas_table, spec.mas_columns, spec.mas_columns[0], sorted(firsts), convert_row=mirror.convert_row
            )
            for values in rows:
                key = values[:nk]
                if key in missing and key not in seen:
                    take([values], [key], [index.pop(key, None)], [None])
            flush()
        else:
            index = {}  # nothing vanished: as many rows on both sides

    vanished = [pk for pk, _digest, active in index.values() if active]
    for start in range(0, len(vanished), 500):
        counts.deactivated += mirror.deactivate(vanished[start : start + 500])
    return counts


def _remember(seen: set[tuple], keys: list[tuple]) -> None:
    """Add a chunk's keys to those read so far; a key read twice stops the table."""
    size = len(seen)
    repeated = None if seen.isdisjoint(keys) else next(key for key in keys if key in seen)
    seen.update(keys)
    if repeated is None and len(seen) - size < len(keys):  # twice within the chunk
        repeated = next(key for key, n in Counter(keys).items() if n > 1)
    if repeated is not None:
        raise ValueError(
            f"MAS returned the key {'/'.join(map(str, repeated))} twice: the key columns do not identify one row."
        )


def pull_now(*, trigger: str = PullTrigger.COMMAND, by=None, table: AutoSyncTable | None = None) -> PullRun:
    """Claim and run a pull here and now (the management command, the schedule)."""
    run = request_pull(trigger=trigger, by=by, table=table, enqueue=False)
    return execute_pull(run.pk)
