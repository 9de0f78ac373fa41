"""Background tasks of the review (django-q2): plain functions that take ids and re-read the database."""
from __future__ import annotations

from reviews import bulk


def run_bulk_decision(job_id: int) -> str:
    """Apply a confirmed bulk decision from its last committed chunk (idempotent: a finished job,
    or one another process is running, is left alone)."""
    return bulk.run(job_id)
