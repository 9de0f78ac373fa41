"""A real django-q2 cluster, on the configured broker (the ORM broker by default, Redis when
REDIS_URL is set), runs a task that the portal put on the queue."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django_q.brokers import get_broker
from django_q.models import Success
from django_q.tasks import async_task

from syncconfig.health import sync_health
from syncconfig.models import ClusterHeartbeat

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster(subprocess_env):
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_the_configured_broker_is_the_one_in_use():
    broker = get_broker()
    expected = "Redis" if settings.REDIS_URL else "ORM"

    assert type(broker).__name__ == expected
    assert broker.ping()


def test_a_real_cluster_runs_a_queued_task_and_shows_as_alive(cluster):
    task_id = async_task("syncconfig.tasks.heartbeat", sync=False)

    # The task writes the heartbeat; the cluster's monitor then saves its result.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Success.objects.filter(id=task_id).exists():
        assert cluster.poll() is None, cluster.stdout.read().decode()
        time.sleep(0.5)

    assert ClusterHeartbeat.objects.filter(cluster="woscan").exists()
    assert Success.objects.filter(id=task_id).exists()
    assert sync_health().cluster_alive
