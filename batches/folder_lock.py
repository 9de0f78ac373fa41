"""One process at a time writes batch files into the export folder.

Recovery decides from the folder whether a crashed export had renamed its control file into
place (``batches.services.finish_batch``); that is only sound while no other process is
writing the same batch. Two exports can meet there: the files written after an export's commit
and the recovery run at the start of the next export or by the schedule.

PostgreSQL: a session advisory lock (several machines share the database). SQLite: a ``flock``
on a file in the temp folder named after the database (SQLite means one machine), as the
device pushes queue for SQLite's write lock (``intake.services``). Both are freed by the operating
system or the database when the process dies, so a killed export never leaves the lock held.
Re-entrant within a thread (recovery finishes batches while holding it).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

WAIT_SECONDS = 30  # a 50,000-line batch is written in under a second
_ADVISORY_KEY = 0x574F_5343_0000_0001  # "WOSC", 1: the export folder
_held = threading.local()


@contextmanager
def export_folder_lock(*, wait: float = WAIT_SECONDS) -> Iterator[bool]:
    """Hold the lock for the block; yields False when it could not be had within ``wait`` seconds
    (the caller leaves the work to the next run)."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield True
        finally:
            _held.depth -= 1
        return
    release = _acquire(wait)
    if release is None:
        yield False
        return
    _held.depth = 1
    try:
        yield True
    finally:
        _held.depth = 0
        release()


def _acquire(wait: float):
    deadline = time.monotonic() + wait
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_KEY])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.1)

        def release() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_KEY])

        return release
    try:
        import fcntl
    except ImportError:  # Windows with SQLite: one process writes the folder there in practice
        return lambda: None
    database = os.path.abspath(str(connection.settings_dict["NAME"]))
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    handle = open(os.path.join(tempfile.gettempdir(), f"woscan-export-folder-{digest}.lock"), "a+b")  # noqa: SIM115 - held until release
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                return None
            time.sleep(0.05)

    def release() -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    return release
