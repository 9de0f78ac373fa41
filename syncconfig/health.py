"""Sync health as the administrator sees it: last pull, next pull, is a cluster alive."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_q.models import Schedule

from syncconfig.models import ClusterHeartbeat, PullRun, PullStatus
from syncconfig.pull_lock import reap

# The heartbeat runs every minute; two missed beats mean no cluster is running.
CLUSTER_SILENT_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class SyncHealth:
    last_pull: PullRun | None
    last_success: PullRun | None
    failures_since_success: int
    next_pull_at: datetime | None
    last_heartbeat: datetime | None

    @property
    def cluster_alive(self) -> bool:
        return self.last_heartbeat is not None and timezone.now() - self.last_heartbeat < CLUSTER_SILENT_AFTER


def sync_health(pull_schedule_name: str | None = None) -> SyncHealth:
    reap()  # a pull whose process is gone shows as abandoned now, not when the next pull starts
    last_pull = PullRun.objects.first()
    # A pull of every table: a one-table Pull now that worked says nothing of the tables that fail.
    whole = PullRun.objects.filter(only_table="")
    last_success = whole.filter(status=PullStatus.SUCCEEDED).first()
    failures = whole.filter(status__in=(PullStatus.FAILED, PullStatus.ABANDONED))
    if last_success:
        failures = failures.filter(started_at__gt=last_success.started_at)
    next_pull_at = None
    if pull_schedule_name:
        next_pull_at = Schedule.objects.filter(name=pull_schedule_name).values_list("next_run", flat=True).first()
    beat = ClusterHeartbeat.objects.exclude(cluster="").order_by("-beat_at").values_list("beat_at", flat=True).first()
    return SyncHealth(last_pull, last_success, failures.count(), next_pull_at, beat)

