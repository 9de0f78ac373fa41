"""Claiming the approved lines of an export in one pass.

One statement moves every approved line in scope ``approved → exported`` and raises its
version: ``UPDATE … SET status='exported', version=version+1 WHERE status='approved' AND
<scope> RETURNING id`` — the ``export`` move of ``transactions.lifecycle``, which writes the
statement (``lifecycle.export_claim``); this module runs it. The ids it returns go into a temporary table of the connection, from
which the export then reads the claimed lines, oldest first, a chunk at a time
(``claimed_rows``): no list of every line is ever held, and no line is visited twice.

The statement is the compare-and-set: a line another process changes at the same moment is
either claimed as it is after that change (PostgreSQL re-checks ``status = 'approved'`` on the
row's newest version once the other transaction commits; SQLite runs one writer at a time) or
not claimed at all. From the claim to the commit the claimed rows are the export's alone (row
locks on PostgreSQL, the write lock on SQLite), so what is read after the claim is exactly what
was claimed, and each row's version before the claim is its version now minus one — which is
what the supervisor's confirmation (``services.Selection.fingerprint``) is checked against.
"""
from __future__ import annotations

from array import array

from django.db import connection
from django.db.models.expressions import RawSQL

from transactions.models import Transaction
from transactions import lifecycle

TEMP_TABLE = "woscan_export_claim"
FETCH = 5_000  # ids taken at a time from the claim's RETURNING (SQLite)
READ_CHUNK = 2_000  # claimed lines read at a time


def claim(ids=None, *, automatic_only: bool = False, now) -> int:
    """Claim every approved line (of ``ids``, or automatically approved only) in one statement;
    return how many were claimed. Inside the export's transaction."""
    update, params = lifecycle.export_claim(ids, automatic_only=automatic_only, now=now)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
        if postgresql:
            cursor.execute(f"CREATE TEMPORARY TABLE {TEMP_TABLE} (id bigint PRIMARY KEY) ON COMMIT DROP")
            cursor.execute(f"WITH claimed AS ({update}) INSERT INTO {TEMP_TABLE} (id) SELECT id FROM claimed", params)
            count = cursor.rowcount
            cursor.execute(f"ANALYZE {TEMP_TABLE}")  # temporary tables are never analysed on their own
            return count
        cursor.execute(f"CREATE TEMPORARY TABLE {TEMP_TABLE} (id INTEGER PRIMARY KEY)")
        cursor.execute(update, params)
        claimed = array("q")
        while rows := cursor.fetchmany(FETCH):
            claimed.extend(row[0] for row in rows)
        cursor.executemany(f"INSERT INTO {TEMP_TABLE} (id) VALUES (%s)", ((pk,) for pk in claimed))
        return len(claimed)


def claimed_rows(*fields: str):
    """The claimed lines' ``fields``, oldest first (``collected_at``, then id), read in chunks."""
    return (
        Transaction.objects.filter(pk__in=RawSQL(f"SELECT id FROM {TEMP_TABLE}", []))
        .order_by("collected_at", "pk")
        .values_list(*fields)
        .iterator(chunk_size=READ_CHUNK)
    )


def release() -> None:
    """Drop the claim's temporary table (PostgreSQL drops it at the commit anyway)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
