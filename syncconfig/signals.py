"""Signals of the sync settings app, and its post_migrate handler."""
from __future__ import annotations

from django.dispatch import Signal

# Sent after a pull's changes are committed, with ``run`` (the PullRun) and ``changed``
# (a set of mirror model labels, e.g. {"mas.workorder"}, whose rows changed). Receivers:
# re-validating collected transactions, reconciling export batches with MAS.
pull_finished = Signal()


def ensure_schedules_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """After ``migrate`` (and a test flush): the named schedules and the default Auto-sync Tables exist."""
    from syncconfig.autosync import ensure_default_tables
    from syncconfig.schedules import ensure_schedules

    if using == "default":
        ensure_default_tables()
        ensure_schedules()
