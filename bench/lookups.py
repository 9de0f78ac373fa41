"""Benchmark of the correction form's suggestions (reviews:lookup, issue 14 item 6): the server time
of one lookup at 10,000 and 1,000,000 items in the mirror.

    .venv/bin/python bench/lookups.py                  # SQLite, scratch files in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_lookups .venv/bin/python bench/lookups.py

One database per size is built next to the one DATABASE_URL names, with "_10k", "_1m" (whatever
``--sizes``) added to its name; each is DROPPED and rebuilt (``--reuse`` keeps one that holds its
rows). Each holds ``size`` items (codes of a few dozen families, descriptions of a few words, 2 %
inactive in MAS), a tenth as many work orders and a fiftieth as many employees (at most 20,000).
Server time = the Django test client's request → response (middleware, queries, JSON), signed in
as a supervisor; median and p95 of ``--requests`` requests per lookup, the sizes measured
alternately request by request so that load from other processes falls on all alike.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woscan_portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/woscan_bench_lookups.sqlite3")
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from review_queue import reset_database, use  # noqa: E402  (the same scratch databases)

FAMILIES = ["BOLT", "NUT", "WASHER", "SCREW", "PIN", "RIVET", "PLATE", "SHEET", "TUBE", "BAR", "ANGLE", "CHAN",
            "BRKT", "HINGE", "CASTER", "HANDLE", "PANEL", "FRAME", "SHELF", "GUARD", "WIRE", "POWDER", "GASKET",
            "SPRING", "CLAMP", "LATCH", "KNOB", "FOOT", "CAP", "PLUG"]
WORDS = ["hex", "flange", "steel", "stainless", "zinc", "plated", "galvanized", "aluminum", "black", "grade 5",
         "heavy", "light", "duty", "round", "square", "flat", "coarse", "fine", "thread", "long", "short", "wide",
         "narrow", "welded", "formed", "cut", "painted", "powder coated", "left", "right", "upper", "lower"]
FIRST = ["Thomas", "Rosa", "Lin", "Ama", "Joe", "Pat", "Maria", "Ahmed", "Kim", "Olga", "Raj", "Sam"]
LAST = ["Moreno", "Diaz", "Chen", "Okafor", "Park", "Kowalski", "Nguyen", "Schmidt", "Rossi", "Haddad"]
# what is typed -> (kind, query string)
LOOKUPS = {
    "item, code beginning (BOLT-00001)": ("item", {"q": "BOLT-00001"}),
    "item, one letter (S)": ("item", {"q": "S"}),
    "item, part of a name (flange zin)": ("item", {"q": "flange zin"}),
    "item, rare name part (cap grade 5)": ("item", {"q": "cap grade 5"}),
    "item, no match (QZXW)": ("item", {"q": "QZXW"}),
    "work order, a number (123)": ("work_order", {"q": "123"}),
    "work order, part of the item (galvan)": ("work_order", {"q": "galvan"}),
    "work order, no match (QZXW)": ("work_order", {"q": "QZXW"}),
    "employee, part of a name (moreno)": ("employee", {"q": "moreno"}),
    "employee, no match (QZXW)": ("employee", {"q": "QZXW"}),
}


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size >= 1_000_000 and size % 1_000_000 == 0 else f"{size // 1000}k"


def database_name(url: str, size: int) -> str:
    if url.startswith("sqlite"):
        return f"{url.split('sqlite:///', 1)[1].removesuffix('.sqlite3')}_{label(size)}.sqlite3"
    from urllib.parse import urlparse

    return f"{urlparse(url).path.lstrip('/')}_{label(size)}"


def described(rng: random.Random, family: str) -> str:
    return f"{family.title()} {' '.join(rng.sample(WORDS, 3))}"[:60]


def build(url: str, name: str, size: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.roles import Role
    from mas.models import Employee, Item, WorkOrder
    from tests.factories import UserFactory

    reset_database(url, name)
    use(name)
    call_command("migrate", verbosity=0)
    UserFactory(username="bench.supervisor", roles=[Role.SUPERVISOR])
    rng, now = random.Random(14), timezone.now()
    per_family = -(-size // len(FAMILIES))
    for start in range(0, size, 20_000):
        Item.objects.bulk_create(
            Item(code=f"{FAMILIES[n // per_family]}-{n % per_family:07d}",
                 description=described(rng, FAMILIES[n // per_family]), mas_inactive=rng.random() < 0.02,
                 last_changed_at=now)
            for n in range(start, min(size, start + 20_000)))
    orders = size // 10
    for start in range(0, orders, 20_000):
        WorkOrder.objects.bulk_create(
            WorkOrder(number=f"{n:07d}", status="C" if rng.random() < 0.3 else "O",
                      item_description=described(rng, rng.choice(FAMILIES)), last_changed_at=now)
            for n in range(start, min(orders, start + 20_000)))
    Employee.objects.bulk_create(
        Employee(number=f"{n:07d}", first_name=rng.choice(FIRST), last_name=rng.choice(LAST),
                 mas_inactive=rng.random() < 0.1, last_changed_at=now)
        for n in range(1, min(20_000, max(size // 50, 100)) + 1))
    analyze()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def holds(name: str, size: int) -> bool:
    from django.db import DatabaseError

    from mas.models import Item

    try:
        use(name)
        return Item.objects.count() == size
    except DatabaseError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="items in each database (comma-separated)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds its rows")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    url = os.environ["DATABASE_URL"]
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"database: {connection.vendor}", flush=True)
    clients = {}
    for size in sizes:
        name = database_name(url, size)
        started = time.perf_counter()
        if args.reuse and holds(name, size):
            call_command("migrate", verbosity=0)  # the indexes of the code measured
        else:
            build(url, name, size)
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench.supervisor"))
        clients[size] = (name, client)
        print(f"  {name}: {size:,} items ready in {time.perf_counter() - started:.0f} s", flush=True)

    print(f"\nOne lookup, {args.requests} timed requests each (server time, ms):", flush=True)
    for what, (kind, params) in LOOKUPS.items():
        address = reverse("reviews:lookup", kwargs={"kind": kind})
        times: dict[int, list[float]] = {size: [] for size in sizes}
        found = {}
        for size, (name, client) in clients.items():  # warm-up, untimed
            use(name)
            for _ in range(3):
                response = client.get(address, params)
                assert response.status_code == 200, response.content
            found[size] = len(response.json()["results"])
        for _ in range(args.requests):
            for size, (name, client) in clients.items():
                use(name)
                started = time.perf_counter()
                response = client.get(address, params)
                times[size].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        parts = []
        for size, values in times.items():
            values.sort()
            p95 = values[max(0, int(round(0.95 * len(values))) - 1)]
            parts.append(f"{label(size)}: median {statistics.median(values):6.1f} p95 {p95:6.1f} ({found[size]:2d} rows)")
        print(f"  {what:<46} " + "   ".join(parts) + f"   (load average {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
