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
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="woscan-bench-"))
    mas_path = work / "MAS.sqlite"
    build_mas(mas_path, args.rows)

    from demo.company import odbc_connection_string

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'portal.sqlite3'}")
    os.environ["WOSCAN_MAS_ODBC"] = odbc_connection_string(mas_path)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    import pyodbc
    from mas.models import Item
    from syncconfig.models import AutoSyncTable, PullTableRun, ServerConfig, SyncMode
    from syncconfig.pull import pull_now

    call_command("migrate", verbosity=0)
    ServerConfig.objects.filter(pk=1).update(time_between_syncs=0)
    items = AutoSyncTable.objects.get(name="items")
    columns = ["ItemCode", "ItemCodeDesc", "ItemType", "InactiveItem", "StandardUnitCost", "DateUpdated"]
    assert set(columns) == set(items.mas_columns), items.mas_columns
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"portal database: {engine}; MAS: CI_Item with {args.rows:,} rows over ODBC ({mas_path})")
    print(f"columns pulled: {', '.join(columns)}\n")

    # (a) bare baseline ------------------------------------------------------------------------
    def baseline_once() -> float:
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_baseline")
            cur.execute(
                "CREATE TABLE bench_baseline (code varchar(30), description varchar(60), item_type varchar(1), "
                "inactive varchar(1), cost numeric(16,4), date_updated date)"
            )
        start = time.perf_counter()
        with closing(pyodbc.connect(settings.WOSCAN_MAS_ODBC, autocommit=True)) as mas:
            rows = mas.cursor().execute(f"SELECT {', '.join(columns)} FROM CI_Item").fetchall()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany("INSERT INTO bench_baseline VALUES (%s, %s, %s, %s, %s, %s)", [tuple(r) for r in rows])
        return time.perf_counter() - start

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
