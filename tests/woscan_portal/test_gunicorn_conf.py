"""gunicorn.conf.py: a worker freezes again, out of the garbage collector, what its first requests
made (after its 100th and 1,000th request), as it froze start-up's objects when ready."""
from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

CONF = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))


def test_a_worker_freezes_what_its_first_requests_made_after_the_100th_and_the_1000th():
    worker = SimpleNamespace()
    frozen_at = []
    try:
        for n in range(1, 1_101):
            before = gc.get_freeze_count()
            kept = [[n] for _ in range(3)]  # what a request makes and keeps (a cache entry)
            CONF["post_request"](worker, None, {}, None)
            if gc.get_freeze_count() > before:
                frozen_at.append(n)
            del kept
    finally:
        gc.unfreeze()
    assert frozen_at == list(CONF["REFREEZE_AFTER"]) == [100, 1_000]
    assert worker.woscan_served == 1_100


def test_one_thread_a_worker_one_worker_per_core_plus_one_and_no_connection_beyond_its_thread(monkeypatch):
    for name in ("WOSCAN_WEB_THREADS", "WEB_CONCURRENCY", "WOSCAN_WEB_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    import os

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert conf["threads"] == 1 and conf["workers"] == (os.cpu_count() or 1) + 1
    assert conf["keepalive"] == 0 and conf["worker_connections"] == conf["threads"]


def test_more_threads_take_as_many_connections_and_keep_alive_gets_gunicorns_room(monkeypatch):
    monkeypatch.setenv("WOSCAN_WEB_THREADS", "4")
    monkeypatch.delenv("WOSCAN_WEB_KEEPALIVE", raising=False)
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert (conf["threads"], conf["worker_connections"]) == (4, 4)

    monkeypatch.setenv("WOSCAN_WEB_KEEPALIVE", "5")  # idle kept-alive connections hold places too
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert (conf["keepalive"], conf["worker_connections"]) == (5, 1000)
