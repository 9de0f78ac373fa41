"""A real ``pull_mas`` process SIGKILLed mid-pull: its heartbeat stops, the next pull starts within
seconds (a short ``WOSCAN_PULL_STALE_AFTER``), and the killed run shows as abandoned. A live pull
keeps its claim past that time, because it beats."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db.models import F
from django.urls import reverse

from mas.models import WorkOrder
from syncconfig import pull_lock
from syncconfig.health import sync_health
from syncconfig.models import PullLock, PullRun, PullStatus, PullTableRun, PullTrigger, ServerConfig
from afterpull.followups import pull_now
from syncconfig.pull_run import PullAlreadyRunning, request_pull

ROOT = Path(__file__).resolve().parents[2]
STALE_AFTER = 2  # seconds: WOSCAN_PULL_STALE_AFTER of the child and of this test
pytestmark = pytest.mark.django_db(transaction=True)

# pull_mas, stopped at a chosen moment: inside the work orders' transaction (its rows written,
# not committed), or pausing between tables (Time Between Syncs).
CHILD = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from syncconfig import pull_run as pull

original = pull.sync_table

def sync_then_hang(mas, spec, **kwargs):
    counts = original(mas, spec, **kwargs)
    if spec.mas_table == "WO1_WorkOrderMaster" and sys.argv[1] == "inside_a_table":
        print("inside the work orders' transaction", flush=True)
        time.sleep(600)
    return counts

pull.sync_table = sync_then_hang
call_command("pull_mas")
"""


@pytest.fixture
def short_heartbeat(settings):
    settings.WOSCAN_PULL_STALE_AFTER = STALE_AFTER


@pytest.fixture
def pull_process(subprocess_env, company, settings, short_heartbeat):
    children = []

    def start(moment: str) -> subprocess.Popen:
        env = {**subprocess_env, "WOSCAN_MAS_ODBC": settings.WOSCAN_MAS_ODBC,
               "WOSCAN_PULL_STALE_AFTER": str(STALE_AFTER), "LOG_LEVEL": "ERROR"}
        child = subprocess.Popen([sys.executable, "-c", CHILD, moment], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        children.append(child)
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)


def wait_for(condition, *, within: float, child: subprocess.Popen | None = None):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := condition():
            return value
        if child is not None and child.poll() is not None:
            raise AssertionError(f"the pull process ended: {child.stderr.read().decode()}")
        time.sleep(0.1)
    raise AssertionError(f"not within {within} s")


def test_a_pull_killed_mid_table_is_abandoned_and_the_next_pull_starts_within_seconds(
    pull_process, no_pause, client, administrator
):
    child = pull_process("inside_a_table")
    assert child.stdout.readline().decode().startswith("inside the work orders' transaction")
    killed = PullRun.objects.get()
    assert killed.status == PullStatus.RUNNING

    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    killed_at = time.monotonic()

    # Sync health knows as soon as the heartbeat is overdue, before any other pull is asked for.
    wait_for(lambda: sync_health().last_pull.status == PullStatus.ABANDONED, within=30)
    client.force_login(administrator)
    page = client.get(reverse("syncconfig:dashboard")).content.decode()
    assert "Abandoned" in page and 'data-testid="running-pull"' not in page

    run = pull_now(trigger=PullTrigger.COMMAND)
    waited = time.monotonic() - killed_at

    assert waited < 15, f"the next pull started {waited:.1f} s after the kill"
    assert run.status == PullStatus.SUCCEEDED
    killed.refresh_from_db()
    assert killed.status == PullStatus.ABANDONED and killed.finished_at
    assert "stopped without finishing" in killed.error and "WOSCAN_PULL_STALE_AFTER" in killed.error
    table = PullTableRun.objects.get(run=killed, name="work_orders")
    assert table.status == PullStatus.ABANDONED and "rolled back" in table.error
    # The killed transaction was rolled back: the next pull found no work order and inserted all 60.
    assert run.tables.get(name="work_orders").inserted == 60 and WorkOrder.objects.count() == 60
    assert PullLock.objects.get().run is None


def test_a_live_pull_keeps_its_claim_past_the_stale_time_because_it_beats(pull_process):
    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 3 * STALE_AFTER})
    child = pull_process("between_tables")
    wait_for(lambda: PullTableRun.objects.filter(status=PullStatus.SUCCEEDED).exists(), within=60, child=child)
    first = PullLock.objects.get()
    assert first.holder.endswith(tuple("0123456789abcdef")) and f"pid {child.pid} " in first.holder

    time.sleep(STALE_AFTER + 1)  # the child sleeps between tables: only its heartbeat speaks for it

    with pytest.raises(PullAlreadyRunning):
        request_pull(trigger=PullTrigger.SCHEDULE, enqueue=False)
    assert pull_lock.reap() is None
    later = PullLock.objects.get()
    assert later.run_id == first.run_id and later.beats > first.beats and later.beat_at > first.beat_at
    assert PullRun.objects.get().status == PullStatus.RUNNING


def test_a_takeover_during_a_table_rolls_that_table_back(company, no_pause, monkeypatch):
    from syncconfig import pull_run as pull

    original = pull.sync_table

    def another_cluster_takes_over_meanwhile(mas, spec, **kwargs):
        counts = original(mas, spec, **kwargs)
        if spec.mas_table == "WO1_WorkOrderMaster":
            # What the pull's last statement sees when another cluster took the claim over (on
            # PostgreSQL; on SQLite no one else can write while a table's transaction is open).
            PullLock.objects.update(holder="other-host pid 1 0000", beats=F("beats") + 1)
        return counts

    monkeypatch.setattr(pull, "sync_table", another_cluster_takes_over_meanwhile)

    run = pull.execute_pull(request_pull(trigger=PullTrigger.COMMAND, enqueue=False).pk)

    table = run.tables.get(name="work_orders")
    assert table.status == PullStatus.FAILED and "rolled back" in table.error
    assert WorkOrder.objects.count() == 0, "a pull that lost its claim committed its table"
    assert run.status == PullStatus.FAILED and "took over the lock" in run.error
