"""Where a pull decides what changed: MAS's rows against the mirror's, table by table.

``sync_table`` streams a table from MAS, compares each row with the mirror by key (a hash of
its values), sorts it into new, changed and unchanged rows, finds the rows MAS no longer has,
and hands the writes to ``syncconfig.pull_write.MirrorTable`` in batches. The run around it
(lock, tables in order, the run row) is ``syncconfig.pull_run``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from mas.gateway import MASGateway
from mas.tablemaps import DATE_UPDATED
from syncconfig.autosync import TableSpec
from syncconfig.material_keys import KeyedRows
from syncconfig.pull_write import MirrorTable

WRITE_BATCH = 1000  # rows per bulk insert / update statement group
# DateUpdated is the date of the MAS workstation that saved the row, not the portal's: an
# incremental pull reads one day more than "since the last good pull's day", so a row saved
# just before midnight on a clock (or in a zone) behind the portal's is not missed. Rows read
# again and unchanged are compared and not written.
SINCE_MARGIN = timedelta(days=1)


@dataclass
class Counts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("read", "inserted", "updated", "deactivated", "unchanged")}


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
    mirror = MirrorTable(spec, timezone.now())
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
