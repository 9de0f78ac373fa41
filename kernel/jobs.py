"""What the portal's background jobs share (a bulk decision, an export sent from the page, a
pull): their states, the name of the process running one, and handing one to the cluster.

A job is a row its page shows; the cluster (django-q2) runs its task, which re-reads the row.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable

from django.db import models

log = logging.getLogger(__name__)


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


FINISHED_STATES = (JobState.FINISHED, JobState.FAILED)

_identity: tuple[int, str] = (0, "")


def holder_id() -> str:
    """This process, as a job's claim names it: host, pid and a random id (a new one after a
    fork: django-q2's workers are forked from the cluster)."""
    global _identity
    pid = os.getpid()
    if _identity[0] != pid:
        _identity = (pid, f"{socket.gethostname()[:120]} pid {pid} {secrets.token_hex(4)}")
    return _identity[1]


def broker_name() -> str:
    from django.conf import settings

    return "Redis at REDIS_URL" if "redis" in settings.Q_CLUSTER else "the database queue"


def enqueue(task: str, job_id: int, *, group: str, failed: Callable[[str], None], what: str = "The job") -> None:
    """Hand job ``job_id`` to the cluster's ``task``. A broker that does not answer calls
    ``failed(why)`` at once, so that the job never stays queued with nothing to run it."""
    from django_q.tasks import async_task

    try:
        async_task(task, job_id, task_name=f"{group}-{job_id}", group=group)
    except Exception as exc:  # any broker failure
        log.exception("Job %s %s could not be queued", group, job_id)
        failed(f"{what} could not be handed to the background cluster: {broker_name()} did not answer ({exc}).")
