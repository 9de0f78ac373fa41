"""Hours between two moments, as the portal stores, checks and exports them."""
from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

HOURS = Decimal("0.001")


def elapsed_hours(start: datetime, stop: datetime) -> Decimal:
    """The time from ``start`` to ``stop`` in hours, to three places.

    Counted in UTC: Python subtracts two times that share a time zone object as wall-clock
    readings, so a night shift in the plant's zone would be an hour off on the nights the
    clocks change (22:00 to 06:00 is 7 hours in spring and 9 in autumn, not 8).
    """
    seconds = (stop.astimezone(dt_timezone.utc) - start.astimezone(dt_timezone.utc)).total_seconds()
    return (Decimal(seconds) / 3600).quantize(HOURS)
