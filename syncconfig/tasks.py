"""Background tasks of the sync settings app (run by the django-q2 cluster)."""
from __future__ import annotations

from django.utils import timezone
from django_q.conf import Conf

from syncconfig.models import ClusterHeartbeat


def heartbeat() -> str:
    """Record that a cluster is alive; the administrator's page reads it."""
    ClusterHeartbeat.objects.update_or_create(cluster=Conf.PREFIX, defaults={"beat_at": timezone.now()})
    return Conf.PREFIX
