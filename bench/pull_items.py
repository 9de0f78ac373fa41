"""Benchmark: pulling a 100,000-row CI_Item through the ODBC driver into the portal's mirror.

    .venv/bin/python bench/pull_items.py                  # portal database: a fresh SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench .venv/bin/python bench/pull_items.py

(the PostgreSQL database must exist and be empty; it is migrated here). Prints:
  (a) baseline: the rows fetched with bare pyodbc and written with one executemany into an
      empty table of the portal database;
  (b) the first full pull of the table (the real pull: claim, read, compare, bulk write);
  (c) a second pull with no change;
  (d) a pull after 1% of the rows changed;
each as seconds and as a ratio to (a), for the table pulled incrementally (CI_Item has
DateUpdated, the default) and in full; then the peak memory of a first full pull.

    .venv/bin/python bench/pull_items.py --rows 1000000 --no-change-only

times only (c) pulled in full — the no-change full pull, the pull of a table without
DateUpdated — against (a), in pairs: each of (a) and (c) in a fresh process of its own (so
neither inherits the other's memory), alternating, and prints each one's time, the pair's
ratio and the peak RSS of the process (VmHWM, from when Django is set up to the end of the
pull) beside the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 5
sys.path.insert(0, str(ROOT))


def build_mas(path: Path, rows: int) -> None:
    """A MAS database with a CI_Item of ``rows`` rows (the demo company's real 110-column layout;
    the columns the portal does not read left as a plant leaves them)."""
    from demo.company import _ddl, insert_statement

    rng = random.Random(100_000)
    with closing(sqlite3.connect(path)) as con, con:
        con.execute(_ddl("CI_Item"))
        sql = insert_statement("CI_Item", {"ItemCode": "X"})[0]
        con.executemany(
            sql,
            (
                insert_statement("CI_Item", {
                    "ItemCode": f"PART-{n:07d}",
                    "ItemCodeDesc": f"PART NUMBER {n} {rng.choice(['BRACKET', 'PANEL', 'FRAME', 'GUSSET'])}",
                    "ItemType": "1", "ProductType": rng.choice("FR"), "StandardUnitOfMeasure": "EACH",
                    "InactiveItem": "Y" if rng.random() < 0.05 else "N", "StandardUnitCost": round(rng.uniform(0.1, 900), 4),
                    "DateUpdated": (date(2026, 11, 16) - timedelta(days=rng.randint(30, 900))).isoformat(),
                    "TimeUpdated": f"{rng.uniform(6, 18):08.5f}",
                })[1:]
                for n in range(rows)
            ),
        )


COLUMNS = ["ItemCode", "ItemCodeDesc", "ItemType", "InactiveItem", "StandardUnitCost", "DateUpdated"]


def memory() -> dict[str, int]:
    """This process's resident set now and at its peak (kB, /proc/self/status)."""
    status = Path("/proc/self/status").read_text()
    return {k: int(line.split()[1]) for line in status.splitlines() for k in ("VmRSS", "VmHWM") if line.startswith(k + ":")}


def bare_baseline(settings, connection, transaction) -> float:
    """(a): the rows fetched with bare pyodbc and written with one executemany into an empty,
    index-free table of the portal database."""
    import pyodbc

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_baseline")
        cur.execute(
            "CREATE TABLE bench_baseline (code varchar(30), description varchar(60), item_type varchar(1), "
            "inactive varchar(1), cost numeric(16,4), date_updated date)"
        )
    start = time.perf_counter()
    with closing(pyodbc.connect(settings.WOSCAN_MAS_ODBC, autocommit=True)) as mas:
        rows = mas.cursor().execute(f"SELECT {', '.join(COLUMNS)} FROM CI_Item").fetchall()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany("INSERT INTO bench_baseline VALUES (%s, %s, %s, %s, %s, %s)", [tuple(r) for r in rows])
    return time.perf_counter() - start


def child(what: str) -> None:
    """One measurement in this fresh process (``--child``): prints one JSON line."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from afterpull.followups import pull_now
    from syncconfig.models import AutoSyncTable, PullTableRun

    # Django and the apps loaded: what any pull's process (a cluster's worker) holds before it starts.
    ready = memory()
    result: dict = {"ready_kb": ready["VmRSS"]}
    if what == "baseline":
        result["seconds"] = bare_baseline(settings, connection, transaction)
    else:
        items = AutoSyncTable.objects.get(name="items")
        started = time.perf_counter()
        run = pull_now(table=items)
        result["seconds"] = time.perf_counter() - started
        t = PullTableRun.objects.get(run=run)
        assert t.status == "succeeded", t.error
        result["counts"] = {k: getattr(t, k) for k in ("read", "inserted", "updated", "deactivated", "unchanged")}
    result["peak_kb"] = memory()["VmHWM"]
    print(json.dumps(result))


def no_change_only(rows: int, pairs: int, env: dict[str, str]) -> None:
    """(a) and the no-change full pull, alternating, each in a fresh process."""
    import django

    django.setup()
    from django.core.management import call_command

    from afterpull.followups import pull_now
    from syncconfig.models import AutoSyncTable, ServerConfig, SyncMode

    call_command("migrate", verbosity=0)
    ServerConfig.objects.filter(pk=1).update(time_between_syncs=0)
    AutoSyncTable.objects.filter(name="items").update(mode=SyncMode.FULL, since=None)
    started = time.perf_counter()
    pull_now(table=AutoSyncTable.objects.get(name="items"))  # the first pull fills the mirror
    print(f"first full pull (in this process, untimed for the ratio): {time.perf_counter() - started:.1f} s\n")

    def run(what: str) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--child", what], env=env, check=True, capture_output=True, text=True
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    print(f"{'pair':<5} {'(a) baseline':>13} {'(c) no change, full':>20} {'ratio':>6}  "
          f"{'peak RSS (a)':>12} {'peak RSS (c)':>12} {'Django set up':>13}  load average")
    ratios = []
    for n in range(1, pairs + 1):
        load = Path("/proc/loadavg").read_text().split()[:3]
        a, c = run("baseline"), run("pull")
        assert c["counts"]["unchanged"] == rows and c["counts"]["read"] == rows, c["counts"]
        ratios.append(c["seconds"] / a["seconds"])
        print(
            f"{n:<5} {a['seconds']:>11.2f} s {c['seconds']:>18.2f} s {ratios[-1]:>5.2f}x  "
            f"{a['peak_kb'] / 1024:>9.0f} MB {c['peak_kb'] / 1024:>9.0f} MB {c['ready_kb'] / 1024:>10.0f} MB  "
            f"{' '.join(load)}"
        )
    print(f"\ncounts of the last pull: {c['counts']}; ratios {', '.join(f'{r:.2f}x' for r in ratios)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-change-only", action="store_true",
                        help="only the no-change full pull against (a), in pairs of fresh processes, with peak RSS")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--child", choices=["baseline", "pull"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    work = Path(tempfile.mkdtemp(prefix="woscan-bench-"))
    mas_path = work / "MAS.sqlite"
    build_mas(mas_path, args.rows)

    from demo.company import odbc_connection_string

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'portal.sqlite3'}")
    os.environ["WOSCAN_MAS_ODBC"] = odbc_connection_string(mas_path)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
    if args.no_change_only:
        print(f"MAS: CI_Item with {args.rows:,} rows over ODBC ({mas_path}); portal {os.environ['DATABASE_URL']}")
        return no_change_only(args.rows, args.pairs, dict(os.environ))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    import pyodbc
    from mas.models import Item
    from syncconfig.models import AutoSyncTable, PullTableRun, ServerConfig, SyncMode
    from afterpull.followups import pull_now

    call_command("migrate", verbosity=0)
    ServerConfig.objects.filter(pk=1).update(time_between_syncs=0)
    items = AutoSyncTable.objects.get(name="items")
    columns = COLUMNS
    assert set(columns) == set(items.mas_columns), items.mas_columns
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"portal database: {engine}; MAS: CI_Item with {args.rows:,} rows over ODBC ({mas_path})")
    print(f"columns pulled: {', '.join(columns)}\n")

    # (a) bare baseline ------------------------------------------------------------------------
    def baseline_once() -> float:
        return bare_baseline(settings, connection, transaction)

    # (a) is measured again before every timed pull, and each ratio is the best of that pull's
    # runs over the best of the (a) runs made beside them: the machine's drift over the
    # benchmark's minutes falls on both sides of each ratio.
    baseline = min(baseline_once() for _ in range(REPEAT))

    def indexed_baseline_once() -> float:
        """(a') for context: the same, but into the mirror's own table (its unique key and indexes)."""
        Item.objects.all().delete()
        now = Item._meta.get_field("last_changed_at").get_db_prep_save(timezone.now(), connection)
        start = time.perf_counter()
        with closing(pyodbc.connect(settings.WOSCAN_MAS_ODBC, autocommit=True)) as mas:
            rows = mas.cursor().execute(f"SELECT {', '.join(columns)} FROM CI_Item").fetchall()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO mas_item (code, description, item_type, mas_inactive, standard_unit_cost, "
                "mas_date_updated, active, first_seen_at, last_changed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(r[0], r[1], r[2], r[3] == "Y", r[4], r[5], True, now, now) for r in rows],
            )
        elapsed = time.perf_counter() - start
        Item.objects.all().delete()
        return elapsed

    indexed = min(indexed_baseline_once() for _ in range(REPEAT))

    results: list[tuple[str, float | None, float | None, str]] = []

    def pull(label: str, before=None) -> None:
        """Best of REPEAT runs; ``before`` sets up each run (untimed)."""
        times, beside = [], []
        for attempt in range(REPEAT):
            if before:
                before(attempt)
            beside.append(baseline_once())
            started = time.perf_counter()
            run = pull_now(table=items)
            times.append(time.perf_counter() - started)
            t = PullTableRun.objects.get(run=run)
            assert t.status == "succeeded", t.error
        results.append((
            label, min(times), min(beside),
            f"read {t.read:>7,} inserted {t.inserted:>7,} updated {t.updated:>6,} deactivated {t.deactivated:>3,} "
            f"unchanged {t.unchanged:>7,}",
        ))

    salt = iter(range(1, 1000))

    def change_one_percent(_attempt=None) -> None:
        today = timezone.localdate().isoformat()
        n = next(salt)
        with closing(sqlite3.connect(mas_path)) as con, con:
            con.execute(
                "UPDATE CI_Item SET ItemCodeDesc = ?, DateUpdated = ? WHERE rowid % 100 = ?",
                (f"CHANGED {n}", today, 0),
            )

    def set_mode(mode: str) -> None:
        AutoSyncTable.objects.filter(pk=items.pk).update(mode=mode, since=None)
        items.refresh_from_db()

    def empty_mirror(_attempt=None) -> None:
        Item.objects.all().delete()
        AutoSyncTable.objects.filter(pk=items.pk).update(since=None)

    for mode in (SyncMode.INCREMENTAL, SyncMode.FULL):
        set_mode(mode)
        results.append((f"-- CI_Item pulled {mode} --", None, None, ""))
        pull("(b) first full pull", before=empty_mirror)
        pull("(c) second pull, no change")
        pull("(d) pull after 1% of rows changed", before=change_one_percent)

    print(f"best of {REPEAT} runs each; each ratio against the best of the {REPEAT} runs of (a) made beside it "
          "(one before each timed pull)\n")
    print(f"{'(a) baseline: fetchall + executemany':<36} {baseline:6.2f} s   1.00x (a)")
    print(f"{'(a2) the same into the mirror table':<36} {indexed:6.2f} s {indexed / baseline:6.2f}x (a)"
          "   (its unique key and index kept up; for context)")
    for label, best, paired, detail in results:
        if best is None:
            print(label)
        else:
            print(f"{label:<36} {best:6.2f} s {best / paired:6.2f}x (a) [{paired:.2f} s]   {detail}")

    # peak memory of a first full pull, measured apart (tracemalloc slows Python down)
    Item.objects.all().delete()
    set_mode(SyncMode.FULL)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    pull_now(table=items)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\npeak memory of a first full pull: {peak / 2**20:.1f} MB allocated by Python (tracemalloc); "
        f"process max RSS {rss_after:.0f} MB (was {rss_before:.0f} MB before it)"
    )


if __name__ == "__main__":
    main()
