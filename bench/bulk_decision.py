"""Benchmark: "approve all that match" of 100,000 lines as a background job (issue 13: completes
as a job with progress; peak RSS < 300 MB).

    .venv/bin/python bench/bulk_decision.py                 # SQLite in a temporary folder, 100,000 lines
    .venv/bin/python bench/bulk_decision.py --lines 2000    # a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench .venv/bin/python bench/bulk_decision.py

The lines are made by this process; the job (``reviews.bulk.run``, what the cluster's task runs)
runs in a separate process that only starts Django and runs it, so its peak RSS (``VmHWM``) is
the job's own. Printed: the time, lines a second, the job's final state and counts, the peak
RSS, and the load average beside them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("WOSCAN_BENCH_WORK") or tempfile.mkdtemp(prefix="woscan-bench-bulk-"))
os.environ["WOSCAN_BENCH_WORK"] = str(WORK)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'portal.sqlite3'}")
os.environ["WOSCAN_DEMO_MAS_PATH"] = str(WORK / "ABC.sqlite")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0:3].__str__()


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_lines(n: int) -> None:
    from transactions.models import Transaction

    now, chunk = timezone.now(), 5_000
    for start in range(0, n, chunk):
        Transaction.objects.bulk_create([
            Transaction(client_txn_id=uuid.uuid4(), type="labor", status="needs_review", source="device",
                        collected_at=now, content_hash=uuid.uuid4().hex, work_order="0001001", step="0010",
                        employee="0000001", hours=Decimal("2.000"))
            for _ in range(start, min(start + chunk, n))
        ])


def run_job(job_id: int) -> None:
    from reviews import bulk

    started = time.perf_counter()
    said = bulk.run(job_id)
    print(json.dumps({"seconds": time.perf_counter() - started, "rss_mb": peak_rss_mb(), "said": said}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--run-job", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_job:
        return run_job(args.run_job)

    from django.contrib.auth.models import Permission

    from accounts.roles import Role
    from reviews.models import BulkDecision
    from tests.factories import UserFactory
    from transactions.models import Transaction

    call_command("migrate", verbosity=0)
    Transaction.objects.all().delete()
    user = UserFactory(username=f"bench.{uuid.uuid4().hex[:6]}", roles=[Role.SUPERVISOR])
    user.user_permissions.add(Permission.objects.get(codename="approve_over_error"))
    make_lines(args.lines)
    upto = Transaction.objects.order_by("-pk").values_list("pk", flat=True).first()
    job = BulkDecision.objects.create(action="approve", created_by=user, filter="status=needs_review",
                                      seen_at=timezone.now(), upto_id=upto, total=args.lines)
    print(f"{args.lines:,} lines made; database {django.db.connection.vendor}; load average before {loadavg()}")
    child = subprocess.run([sys.executable, __file__, "--run-job", str(job.pk)], capture_output=True, text=True,
                           env={**os.environ}, check=True)
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    job.refresh_from_db()
    print(f"approve all that match, {args.lines:,} lines as a job: {figures['seconds']:.1f} s "
          f"({args.lines / figures['seconds']:,.0f} lines/s), peak RSS {figures['rss_mb']:.0f} MB (target < 300 MB); "
          f"job {job.state}, {job.done:,} approved, {job.skipped:,} skipped; load average {loadavg()}")
    approved = Transaction.objects.filter(status="approved").count()
    assert job.state == "finished" and approved == args.lines, (job.state, approved, job.error)


if __name__ == "__main__":
    main()
