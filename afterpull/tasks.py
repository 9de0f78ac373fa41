"""The django-q2 tasks that run a pull and then its follow-ups (``afterpull.followups``)."""
from __future__ import annotations

from afterpull.followups import execute, pull_now
from syncconfig.models import PullTrigger
from syncconfig.pull_lock import PullAlreadyRunning


def run_pull(run_id: int) -> str:
    """Run a claimed pull (queued by Pull now), then its follow-ups."""
    run = execute(run_id)
    return f"pull {run.pk}: {run.status}"


def scheduled_pull() -> str:
    """The schedule's task: claim and run a pull, or say that one is already running."""
    try:
        run = pull_now(trigger=PullTrigger.SCHEDULE)
    except PullAlreadyRunning as exc:
        return str(exc)
    return f"pull {run.pk}: {run.status}"
