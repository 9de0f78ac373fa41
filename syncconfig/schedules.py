"""The one place where the portal's django-q2 schedules are created and updated, by name."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from kernel.env import envint

HEARTBEAT = "woscan-heartbeat"
PULL = "woscan-pull"
EXPORT_AUTOMATIC = "woscan-export-automatic"


def export_every_minutes() -> int:
    """How often the automatic export runs (``WOSCAN_EXPORT_EVERY_MINUTES``, 15 by default)."""
    configured = getattr(settings, "WOSCAN_EXPORT_EVERY_MINUTES", None)
    if configured is not None:
        return int(configured)
    return envint("WOSCAN_EXPORT_EVERY_MINUTES", 15, minimum=1, maximum=24 * 60)


def upsert_schedule(name: str, func: str, **fields) -> Schedule:
    """Create the schedule called ``name`` or update it in place: never a second one."""
    schedule, _ = Schedule.objects.update_or_create(name=name, defaults={"func": func, **fields})
    return schedule


def reschedule_pull(config, *, keep_next_run: bool = False) -> Schedule:
    """Set the pull schedule from Server Configs: Hour → hourly, Time → every N minutes.

    The next run is one interval from now, unless ``keep_next_run`` and the schedule already
    has one (after ``migrate`` nothing about the timing changed).
    """
    from syncconfig.models import IntervalType

    if config.interval_type == IntervalType.HOUR:
        timing = {"schedule_type": Schedule.HOURLY, "minutes": None}
    else:
        timing = {"schedule_type": Schedule.MINUTES, "minutes": config.interval_option}
    fields = {**timing, "repeats": -1, "next_run": timezone.now() + timedelta(minutes=config.interval_minutes)}
    if keep_next_run:
        current = Schedule.objects.filter(name=PULL).values("schedule_type", "minutes", "next_run").first()
        if current and current["next_run"] and all(current[k] == v for k, v in timing.items()):
            fields["next_run"] = current["next_run"]
    return upsert_schedule(PULL, "afterpull.tasks.scheduled_pull", **fields)


def ensure_schedules() -> None:
    """Every named schedule of the portal (run after each ``migrate``)."""
    from syncconfig.models import ServerConfig

    upsert_schedule(HEARTBEAT, "syncconfig.tasks.heartbeat", schedule_type=Schedule.MINUTES, minutes=1, repeats=-1)
    reschedule_pull(ServerConfig.load(), keep_next_run=True)
    # Lines approved by the automatic processing option go to MAS every N minutes (and any
    # half-written batch is finished first).
    upsert_schedule(
        EXPORT_AUTOMATIC, "batches.tasks.export_automatic",
        schedule_type=Schedule.MINUTES, minutes=export_every_minutes(), repeats=-1,
    )
