"""Benchmark of the SyncServices push (issue 4) against a real gunicorn on loopback.

    .venv/bin/python bench/push_api.py                      # SQLite, a scratch file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_push .venv/bin/python bench/push_api.py

The database named by DATABASE_URL is DROPPED and rebuilt (default: a scratch SQLite file),
seeded with a mirror (200 open work orders with 4 steps each, 150 employees) and 8 devices.
Then gunicorn is started on 127.0.0.1 with the checkout's ``gunicorn.conf.py``, as the README runs it,
and, over real HTTP with one keep-alive-less urllib request per push:

1. one push of 1,000 new labor lines (target < 2 s end to end);
2. a replay of the same 1,000 (target < 1 s, 0 new rows);
3. 8 devices pushing at once, ``--batches`` pushes of 1,000 new lines each (target ≥ 500
   transactions/s sustained): total lines stored / wall time from first request to last answer.

Every answer is checked (200, and every row accepted, or duplicate on the replay) and the rows
are counted in the database, so a figure is only printed for work that was really done.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import runpy
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/woscan_bench_push.sqlite3")
os.environ.setdefault("LOG_LEVEL", "WARNING")

WORK_ORDERS, STEPS, EMPLOYEES, PER_PUSH = 200, 4, 150, 1000
DEVICES = int(os.environ.get("WOSCAN_BENCH_DEVICES", 16))  # handhelds pushing at once (issue 13: 16)


def reset_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("sqlite:///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed() -> list[str]:
    """Migrate, write the mirror, register the devices; return their tokens."""
    import django
    from django.core.management import call_command
    from django.utils import timezone

    django.setup()
    call_command("migrate", verbosity=0)
    from intake.devices import register_device
    from mas import models as mirror

    now = timezone.now()
    mirror.Warehouse.objects.create(code="000", description="Main", last_changed_at=now)
    mirror.WorkOrder.objects.bulk_create(
        mirror.WorkOrder(number=f"{1000 + n:07d}", status="O", qty_ordered=Decimal(1000), parent_warehouse="000",
                         last_changed_at=now)
        for n in range(WORK_ORDERS)
    )
    mirror.WorkOrderStep.objects.bulk_create(
        mirror.WorkOrderStep(work_order=f"{1000 + n:07d}", step=f"{10 * (s + 1):04d}", last_changed_at=now)
        for n in range(WORK_ORDERS) for s in range(STEPS)
    )
    mirror.Employee.objects.bulk_create(
        mirror.Employee(number=f"{n + 1:07d}", first_name="E", last_name=str(n), last_changed_at=now)
        for n in range(EMPLOYEES)
    )
    return [register_device(f"Bench handheld {n + 1}")[1] for n in range(DEVICES)]


def labor_lines(rng: random.Random, count: int, day: int) -> list[dict]:
    """A day's labor lines from one handheld: start/stop times over the shift, a few of them
    with a business problem (an unknown work order), as a real push would have."""
    base = datetime(2026, 1, 1, 6, tzinfo=dt_timezone.utc) + timedelta(days=day)
    lines = []
    for i in range(count):
        start = base + timedelta(seconds=25 * i)
        wo = f"{1000 + rng.randrange(WORK_ORDERS):07d}" if rng.random() > 0.02 else "0999999"
        lines.append({
            "client_txn_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "type": "labor",
            "collected_at": (start + timedelta(minutes=30)).isoformat(),
            "work_order": wo,
            "step": f"{10 * (1 + rng.randrange(STEPS)):04d}",
            "employee": f"{1 + rng.randrange(EMPLOYEES):07d}",
            "start": start.isoformat(),
            "stop": (start + timedelta(minutes=rng.randrange(5, 30))).isoformat(),
            "qty_completed": rng.randrange(0, 5),
            "comment": f"bench line {i}",
        })
    return lines


def push(url: str, token: str, lines: list[dict]) -> list[dict]:
    request = urllib.request.Request(
        f"{url}/api/sync/v1/transactions", data=json.dumps({"transactions": lines}).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200, response.status
        return json.loads(response.read())["results"]


def stored_rows() -> int:
    from transactions.models import Transaction

    return Transaction.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--batches", type=int, default=5, help="pushes of 1,000 per device in the concurrent run")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    reset_database(database_url)
    tokens = seed()
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "woscan_portal.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--log-level", "warning"],  # workers and threads from the checkout's gunicorn.conf.py
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        web = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        print(f"push benchmark on {engine}, gunicorn {web['workers']} workers x {web['threads']} threads "
              f"(gunicorn.conf.py), 127.0.0.1:{args.port}")
        rng = random.Random(4)
        # Warm-up: every worker thread's first request loads the URLconf and the API.
        warm_lines = [labor_lines(random.Random(20_000 + n), 20, day=-1 - n) for n in range(12)]
        warm = [threading.Thread(target=push, args=(url, tokens[n % DEVICES], warm_lines[n])) for n in range(12)]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()

        lines = labor_lines(rng, PER_PUSH, day=0)
        before = stored_rows()
        started = time.perf_counter()
        results = push(url, tokens[0], lines)
        first = time.perf_counter() - started
        assert [r["status"] for r in results] == ["accepted"] * PER_PUSH
        assert stored_rows() == before + PER_PUSH
        print(f"1. one push of {PER_PUSH} new labor lines: {first:.3f} s (target < 2 s)")

        before = stored_rows()
        started = time.perf_counter()
        results = push(url, tokens[0], lines)
        replay = time.perf_counter() - started
        assert [r["status"] for r in results] == ["duplicate"] * PER_PUSH
        new_rows = stored_rows() - before
        print(f"2. replay of the same {PER_PUSH}: {replay:.3f} s, {new_rows} new rows (target < 1 s, 0 new rows)")

        work = [
            [labor_lines(random.Random(10_000 + 100 * d + b), PER_PUSH, day=1 + 10 * d + b)
             for b in range(args.batches)]
            for d in range(DEVICES)
        ]
        latencies: list[float] = []
        failures: list[BaseException] = []

        def device(d: int) -> None:
            try:
                for batch in work[d]:
                    t0 = time.perf_counter()
                    answer = push(url, tokens[d], batch)
                    latencies.append(time.perf_counter() - t0)
                    wrong = [r for r in answer if r["status"] != "accepted"]
                    assert not wrong, wrong[:3]
            except BaseException as exc:
                failures.append(exc)

        before = stored_rows()
        threads = [threading.Thread(target=device, args=(d,)) for d in range(DEVICES)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        assert not failures, failures
        stored = stored_rows() - before
        assert stored == DEVICES * args.batches * PER_PUSH
        latencies.sort()
        print(
            f"3. {DEVICES} devices at once, {args.batches} pushes of {PER_PUSH} each: {stored} lines in {wall:.2f} s "
            f"= {stored / wall:.0f} transactions/s (target >= 500); per push median "
            f"{latencies[len(latencies) // 2]:.2f} s, slowest {latencies[-1]:.2f} s (target: none slower than 3 s); "
            f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
