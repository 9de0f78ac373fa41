"""Benchmark: export of a 50,000-line batch, and reconciliation of 500 batches against MAS.

    .venv/bin/python bench/export_batch.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench .venv/bin/python bench/export_batch.py

Targets (issue 6): export < 5 s with peak memory < 200 MB; reconciliation of 500 batches in one
pull < 10 s. The export is timed without tracing, then run again on another 50,000 lines under
``tracemalloc`` for the peak of Python allocations; the process's peak RSS is printed too.
The reconciliation reads a demo MAS company (SQLite ODBC driver) holding 500 batches: 250 in
Transaction Entry and 250 posted to history, 20 lines each.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="woscan-bench-export-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'portal.sqlite3'}")
os.environ["WOSCAN_EXPORT_DIR"] = str(WORK / "export")
os.environ["WOSCAN_DEMO_MAS_PATH"] = str(WORK / "ABC.sqlite")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

LINES = 50_000
BATCHES = 500
LINES_PER_BATCH = 20


def make_approved(n: int) -> None:
    from reviews.models import Transaction

    now = timezone.now()
    kinds = [
        dict(type="labor", step="0010", employee="0000012", hours=Decimal("1.250"), qty_completed=Decimal("2")),
        dict(type="labor", step="0020", employee="0000013", start=now - timedelta(hours=2), stop=now - timedelta(minutes=30)),
        dict(type="material_issue", item_code="PKG-FOAM-CRN", warehouse="000", quantity=Decimal("3.5")),
        dict(type="completion", qty_completed=Decimal("1"), close_order=False),
    ]
    for start in range(0, n, 5000):  # in slices, so the process's peak RSS is the export's, not this
        Transaction.objects.bulk_create(
            Transaction(
                client_txn_id=uuid.uuid4(), status="approved", source="device", collected_at=now - timedelta(seconds=i),
                content_hash=uuid.uuid4().hex, work_order="0001042",
                comment="bench" if i % 10 else 'with "quotes", commas', **kinds[i % len(kinds)],
            )
            for i in range(start, min(n, start + 5000))
        )


def bench_export() -> None:
    from batches import services, writer

    make_approved(LINES)
    phases: dict[str, float] = {}

    def timed(name, fn):
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0) + time.perf_counter() - t0
        return run

    originals = {n: getattr(services, n) for n in ("select", "_claim_lines", "_record_export", "finish_batch")}
    for name, fn in originals.items():
        setattr(services, name, timed(name, fn))
    started = time.perf_counter()
    outcome = services.export_transactions(actor_label="bench")
    elapsed = time.perf_counter() - started
    for name, fn in originals.items():
        setattr(services, name, fn)
    batch = outcome.batch
    size = writer.csv_path(batch).stat().st_size
    print(f"export: {batch.lines} lines -> {batch.file_stem}.csv ({size / 1e6:.1f} MB) + .ctl, "
          f"status {batch.status}, in {elapsed:.2f} s (target < 5 s)")
    print("  read the approved lines {select:.2f} s; claim them + store batch lines {_claim_lines:.2f} s; "
          "one audit row per line (audit.log.record) {_record_export:.2f} s; "
          "write CSV + control file {finish_batch:.2f} s".format(**phases))

    make_approved(LINES)
    tracemalloc.start()
    services.export_transactions(actor_label="bench")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"export: peak Python allocations during a 50,000-line export {peak / 1e6:.1f} MB (target < 200 MB)")
    print(f"process peak RSS so far (Django, 100,000 lines made 5,000 at a time, two exports): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def bench_reconcile() -> None:
    import sqlite3
    from contextlib import closing

    from batches.models import BatchStatus, ExportBatch
    from batches.reconcile import reconcile
    from mas.demo.company import build_company

    company = Path(os.environ["WOSCAN_DEMO_MAS_PATH"])
    build_company(company)
    ExportBatch.objects.update(status=BatchStatus.POSTED)  # the export benchmark's batches are done
    first = 1000
    ExportBatch.objects.bulk_create([
        ExportBatch(number=first + i, status=BatchStatus.EXPORTED, lines=LINES_PER_BATCH,
                    total_hours=Decimal("25.000"), total_quantity=Decimal("20.0000"))
        for i in range(BATCHES)
    ])
    headers, details, history = [], [], []
    today = timezone.localdate().isoformat()
    for i in range(BATCHES):
        key = f"{first + i:06d}"
        for line in range(1, LINES_PER_BATCH + 1):
            txn = f"{line:06d}"
            if i % 2:
                history.append((key, txn, "labor", "0001042", today, 1.25, 1.0))
            else:
                headers.append((key, txn, "labor", "0001042", today, 1.25, 1.0))
                details.append((key, txn, 1, "labor", "0001042", "0010", "0000012", "", 1.25, 1.0))
    with closing(sqlite3.connect(company)) as con, con:
        con.executemany("INSERT INTO WO_TransactionEntryHeader VALUES (?, ?, ?, ?, ?, ?, ?)", headers)
        con.executemany("INSERT INTO WO_TransactionEntryDetail VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", details)
        con.executemany("INSERT INTO WO_TransactionHistory VALUES (?, ?, ?, ?, ?, ?, ?)", history)

    started = time.perf_counter()
    outcome = reconcile()
    elapsed = time.perf_counter() - started
    print(f"reconcile: {outcome} ({len(headers) + len(details) + len(history)} MAS rows read over ODBC) "
          f"in {elapsed:.2f} s (target < 10 s)")


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; work folder {WORK}")
    bench_export()
    bench_reconcile()


if __name__ == "__main__":
    main()
