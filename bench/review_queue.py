"""Benchmark of the review queue (issue 5): page server time at 2,000 and 200,000 lines (the landing
page's charts each timed and their query plans shown, issue 14), and a
bulk approve of 5,000 lines against approving them one by one through the same service.

    .venv/bin/python bench/review_queue.py                      # SQLite, a scratch file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_review .venv/bin/python bench/review_queue.py

Two databases are built next to the one DATABASE_URL names, with "_2k" and "_200k" added to
its name (whatever ``--total``); both are DROPPED and rebuilt (``--reuse`` keeps them). Each
holds the same 2,000 lines waiting for review and the same 18,000 newest decided lines (the last
two weeks: what a landing page or a recent day shows is the same work in both), and the two
days around the day 1,000 days back that a far date filter shows (2,880 lines); the large one
adds older decided lines (approved, rejected, exported) up to ``--total``, as a plant's history
grows — the costs that grow with it are what the ratio shows. Server time = the Django test client's request → response, all middleware, queries and
rendering included, signed in as a supervisor. The two databases are measured alternately
(request by request on SQLite, in blocks of 5 on PostgreSQL), so that load from other
processes on the machine falls on both alike.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/woscan_bench_review.sqlite3")
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
os.environ.setdefault("LOG_LEVEL", "WARNING")

WAITING = 2_000
WORK_ORDERS = 400
EMPLOYEES = 150
DEVICES = 20


def database_names(url: str) -> tuple[str, str]:
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1].removesuffix(".sqlite3")
        return f"{path}_2k.sqlite3", f"{path}_200k.sqlite3"
    from urllib.parse import urlparse

    name = urlparse(url).path.lstrip("/")
    return f"{name}_2k", f"{name}_200k"


def reset_database(url: str, name: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from urllib.parse import urlparse

    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def use(name: str) -> None:
    """Point the default connection at one of the two databases."""
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def setup_django():
    import django

    django.setup()


def build(name: str, url: str, history: int, now) -> None:
    """Migrate one database and fill it: the mirror, a supervisor, 2,000 waiting lines, history."""
    from django.core.management import call_command

    from accounts.roles import Role
    from mas.models import WorkCenter, WorkOrderStep
    from tests.factories import UserFactory

    reset_database(url, name)
    use(name)
    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    UserFactory(username="bench.supervisor", roles=[Role.SUPERVISOR])
    from transactions.models import Device

    Device.objects.bulk_create(  # handhelds; the last one was retired and sent nothing
        Device(name=f"HH-{n:02d}", token_prefix=f"{n:08d}", token_hash=f"bench-{n}") for n in range(1, DEVICES + 2)
    )
    WorkCenter.objects.create(code="WELD", description="Welding", last_changed_at=now)
    WorkOrderStep.objects.bulk_create(
        WorkOrderStep(work_order=f"{1000 + w:07d}", step=f"{10 * s:04d}", work_center="WELD" if s == 2 else "ASM",
                      last_changed_at=now)
        for w in range(WORK_ORDERS) for s in range(1, 5)
    )
    from mas.models import Employee

    Employee.objects.bulk_create(  # the mirror's names, for the search by name
        Employee(number=f"{n:07d}", first_name="Thomas" if n == 42 else "Pat",
                 last_name="Moreno" if n == 42 else f"Worker{n}", last_changed_at=now)
        for n in range(1, EMPLOYEES + 1)
    )
    insert_lines(make_lines(0, WAITING, waiting=True, now=now, rng=rng), rng)
    for offset in range(0, history, 20_000):
        insert_lines(make_lines(WAITING + offset, min(20_000, history - offset), waiting=False, now=now, rng=rng),
                     rng)
    if history < FAR_START + FAR_LINES:
        # The days around the far day, as the large database holds them: its page is then a full
        # page in both (not an empty one against a full one).
        insert_lines(make_lines(WAITING + FAR_START, FAR_LINES, waiting=False, now=now, rng=rng), rng)
    analyze()


def holds(name: str, lines: int) -> bool:
    """Whether database ``name`` exists with at least ``lines`` lines and the benchmark's supervisor."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from transactions.models import Transaction

    try:
        use(name)
        return Transaction.objects.count() >= lines and get_user_model().objects.filter(
            username="bench.supervisor").exists()
    except DatabaseError:
        return False


def make_lines(start: int, count: int, *, waiting: bool, now, rng):
    from transactions.models import Transaction

    rows = []
    for i in range(start, start + count):
        wo = f"{1000 + rng.randrange(WORK_ORDERS):07d}"
        if waiting:
            status = "flagged" if rng.random() < 0.25 else "needs_review"
            collected = now - timedelta(minutes=i)
        else:
            roll = rng.random()
            status = "exported" if roll < 0.9 else ("rejected" if roll < 0.95 else "approved")
            collected = now - timedelta(days=3, minutes=i)
        rows.append(Transaction(
            client_txn_id=uuid.UUID(int=rng.getrandbits(128)), type="labor", status=status, source="device",
            collected_at=collected, content_hash=uuid.uuid4().hex, work_order=wo,
            step=f"{10 * (1 + rng.randrange(4)):04d}", employee=f"{1 + rng.randrange(EMPLOYEES):07d}",
            hours=Decimal(rng.randrange(1, 40)) / 4, updated_at=collected, device_id=1 + rng.randrange(DEVICES),
        ))
        rows[-1].work_center = "WELD" if rows[-1].step == "0020" else "ASM"  # as intake sets it from the mirror
    return rows


def insert_lines(rows, rng) -> None:
    from transactions.models import Finding, Transaction

    for i in range(0, len(rows), 5000):
        created = Transaction.objects.bulk_create(rows[i:i + 5000])
        findings = []
        for txn in created:
            if txn.status == "flagged" or rng.random() < 0.05:
                severity = "error" if rng.random() < 0.3 else "warning"
                findings.append(Finding(transaction_id=txn.pk, severity=severity,
                                        code="closed_work_order" if severity == "error" else "long_shift",
                                        message="Bench finding"))
        Finding.objects.bulk_create(findings)


def analyze() -> None:
    """Statistics for the planner; on PostgreSQL also VACUUM, as autovacuum keeps a running plant's
    tables: without the visibility map an index-only count visits every row's heap page."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


RECENT = 18_000  # decided lines in both databases: about 12 days of history at a line a minute
_DAY = __import__("datetime").date.today()
_RECENT_DAY = (_DAY - timedelta(days=10)).isoformat()  # inside the history both databases hold
_FAR_DAY = (_DAY - timedelta(days=1000)).isoformat()
# Decided lines are collected a minute apart from 3 days back (make_lines): the small database
# also holds the two days around the far day, so that both show a full page of it.
FAR_START, FAR_LINES = (1000 - 3 - 1) * 1440 - WAITING, 2 * 1440
SMALL = WAITING + RECENT + FAR_LINES
PAGES = {
    "landing page (counts)": "/review/",
    "one day, 10 days back": f"/review/transactions/?collected_after={_RECENT_DAY}&collected_before={_RECENT_DAY}",
    "one day, 1,000 days back": f"/review/transactions/?collected_after={_FAR_DAY}&collected_before={_FAR_DAY}",
    "queue first page (to review)": "/review/transactions/?status=needs_review&status=flagged",
    "all states, first page": "/review/transactions/",
    "work order + to review": "/review/transactions/?status=needs_review&status=flagged&work_order=1007",
    "work center + has an error": "/review/transactions/?work_center=WELD&severity=error",
    "employee + to review": "/review/transactions/?status=needs_review&status=flagged&employee=42",
    "finding code, all states": "/review/transactions/?finding=closed_work_order",
    "device, all states": "/review/transactions/?device=3",
    "retired device (no lines)": f"/review/transactions/?device={DEVICES + 1}",
    # The free-text search (issue 13): a match, a name from the mirror, and no match at all.
    "search: a work order (q=0001007)": "/review/transactions/?q=0001007",
    "search: a name (q=Moreno)": "/review/transactions/?q=Moreno",
    "search: no match (q=NOSUCH)": "/review/transactions/?q=NOSUCH",
    "search: no match, to review": "/review/transactions/?status=needs_review&status=flagged&q=NOSUCH",
    # Every sort the queue offers (reviews.tables), both ways, all states.
    **{f"all states, sort={sign}{column}": f"/review/transactions/?sort={sign}{column}"
       for column in ("id", "status", "collected_at", "work_order", "who") for sign in ("", "-")},
}


def measure_pages(databases: dict, pages: dict, n: int, block: int) -> dict:
    """{page: {label: (median, p95)}}, the databases measured in alternating blocks.

    SQLite opens its connection on every request (CONN_MAX_AGE=0), so there the databases
    alternate request by request. PostgreSQL keeps its connection, so there each block of 5
    starts with one untimed request that opens it."""
    results = {}
    for page, url in pages.items():
        times = {label: [] for label in databases}
        for name, client in databases.values():  # warm-up, untimed
            use(name)
            for _ in range(5):
                assert client.get(url).status_code == 200
        # As a worker does after its first requests (gunicorn.conf.py, REFREEZE_AFTER): what they
        # made and kept (compiled templates, caches) is frozen out of the collector.
        gc.collect()
        gc.freeze()
        while min(len(t) for t in times.values()) < n:
            for label, (name, client) in databases.items():
                use(name)
                if block > 1:
                    assert client.get(url).status_code == 200  # untimed: opens the connection
                for _ in range(block):
                    started = time.perf_counter()
                    response = client.get(url)
                    times[label].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
        results[page] = {}
        for label, values in times.items():
            values = sorted(values[:n])
            results[page][label] = (statistics.median(values), values[max(0, int(round(0.95 * n)) - 1)])
        small, large = results[page].values()
        print(f"  {page:<30} " + "   ".join(
            f"{label}: median {m:6.1f} ms p95 {p:6.1f} ms" for label, (m, p) in results[page].items())
            + f"   p95 ratio {large[1] / small[1]:.2f}   (load average {os.getloadavg()[0]:.1f})", flush=True)
    return results


def measure_charts(databases: dict, n: int) -> None:
    """Each landing-page chart's own time (its grouped query and its layout, ``reviews.charts``) on
    each database, and the plan of its query (which index reads the bounded window)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews import charts
    from reviews.views import queue_url
    from transactions.models import Transaction

    rows = Transaction.objects.all()
    work = {
        "waiting by age": lambda: charts.waiting_by_age(rows, queue_url),
        "findings by kind": lambda: charts.findings_by_kind(rows, queue_url),
        "hours by work center": lambda: charts.hours_by_work_center(rows),
        "rejection rate": lambda: charts.rejection_rate(rows),
    }
    plans = {}
    for label, (name, _client) in databases.items():
        use(name)
        for chart, build_chart in work.items():
            with CaptureQueriesContext(connection) as queries:
                drawn = build_chart()
            drawn = drawn[0] if isinstance(drawn, tuple) else drawn
            assert not drawn.unknown, f"{chart}: not read in time"
            times = []
            for _ in range(n):
                started = time.perf_counter()
                build_chart()
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(f"  {chart:<22} {label:>10} lines: median {statistics.median(times):6.1f} ms "
                  f"p95 {times[max(0, int(round(0.95 * n)) - 1)]:6.1f} ms", flush=True)
            (sql,) = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plan = [row[-1] for row in cursor.fetchall()]
                else:
                    cursor.execute(f"EXPLAIN {sql}")
                    plan = [row[0] for row in cursor.fetchall()]
            plans[(chart, label)] = plan
    print("\nPlans of the chart queries:")
    for (chart, label), plan in plans.items():
        print(f"  {chart} ({label} lines):")
        for step in plan:
            print(f"      {step}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=5_000, help="lines of the bulk approve (0: none)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds its lines (built by an earlier run)")
    parser.add_argument("--one-by-one", type=int, default=0,
                        help="How many lines to approve one at a time (default: all of --bulk).")
    parser.add_argument("--pages", default="",
                        help="measure only the pages whose name contains this text (e.g. 'landing')")
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from reviews import services
    from transactions.models import Transaction

    small_db, large_db = database_names(url)
    now = timezone.now()
    print(f"database: {connection.vendor}", flush=True)
    databases = {}
    for label, name, history in ((f"{SMALL:,}", small_db, RECENT),
                                 (f"{args.total:,}", large_db, args.total - WAITING)):
        started = time.perf_counter()
        if not (args.reuse and holds(name, SMALL if name == small_db else WAITING + history)):
            build(name, url, history, now)
        else:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # the indexes of the code measured
            analyze()
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench.supervisor"))
        databases[label] = (name, client)
        print(f"  built {name}: {Transaction.objects.count():,} lines in {time.perf_counter() - started:.0f} s",
              flush=True)
    pages = {page: url for page, url in PAGES.items() if args.pages in page}
    # As the server runs (gunicorn.conf.py): what start-up made is frozen out of the collector,
    # so a full collection during a timed request does not walk Django's modules and templates.
    gc.collect()
    gc.freeze()
    print(f"\nQueue pages, {args.requests} timed requests per page and database:", flush=True)
    measure_pages(databases, pages, args.requests, block=1 if connection.vendor == "sqlite" else 5)
    if "landing" in args.pages or not args.pages:
        print(f"\nLanding page charts, {args.requests} timed builds per chart and database:", flush=True)
        measure_charts(databases, args.requests)
    if args.bulk == 0:
        return

    use(large_db)
    # A fixed seed builds the same databases each time; the bulk lines added to a reused one need
    # fresh ids (the earlier run's are already there).
    rng = random.Random() if args.reuse else random.Random(6)
    supervisor = get_user_model().objects.get(username="bench.supervisor")
    # --- bulk approve vs one by one --------------------------------------------------------------
    extra = args.bulk + (args.one_by_one or args.bulk)
    # The lines of this section only (pk above the history's), and none left waiting after it: a
    # reused database keeps the same 2,000 lines waiting for the next run's pages.
    before = Transaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_lines(make_lines(args.total, extra, waiting=True, now=now - timedelta(days=1), rng=rng), rng)
    added = Transaction.objects.filter(pk__gt=before)
    added.filter(pk__in=Transaction.objects.filter(findings__severity="error").values("pk")).update(status="flagged")
    waiting = list(added.filter(status__in=["needs_review", "flagged"])
                   .exclude(findings__severity="error").order_by("id")[: extra])
    bulk, single = waiting[: args.bulk], waiting[args.bulk:]
    started = time.perf_counter()
    outcome = services.approve(bulk, by=supervisor)
    bulk_s = time.perf_counter() - started
    assert len(outcome.done) == len(bulk), outcome.summary()
    print(f"\nBulk approve of {len(bulk):,} lines (one transaction, {len(outcome.done):,} audit rows): "
          f"{bulk_s:.2f} s", flush=True)
    started = time.perf_counter()
    for txn in single:
        assert services.approve([txn], by=supervisor).done == [txn.pk]
    single_s = time.perf_counter() - started
    per_line = single_s / len(single)
    one_by_one = per_line * len(bulk)
    how = "measured" if len(single) == len(bulk) else f"extrapolated from {len(single):,} lines"
    print(f"One by one through the same service: {len(single):,} lines in {single_s:.2f} s "
          f"({per_line * 1000:.1f} ms a line); for {len(bulk):,} lines {one_by_one:.1f} s ({how})")
    print(f"Bulk is {one_by_one / bulk_s:.0f}x faster.")
    added.filter(status__in=["needs_review", "flagged"]).update(status="rejected")


if __name__ == "__main__":
    main()
