"""Benchmark: a handheld's first master-data pull (no ``since``: everything) from a large mirror.

    .venv/bin/python bench/masterdata_pull.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_md .venv/bin/python bench/masterdata_pull.py

(the PostgreSQL database must exist and be empty; it is migrated here). The mirror holds
100,000 items, 5,000 work orders with 20,000 steps and 40,000 material lines, 1,000 employees
and 50 crews. One device pulls everything through the Django test client (the whole request:
token check, queries, JSON); the body is read chunk by chunk and counted, not kept, so the
peak Python allocation (tracemalloc) is the server's. Prints the time (best of 3), the body
size and that peak.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="woscan-bench-md-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'portal.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

ITEMS, WORK_ORDERS, STEPS_PER_WO, MATERIALS_PER_WO, EMPLOYEES, CREWS = 100_000, 5_000, 4, 8, 1_000, 50


def build_mirror() -> None:
    from mas import models as m

    now = timezone.now()
    stamp = {"last_changed_at": now}
    m.Item.objects.bulk_create(
        (m.Item(code=f"PART-{n:07d}", description=f"PART NUMBER {n} BRACKET", item_type="1",
                mas_inactive=n % 50 == 0, standard_unit_cost=Decimal("12.5000"), **stamp) for n in range(ITEMS)),
        batch_size=5000,
    )
    m.WorkOrder.objects.bulk_create(
        (m.WorkOrder(number=f"{n:07d}", status="O", item_code=f"PART-{n:07d}", item_description="ASSEMBLY",
                     qty_ordered=Decimal("10"), **stamp) for n in range(WORK_ORDERS)),
        batch_size=5000,
    )
    m.WorkOrderStep.objects.bulk_create(
        (m.WorkOrderStep(work_order=f"{n:07d}", step=f"{10 * s:04d}", work_center="ASM", description="ASSEMBLE",
                         **stamp) for n in range(WORK_ORDERS) for s in range(1, STEPS_PER_WO + 1)),
        batch_size=5000,
    )
    m.MaterialLine.objects.bulk_create(
        (m.MaterialLine(work_order=f"{n:07d}", line_key=f"{k:06d}", step="0010", item_code=f"PART-{k:07d}",
                        warehouse="000", qty_required=Decimal("2"), **stamp)
         for n in range(WORK_ORDERS) for k in range(1, MATERIALS_PER_WO + 1)),
        batch_size=5000,
    )
    m.Employee.objects.bulk_create(
        (m.Employee(number=f"{n:07d}", first_name="JANE", last_name=f"DOE {n}", **stamp) for n in range(EMPLOYEES)),
        batch_size=5000,
    )
    m.Crew.objects.bulk_create(m.Crew(number=f"C{n:03d}", description="CREW", **stamp) for n in range(CREWS))


def pull(client: Client, token: str, **headers) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.get("/api/sync/v1/masterdata", HTTP_AUTHORIZATION=f"Token {token}", headers=headers)
    assert response.status_code == 200, response.status_code
    size, head = 0, b""
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        size += len(chunk)
        if len(head) < 200:
            head += chunk[:200]
    response.close()
    return time.perf_counter() - started, size, head


def main() -> None:
    from intake.devices import register_device
    from mas.models import Item

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; work folder {WORK}")
    build_mirror()
    _device, token = register_device("BENCH-HH")
    client = Client()
    times, size = [], 0
    for _ in range(3):
        elapsed, size, head = pull(client, token)
        times.append(elapsed)
    print(f"mirror: {Item.objects.count():,} items, {WORK_ORDERS:,} work orders, {WORK_ORDERS * STEPS_PER_WO:,} steps, "
          f"{WORK_ORDERS * MATERIALS_PER_WO:,} material lines, {EMPLOYEES:,} employees, {CREWS} crews")
    print(f"first pull (everything): {min(times):.2f} s best of 3 ({', '.join(f'{t:.2f}' for t in times)}); "
          f"body {size / 1e6:.1f} MB")
    zipped = [pull(client, token, accept_encoding="gzip") for _ in range(3)]
    print(f"the same with Accept-Encoding: gzip: {min(t for t, _s, _h in zipped):.2f} s best of 3; "
          f"body {zipped[0][1] / 1e6:.1f} MB")
    tracemalloc.start()
    pull(client, token)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python allocations during the pull: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
