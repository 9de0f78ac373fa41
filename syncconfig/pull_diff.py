"""Where a pull decides what changed: MAS's rows against the mirror's, table by table.

``sync_table`` streams a table from MAS, compares each row with the mirror by key, sorts it
into new, changed and unchanged rows, finds the rows MAS no longer has, and hands the writes to
``syncconfig.pull_write.MirrorTable`` in batches. A full pull merges two streams sorted by key
(MAS's rows and the mirror's), so that it holds a few thousand rows whatever the table's size;
an incremental one holds the mirror's keys. The run around it (lock, tables in order, the run
row) is ``syncconfig.pull_run``.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain

from django.db import transaction
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
DEACTIVATE_BATCH = 500  # vanished rows per UPDATE … WHERE pk IN (…)

log = logging.getLogger(__name__)


class NotInKeyOrder(Exception):
    """MAS returned its rows sorted otherwise than Python sorts their keys (a case-insensitive
    collation, a character below the space in a padded key): the merge cannot go on."""


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

    Full: MAS's rows, asked for in key order, are merged with the mirror's read in the same
    order (``merge_full``), a page at a time on both sides. Should MAS sort its keys in another
    order than Python (its collation), the merge is rolled back to its savepoint and the table
    compared again with the mirror held in memory as {key: (pk, hash of values, active)} —
    correct, at the memory of the whole mirror. Incremental (``since`` set): only rows with
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
    if not keyed and not incremental:
        try:
            with transaction.atomic():  # a savepoint: a merge that cannot go on leaves no write behind
                return merge_full(mas, spec, mirror)
        except NotInKeyOrder as exc:
            log.warning("%s: %s; compared with the mirror held in memory instead.", spec.mas_table, exc)

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

    counts.deactivated += _deactivate(mirror, [pk for pk, _digest, active in index.values() if active])
    return counts


def merge_full(mas: MASGateway, spec: TableSpec, mirror: MirrorTable) -> Counts:
    """A full pull as a merge of two streams sorted by key: MAS's rows (``ORDER BY`` the key
    columns) and the mirror's (``MirrorTable.ordered``). A mirror row whose key MAS passed
    without returning is gone from MAS; a MAS row with no mirror row at its key is new; one
    whose mirror row differs (or is inactive) is changed. Held at once: a fetched chunk, a page
    of the mirror and the writes waiting for their batch.

    Raises ``NotInKeyOrder`` when MAS's order is not Python's (the caller compares in memory
    instead); a key MAS returns twice stops the table, as in every mode.
    """
    nk = len(spec.key_fields)
    counts = Counts()
    inserts: list[tuple] = []
    updates: list[tuple[int, tuple]] = []
    vanished: list[int] = []
    pages = mirror.ordered()
    rows = chain.from_iterable(pages)
    head = next(rows, None)
    head_key = head[2 : 2 + nk] if head is not None else None
    last = None
    unchanged = 0
    try:
        for chunk in mas.select_chunks(
            spec.mas_table, spec.mas_columns, order_by=spec.mas_columns[:nk], convert_row=mirror.convert_row
        ):
            for values in chunk:
                key = values[:nk]
                if last is not None and key <= last:
                    if key == last:
                        raise ValueError(_twice(key))
                    raise NotInKeyOrder(
                        f"MAS sorted the key {_shown(key)} after {_shown(last)}, which Python sorts first"
                    )
                last = key
                while head is not None and head_key < key:
                    if head[1]:
                        vanished.append(head[0])
                    head = next(rows, None)
                    head_key = head[2 : 2 + nk] if head is not None else None
                if head is not None and head_key == key:
                    if head[1] and head[2 + nk :] == values[nk:]:
                        unchanged += 1
                    else:
                        updates.append((head[0], values))
                    head = next(rows, None)
                    head_key = head[2 : 2 + nk] if head is not None else None
                else:
                    inserts.append(values)
            counts.read += len(chunk)
            if len(inserts) >= WRITE_BATCH:
                counts.inserted += len(inserts)
                mirror.insert(inserts)
                inserts.clear()
            if len(updates) >= WRITE_BATCH:
                counts.updated += len(updates)
                mirror.update(updates)
                updates.clear()
            if len(vanished) >= DEACTIVATE_BATCH:
                counts.deactivated += _deactivate(mirror, vanished)
                vanished.clear()
        while head is not None:  # mirror rows after MAS's last key
            if head[1]:
                vanished.append(head[0])
                if len(vanished) >= DEACTIVATE_BATCH:
                    counts.deactivated += _deactivate(mirror, vanished)
                    vanished.clear()
            head = next(rows, None)
    finally:
        pages.close()  # the server-side cursor, when the merge stops early
    counts.inserted += len(inserts)
    mirror.insert(inserts)
    counts.updated += len(updates)
    mirror.update(updates)
    counts.deactivated += _deactivate(mirror, vanished)
    counts.unchanged = unchanged
    return counts


def _deactivate(mirror: MirrorTable, pks: list[int]) -> int:
    return sum(mirror.deactivate(pks[start : start + DEACTIVATE_BATCH]) for start in range(0, len(pks), DEACTIVATE_BATCH))


def _shown(key: tuple) -> str:
    return "/".join(map(str, key))


def _twice(key: tuple) -> str:
    return f"MAS returned the key {_shown(key)} twice: the key columns do not identify one row."


def _remember(seen: set[tuple], keys: list[tuple]) -> None:
    """Add a chunk's keys to those read so far; a key read twice stops the table."""
    size = len(seen)
    repeated = None if seen.isdisjoint(keys) else next(key for key in keys if key in seen)
    seen.update(keys)
    if repeated is None and len(seen) - size < len(keys):  # twice within the chunk
        repeated = next(key for key, n in Counter(keys).items() if n > 1)
    if repeated is not None:
        raise ValueError(_twice(repeated))
