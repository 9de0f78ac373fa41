"""Background tasks of the sync settings app (run by the django-q2 cluster). The tasks that run a
pull, with its follow-ups, are ``afterpull.tasks``."""
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
