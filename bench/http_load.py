"""Benchmark: the review queue over HTTP at concurrency 1, 4 and 16 (issue 13 item 4).

    .venv/bin/python bench/http_load.py                          # SQLite, a scratch file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woscan_bench_http .venv/bin/python bench/http_load.py
    … bench/http_load.py --total 2000000 --duration 20 --concurrency 1 4 16 --reuse

The database is built as ``bench/review_queue.py`` builds its large one (2,000 lines waiting,
the rest decided history, the mirror's names, a supervisor) and DROPPED first, unless
``--reuse`` finds it already holding at least ``--total`` lines (the large database
``bench/review_queue.py`` leaves, say). gunicorn then starts on 127.0.0.1
with the checkout's ``gunicorn.conf.py`` (workers = cores + 1, one thread each: what the README
runs), and ``wrk`` (Debian's package ``wrk``) asks for each page signed in as the supervisor,
for ``--duration`` seconds per concurrency. Printed per page and concurrency: requests/s, p50,
p95 and p99 latency, the non-2xx count and the load average. Before timing, each page is
fetched once and must answer 200 with the queue on it (a signed-out redirect would otherwise
time the login page).

Targets (issue 13): the queue page at concurrency 16, 2,000,000 lines: p95 < 800 ms and
≥ 30 requests/s on a 2-core machine.

wrk and the server share the machine's cores, as a plant's proxy and portal would not; wrk
runs with at most 2 threads.
"""
from __future__ import annotations

import argparse
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/woscan_bench_http.sqlite3")

from bench import review_queue as queue_bench  # noqa: E402  (sets Django's settings module)

PAGES = {
    "queue, to review (landing of the queue)": "/review/transactions/?status=needs_review&status=flagged",
    "queue, all states": "/review/transactions/",
    "queue, search a name (q=Moreno)": "/review/transactions/?q=Moreno",
    "supervisor's landing page": "/review/",
}

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %.1f %d\\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status))
end
"""


def database_name(url: str) -> str:
    if url.startswith("sqlite"):
        return url.split("sqlite:///", 1)[1]
    from urllib.parse import urlparse

    return urlparse(url).path.lstrip("/")


def prepare(url: str, total: int, reuse: bool) -> str:
    """The database holding ``total`` lines, and the supervisor's session key."""
    queue_bench.setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from transactions.models import Transaction

    name = database_name(url)
    built = False
    if reuse:
        try:
            queue_bench.use(name)
            held = Transaction.objects.count()
            built = held >= total
        except Exception:  # no such database yet
            built = False
    if not built:
        started = time.perf_counter()
        queue_bench.build(name, url, total - queue_bench.WAITING, timezone.now())
        print(f"built {name}: {Transaction.objects.count():,} lines in {time.perf_counter() - started:.0f} s",
              flush=True)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the indexes of the code measured
        print(f"reusing {name}: {held:,} lines", flush=True)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench.supervisor"))
    from django.db import connections

    connections.close_all()
    return client.cookies["sessionid"].value


def start_server(port: int, url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "woscan_portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def check_page(port: int, path: str, session: str) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
        if response.status != 200 or response.url.rstrip("/").endswith("login") or "Sign in" in body[:5000]:
            raise SystemExit(f"{path}: not the signed-in page (status {response.status}, {response.url})")


def run_wrk(port: int, path: str, session: str, concurrency: int, duration: int, script: str) -> dict:
    threads = min(2, concurrency)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{duration}s", "--timeout", "30s",
         "-s", script, "-H", f"Cookie: sessionid={session}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    match = re.search(r"^RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$", out, re.M)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{out}")
    requests, micros, p50, p95, p99, worst, bad = match.groups()
    return {"rps": int(requests) / (int(micros) / 1e6), "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "max": float(worst), "non2xx": int(bad), "requests": int(requests)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, default=2_000_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per page and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it holds at least --total lines")
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), help="only these pages")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: install Debian's package (apt-get install wrk)")

    url = os.environ["DATABASE_URL"]
    session = prepare(url, args.total, args.reuse)
    server = start_server(args.port, url)
    script = Path(tempfile.mkdtemp(prefix="woscan-bench-http-")) / "report.lua"
    script.write_text(LUA)
    cores = os.cpu_count()
    web = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # what gunicorn reads (environment included)
    print(f"database: {url.split(':', 1)[0]}; {args.total:,} lines; gunicorn.conf.py on {cores} cores "
          f"(workers {web['workers']}, threads {web['threads']}); {args.duration} s per run", flush=True)
    try:
        for label in args.pages or PAGES:
            path = PAGES[label]
            check_page(args.port, path, session)
            run_wrk(args.port, path, session, 1, 2, str(script))  # warm-up, untimed
            for concurrency in args.concurrency:
                r = run_wrk(args.port, path, session, concurrency, args.duration, str(script))
                print(f"  {label:<42} c={concurrency:<3} {r['rps']:6.1f} req/s  p50 {r['p50']:7.1f} ms  "
                      f"p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms  max {r['max']:7.1f} ms  "
                      f"{r['requests']:,} requests, {r['non2xx']} non-2xx  (load average {os.getloadavg()[0]:.1f})",
                      flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
