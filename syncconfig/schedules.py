"""The one place where the portal's django-q2 schedules are created and updated, by name."""
from __future__ import annotations

from django_q.models import Schedule

HEARTBEAT = "woscan-heartbeat"


def upsert_schedule(name: str, func: str, **fields) -> Schedule:
    """Create the schedule called ``name`` or update it in place: never a second one."""
    schedule, _ = Schedule.objects.update_or_create(name=name, defaults={"func": func, **fields})
    return schedule


def ensure_schedules() -> None:
    upsert_schedule(HEARTBEAT, "syncconfig.tasks.heartbeat", schedule_type=Schedule.MINUTES, minutes=1, repeats=-1)
