"""Benchmark of the timesheet (issue 14 item 4): the page of one day of 500 employees (20 timed
lines each, 10,000 lines) over a history of --total lines.

    .venv/bin/python bench/timesheet.py --total 50000            # SQLite, a scratch file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_timesheet .venv/bin/python bench/timesheet.py

The database is DROPPED and rebuilt. Server time = the Django test client's request → response,
signed in as a supervisor; target p95 < 200 ms at 2,000,000 lines.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/woscan_bench_timesheet.sqlite3")
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
os.environ.setdefault("LOG_LEVEL", "WARNING")

EMPLOYEES, PER_DAY = 500, 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure the database an earlier run built the same day (its day is yesterday)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from review_queue import analyze, reset_database  # noqa: E402

    url = os.environ["DATABASE_URL"]
    name = url.split("sqlite:///", 1)[1] if url.startswith("sqlite") else url.rsplit("/", 1)[1]
    if not args.reuse:
        reset_database(url, name)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from transactions.models import Transaction

    call_command("migrate", verbosity=0)
    now = timezone.now()
    day = timezone.localdate() - timedelta(days=1)
    if args.reuse:
        from django.contrib.auth import get_user_model

        supervisor = get_user_model().objects.get(username="bench.supervisor")
        analyze()
        print(f"reused {Transaction.objects.count():,} lines", flush=True)
    else:
        supervisor = build(args.total, now, day)

    client = Client()
    client.force_login(supervisor)
    pages = {
        "500 employees' day": f"/review/timesheet/?day_from={day}&day_to={day}&show=all",
        "one employee's day": f"/review/timesheet/?day_from={day}&day_to={day}&key=0000042",
    }
    for label, page in pages.items():
        for _ in range(3):
            assert client.get(page).status_code == 200
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            assert client.get(page).status_code == 200
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"  {label:<22} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
              f"(load average {open('/proc/loadavg').read().split()[0]})", flush=True)


def build(total: int, now, day):
    """500 employees' day to review, and exported history up to ``total`` lines."""
    from django.utils import timezone

    from accounts.roles import Role
    from mas.models import Employee
    from tests.factories import UserFactory
    from transactions.models import Transaction
    from review_queue import analyze

    supervisor = UserFactory(username="bench.supervisor", roles=[Role.SUPERVISOR])
    Employee.objects.bulk_create(Employee(number=f"{e:07d}", first_name="First", last_name=f"Last{e}",
                                          last_changed_at=now) for e in range(1, EMPLOYEES + 1))
    shift = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=6))

    def lines(first_day, count, status):
        for i in range(count):
            e, n = i % EMPLOYEES, (i // EMPLOYEES) % PER_DAY
            back = (i // (EMPLOYEES * PER_DAY))
            start = shift - timedelta(days=first_day + back) + timedelta(minutes=24 * n)
            yield Transaction(client_txn_id=uuid.uuid4(), type="labor", status=status, source="device",
                              collected_at=start + timedelta(minutes=24), content_hash=uuid.uuid4().hex,
                              work_order=f"{1000 + n:07d}", step="0010", employee=f"{e + 1:07d}",
                              start=start, stop=start + timedelta(minutes=24), hours=Decimal("0.400"),
                              updated_at=now)

    started = time.perf_counter()
    batch = []
    for txn in (*lines(0, EMPLOYEES * PER_DAY, "needs_review"),):
        batch.append(txn)
    Transaction.objects.bulk_create(batch, batch_size=2000)
    history = max(0, total - EMPLOYEES * PER_DAY)
    batch = []
    for txn in lines(1, history, "exported"):
        batch.append(txn)
        if len(batch) == 20_000:
            Transaction.objects.bulk_create(batch, batch_size=2000)
            batch = []
    Transaction.objects.bulk_create(batch, batch_size=2000)
    analyze()
    print(f"built {Transaction.objects.count():,} lines in {time.perf_counter() - started:.0f} s", flush=True)
    return supervisor


if __name__ == "__main__":
    main()
