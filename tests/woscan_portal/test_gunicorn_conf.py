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


def test_eight_threads_a_worker_and_one_worker_per_core_plus_one(monkeypatch):
    monkeypatch.delenv("WOSCAN_WEB_THREADS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    import os

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert conf["threads"] == 8 and conf["workers"] == (os.cpu_count() or 1) + 1
