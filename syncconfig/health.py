"""Sync health as the administrator sees it: last pull, next pull, is a cluster alive, and what
the follow-ups of the last pull that had them did."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_q.models import Schedule

from syncconfig.models import ClusterHeartbeat, FollowUpStatus, PullRun, PullStatus
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
    last_follow_ups: PullRun | None = None  # the latest pull whose follow-ups ran (or run now)

    @property
    def follow_up_problems(self) -> list[str]:
        """The follow-ups that failed after the latest pull that had them: a problem until a
        later pull's follow-ups go through."""
        return self.last_follow_ups.follow_up_problems if self.last_follow_ups else []

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
    follow_ups = PullRun.objects.exclude(
        recheck_status=FollowUpStatus.NOT_RUN, reconcile_status=FollowUpStatus.NOT_RUN
    ).first()
    return SyncHealth(last_pull, last_success, failures.count(), next_pull_at, beat, follow_ups)

