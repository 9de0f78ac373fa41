"""Benchmark: the handheld's first master-data sync of a 100,000-item mirror into IndexedDB,
in headless Chromium, against a real gunicorn on loopback; then lookups and scan-to-saved.

    .venv/bin/python bench/handheld_masterdata.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_hh .venv/bin/python bench/handheld_masterdata.py

(the PostgreSQL database must exist and be empty; it is migrated here). The mirror is the one of
``bench/masterdata_pull.py``: 100,000 items, 5,000 work orders with 20,000 steps and 40,000
material lines, 1,000 employees, 50 crews (165,050 rows). A handheld is registered, opens
``/handheld/?code=…`` as its QR code would, enrols, and makes its first sync (push nothing,
pull everything, store it, My lines). Prints:

1. the first sync, from the Enrol press to "OK" on the screen (fetch, JSON parse, IndexedDB
   writes of one transaction per 2,000 rows), and the rows found in IndexedDB afterwards;
2. the page's JS heap: the peak of CDP ``Performance.getMetrics`` JSHeapUsedSize sampled every
   50 ms during the sync, and ``performance.memory`` after it;
3. a second sync (nothing changed) and a sync after 1,000 items were marked inactive in MAS
   (deltas: the rows come back with ``"active": false`` and replace the stored ones);
4. 1,000 lookups by key of random items in the 100,000 (what each scanned field does);
5. scan-to-saved: 50 labor lines typed as a wedge scanner types them (each value then Enter);
   the time from the last Enter to the line committed in IndexedDB (``performance.measure``).
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="woscan-bench-hh-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'portal.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["WOSCAN_VAR_DIR"] = str(WORK)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM beside Playwright's event loop

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

ITEMS, WORK_ORDERS, STEPS_PER_WO, MATERIALS_PER_WO, EMPLOYEES, CREWS = 100_000, 5_000, 4, 8, 1_000, 50
PORT = int(os.environ.get("BENCH_PORT", "8767"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--enable-precise-memory-info"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def build_mirror() -> None:
    from mas import models as m

    # pulled ten minutes ago: past the cursor's one-minute overlap, so a second sync finds no change
    stamp = {"last_changed_at": timezone.now() - timedelta(minutes=10)}
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
    m.Warehouse.objects.create(code="000", description="MAIN", **stamp)


def mb(value: float) -> str:
    return f"{value / 1024 / 1024:.1f} MB"


def sync_and_sample(page, cdp, start) -> tuple[float, float]:
    """Run ``start`` (which begins a sync), wait for the screen to say OK; the seconds taken
    and the peak JS heap sampled meanwhile."""
    status = page.get_by_test_id("sync-status")
    before = status.text_content()
    peak = 0.0
    started = time.perf_counter()
    start()
    while True:
        heap = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}["JSHeapUsedSize"]
        peak = max(peak, heap)
        text = status.text_content()
        if text != before and text.startswith("Last sync"):
            break
        if time.perf_counter() - started > 600:
            raise SystemExit(f"no sync after 10 minutes: {text}")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if "OK" not in text:
        raise SystemExit(f"the sync failed: {text}")
    return elapsed, peak


COUNTS = """async () => {
  const db = await import("/static/handheld/db.js");
  const out = {};
  for (const store of Object.keys(db.MASTER_STORES)) out[store] = await db.countRows(store);
  return out;
}"""

LOOKUPS = """async (keys) => {
  const db = await import("/static/handheld/db.js");
  const started = performance.now();
  let found = 0;
  for (const key of keys) if (await db.lookup("items", key)) found++;
  return {ms: performance.now() - started, found};
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    from intake.enrolment import display, register_handheld
    from mas.models import Item

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; work folder {WORK}")
    started = time.perf_counter()
    build_mirror()
    rows = ITEMS + WORK_ORDERS * (1 + STEPS_PER_WO + MATERIALS_PER_WO) + EMPLOYEES + CREWS + 1
    print(f"mirror of {rows:,} rows built in {time.perf_counter() - started:.1f} s")
    _device, new = register_handheld("Bench handheld")
    connection.close()

    url = f"http://127.0.0.1:{PORT}"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "woscan_portal.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "3", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(base_url=url, **PHONE)
            context.set_default_timeout(600_000)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.goto("/handheld/")
            page.get_by_label("Enrolment code").fill(display(new.code))
            heap_before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}["JSHeapUsedSize"]

            first, peak = sync_and_sample(page, cdp, lambda: page.get_by_role("button", name="Enrol").click())
            counts = page.evaluate(COUNTS)
            after = page.evaluate("() => performance.memory.usedJSHeapSize")
            parts = page.evaluate("""() => Object.fromEntries(["fetch", "store"].map((name) => [name,
                performance.getEntriesByName(`handheld:masterdata-${name}`).at(-1).duration / 1000]))""")
            print(f"1. first sync (enrol → OK on screen): {first:.2f} s — master data fetched and parsed in "
                  f"{parts['fetch']:.2f} s, stored in {parts['store']:.2f} s; "
                  f"in IndexedDB: {sum(counts.values()):,} rows {counts}")
            print(f"2. JS heap: {mb(heap_before)} before, peak {mb(peak)} during the sync, {mb(after)} after it")

            second, _ = sync_and_sample(page, cdp, lambda: page.get_by_role("button", name="Sync").click())
            print(f"3a. second sync, nothing changed: {second:.2f} s")
            codes = [f"PART-{n:07d}" for n in random.Random(7).sample(range(ITEMS), 1000)]
            Item.objects.filter(code__in=codes).update(mas_inactive=True, last_changed_at=timezone.now())
            connection.close()
            delta, _ = sync_and_sample(page, cdp, lambda: page.get_by_role("button", name="Sync").click())
            inactive = page.evaluate("""async (keys) => {
              const db = await import("/static/handheld/db.js");
              let n = 0;
              for (const key of keys) if ((await db.lookup("items", key)).active === false) n++;
              return n;
            }""", codes)
            print(f"3b. sync after 1,000 items marked inactive in MAS: {delta:.2f} s; {inactive} of 1000 marked inactive on the handheld")

            keys = [f"PART-{n:07d}" for n in random.Random(8).sample(range(ITEMS), 1000)]
            looked = page.evaluate(LOOKUPS, keys)
            print(f"4. 1,000 item lookups by key: {looked['ms']:.0f} ms ({looked['ms'] / 1000:.2f} ms each), {looked['found']} found")

            page.get_by_role("link", name="Labor", exact=True).click()
            for n in range(50):
                page.get_by_label("Employee badge").fill("")
                page.get_by_label("Employee badge").focus()
                for value in (f"{n % EMPLOYEES}", f"{n % WORK_ORDERS}", "10", "1.5", "1"):
                    page.keyboard.type(value)
                    page.keyboard.press("Enter")
                page.get_by_role("status").filter(has_text=f"— {n + 1} line").wait_for()
            measures = page.evaluate(
                "() => performance.getEntriesByName('handheld:scan-to-saved').map((m) => m.duration)")
            measures.sort()
            print(f"5. scan-to-saved, {len(measures)} labor lines: median {statistics.median(measures):.1f} ms, "
                  f"p95 {measures[int(len(measures) * 0.95) - 1]:.1f} ms, max {measures[-1]:.1f} ms")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
