"""After ``migrate``: make sure the named schedules exist (see syncconfig.schedules)."""
from __future__ import annotations


def ensure_schedules_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    from syncconfig.schedules import ensure_schedules

    if using == "default":
        ensure_schedules()
