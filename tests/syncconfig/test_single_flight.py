"""Two workers (two clusters) asking for a pull at the same moment: exactly one gets it."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from syncconfig.autosync import ensure_default_tables
from syncconfig.models import PullLock, PullRun, PullTrigger
from syncconfig.pull_run import PullAlreadyRunning, request_pull

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_requests_claim_the_pull_once():
    ensure_default_tables()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            request_pull(trigger=PullTrigger.SCHEDULE, enqueue=False)
            outcomes.append("claimed")
        except PullAlreadyRunning:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["claimed", "refused"]
    run = PullRun.objects.get()
    assert PullLock.objects.get().run == run
