"""Background tasks of the sync settings app (run by the django-q2 cluster)."""
from __future__ import annotations

from django.utils import timezone
from django_q.conf import Conf

from syncconfig.models import ClusterHeartbeat


def heartbeat() -> str:
    """Record that a cluster is alive; the administrator's page reads it. Also frees the pull
    lock of a pull whose process is gone (marked abandoned), so that nothing waits on it."""
    from syncconfig.pull_lock import reap

    ClusterHeartbeat.objects.update_or_create(cluster=Conf.PREFIX, defaults={"beat_at": timezone.now()})
    reap()
    return Conf.PREFIX


def run_pull(run_id: int) -> str:
    """Run a claimed pull (queued by Pull now)."""
    from syncconfig.pull_run import execute_pull

    run = execute_pull(run_id)
    return f"pull {run.pk}: {run.status}"


def scheduled_pull() -> str:
    """The schedule's task: claim and run a pull, or say that one is already running."""
    from syncconfig.models import PullTrigger
    from syncconfig.pull_run import PullAlreadyRunning, pull_now

    try:
        run = pull_now(trigger=PullTrigger.SCHEDULE)
    except PullAlreadyRunning as exc:
        return str(exc)
    return f"pull {run.pk}: {run.status}"
