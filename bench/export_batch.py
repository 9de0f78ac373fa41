"""Benchmark: export of 50,000 and 200,000 lines beside its floor, peak RSS at 500,000, and
reconciliation of 500 batches against MAS.

    .venv/bin/python bench/export_batch.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench .venv/bin/python bench/export_batch.py
    … bench/export_batch.py --lines 50000 200000 --repeat 2 --rss 500000 --no-reconcile

Targets (issue 13): the export of 200,000 lines within 1.3× the floor printed beside it; 50,000
in < 3 s; 200,000 within 4.4× the 50,000 time (linear); peak RSS < 200 MB at 500,000 lines.

The floor is the bare work of an export, timed in the same database on the same lines and
rolled back: one ``SELECT`` of the approved rows (the columns the export reads, all fetched), one ``UPDATE`` of all of them, the
batch lines and the audit rows inserted in bulk (``COPY`` on PostgreSQL, multi-row ``INSERT``s
on SQLite: ``kernel.bulk``) and the fetched rows written as a CSV. Each repeat makes fresh
lines; odd repeats time the floor and then the export on the same lines, even ones the export
first and the floor on lines made after it (the order alternates). PostgreSQL's tables are
vacuumed and analysed before each timed step. Every figure is printed with the load average.

The peak RSS is of a separate process (``VmHWM``) that only starts Django and
exports the lines: the lines are made by this one. The reconciliation reads a demo MAS company
(SQLite ODBC driver) holding 500 batches: 250 in Transaction Entry and 250 posted to history.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("WOSCAN_BENCH_WORK") or tempfile.mkdtemp(prefix="woscan-bench-export-"))
os.environ["WOSCAN_BENCH_WORK"] = str(WORK)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'portal.sqlite3'}")
os.environ["WOSCAN_EXPORT_DIR"] = str(WORK / "export")
os.environ["WOSCAN_DEMO_MAS_PATH"] = str(WORK / "ABC.sqlite")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

BATCHES = 500
LINES_PER_BATCH = 20


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def make_approved(n: int) -> None:
    from transactions.models import Transaction

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


def settle() -> None:
    """Exported batches are taken by the importer (posted, files gone), lines left approved by a
    floor are set aside (rejected); PostgreSQL is vacuumed."""
    from batches.models import BatchStatus, ExportBatch
    from transactions.models import Transaction

    Transaction.objects.filter(status="approved").update(status="rejected")
    ExportBatch.objects.exclude(status=BatchStatus.POSTED).update(status=BatchStatus.POSTED)
    for path in (WORK / "export").glob("WOS*"):
        path.unlink()
    vacuum()


def vacuum() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


class _Rollback(Exception):
    pass


def floor(n: int) -> dict[str, float]:
    """The bare statements of an export of the ``n`` approved lines, timed, then rolled back."""
    from audit.models import AuditEntry
    from batches.models import BatchLine, ExportBatch
    from batches.writer import TXN_FIELDS
    from transactions.models import Transaction
    from kernel.bulk import insert_rows

    q = connection.ops.quote_name
    # What the export reads of a line: its id, version, type, hours and quantity, and the CSV's columns.
    wanted = {"id", "version", "type", "hours", "quantity"} | {
        name.removeprefix("transaction__") for name in TXN_FIELDS if name.startswith("transaction__")}
    fields = [f for f in Transaction._meta.concrete_fields if f.name in wanted]
    columns = ", ".join(q(f.column) for f in fields)
    index = {f.name: i for i, f in enumerate(fields)}
    times: dict[str, float] = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                t0 = time.perf_counter()
                cursor.execute(f"SELECT {columns} FROM {q(Transaction._meta.db_table)} WHERE status = %s "
                               "ORDER BY collected_at, id", ["approved"])
                rows = cursor.fetchall()
                times["select"] = time.perf_counter() - t0
                assert len(rows) == n, (len(rows), n)
                t0 = time.perf_counter()
                cursor.execute(f"UPDATE {q(Transaction._meta.db_table)} SET status = %s, version = version + 1, "
                               "updated_at = %s WHERE status = %s",
                               ["exported", connection.ops.adapt_datetimefield_value(timezone.now()), "approved"])
                times["update"] = time.perf_counter() - t0
            batch = ExportBatch.objects.create(number=10**8 + n, status="writing", lines=n)
            pk, type_, hours, quantity = index["id"], index["type"], index["hours"], index["quantity"]
            t0 = time.perf_counter()
            insert_rows(BatchLine._meta.db_table, ("batch_id", "transaction_id", "line_no", "live", "type", "hours", "quantity"),
                        ((batch.pk, r[pk], i, True, r[type_], r[hours], r[quantity]) for i, r in enumerate(rows, 1)))
            times["batch lines"] = time.perf_counter() - t0
            at = connection.ops.adapt_datetimefield_value(timezone.now())
            changes = json.dumps({"status": ["approved", "exported"], "batch": [None, "Batch"]})
            from django.contrib.contenttypes.models import ContentType
            ct = ContentType.objects.get_for_model(Transaction).pk
            t0 = time.perf_counter()
            insert_rows(AuditEntry._meta.db_table,
                        ("at", "actor_id", "actor_label", "request_id", "action", "content_type_id", "object_id",
                         "object_repr", "changes", "reason"),
                        ((at, None, "bench", "", "export", ct, str(r[pk]), f"{r[type_]} #{r[pk]}", changes, "")
                         for r in rows))
            times["audit rows"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            with open(WORK / "floor.csv", "w", newline="") as out:
                writer = csv.writer(out, lineterminator="\r\n")
                writer.writerows(rows)
                out.flush()
                os.fsync(out.fileno())
            times["CSV"] = time.perf_counter() - t0
            del rows
            raise _Rollback
    except _Rollback:
        pass
    (WORK / "floor.csv").unlink()
    times["floor"] = sum(times.values())
    return times


def export(n: int) -> tuple[float, dict[str, float]]:
    """The export of the ``n`` approved lines through the service, with the time of its phases."""
    from batches import claim, services

    phases: dict[str, float] = {}

    def timed(owner, name, label):
        fn = getattr(owner, name)

        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0) + time.perf_counter() - t0
        setattr(owner, name, run)
        return owner, name, fn

    patched = [timed(claim, "claim", "claim"), timed(services, "_insert_lines", "batch lines"),
               timed(services, "_record_lines", "audit rows"), timed(services, "finish_batch", "CSV + control")]
    try:
        t0 = time.perf_counter()
        outcome = services.export_transactions(actor_label="bench")
        elapsed = time.perf_counter() - t0
    finally:
        for owner, name, fn in patched:
            setattr(owner, name, fn)
    assert outcome.written and outcome.batch.lines == n, outcome
    phases["read + the rest"] = elapsed - sum(phases.values())
    return elapsed, phases


def _fmt(times: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in times.items())


def bench_export(sizes: list[int], repeat: int) -> dict[int, list[tuple[float, float]]]:
    results: dict[int, list[tuple[float, float]]] = {}
    for n in sizes:
        for r in range(repeat):
            settle()
            make_approved(n)
            vacuum()
            if r % 2 == 0:
                base = floor(n)
                print(f"  {n:>7,} floor  {base['floor']:6.2f} s ({_fmt(base)})  [{load()}]", flush=True)
                vacuum()
                took, phases = export(n)
                print(f"  {n:>7,} export {took:6.2f} s ({_fmt(phases)})  [{load()}]", flush=True)
            else:
                took, phases = export(n)
                print(f"  {n:>7,} export {took:6.2f} s ({_fmt(phases)})  [{load()}]", flush=True)
                settle()
                make_approved(n)
                vacuum()
                base = floor(n)
                print(f"  {n:>7,} floor  {base['floor']:6.2f} s ({_fmt(base)})  [{load()}]", flush=True)
            results.setdefault(n, []).append((took, base["floor"]))
            print(f"  {n:>7,} export / floor = {took / base['floor']:.2f}", flush=True)
    for n, runs in results.items():
        print(f"export {n:,}: " + "; ".join(f"{t:.2f} s / floor {f:.2f} s = {t / f:.2f}x" for t, f in runs))
    if len(results) >= 2:
        small, large = sorted(results)[:2]
        ts, tl = min(t for t, _ in results[small]), min(t for t, _ in results[large])
        print(f"export {large:,} / {small:,} (best runs) = {tl / ts:.2f}x for {large / small:.1f}x the lines")
    return results


def bench_rss(n: int) -> None:
    """Peak RSS of a fresh process exporting ``n`` lines, and of one that only starts Django."""
    settle()
    make_approved(n)
    vacuum()
    child = [sys.executable, __file__]
    idle = subprocess.run(child + ["--child", "idle"], capture_output=True, text=True, check=True, env=os.environ)
    run = subprocess.run(child + ["--child", "export"], capture_output=True, text=True, check=True, env=os.environ)
    idle, run = json.loads(idle.stdout.splitlines()[-1]), json.loads(run.stdout.splitlines()[-1])
    print(f"peak RSS, export of {run['lines']:,} lines in its own process: {run['maxrss_mb']:.0f} MB "
          f"(Django started, no export: {idle['maxrss_mb']:.0f} MB); {run['seconds']:.2f} s  [{load()}]", flush=True)


def child(what: str) -> None:
    from batches import services
    from transactions.models import Transaction

    lines = 0
    t0 = time.perf_counter()
    if what == "export":
        lines = services.export_transactions(actor_label="bench").batch.lines
    else:
        Transaction.objects.filter(status="approved").count()
    print(json.dumps({"lines": lines, "seconds": time.perf_counter() - t0,
                      "maxrss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss survives exec, so it would be the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_reconcile() -> None:
    import sqlite3
    from contextlib import closing

    from batches.models import BatchStatus, ExportBatch
    from batches.reconcile import reconcile
    from demo.company import build_company

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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--rss", type=int, default=500_000, help="lines of the peak-RSS run (0: none)")
    parser.add_argument("--no-reconcile", action="store_true")
    parser.add_argument("--child", choices=["export", "idle"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; work folder {WORK}  [{load()}]", flush=True)
    bench_export(args.lines, args.repeat)
    if args.rss:
        bench_rss(args.rss)
    if not args.no_reconcile:
        bench_reconcile()


if __name__ == "__main__":
    main()
