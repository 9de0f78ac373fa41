"""The review's own rows: a bulk decision run as a background job (``reviews.bulk``).

The collected lines themselves belong to the transaction core (``transactions.models``).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from kernel.jobs import FINISHED_STATES, JobState

__all__ = ["BulkDecision", "JobState"]


class BulkDecision(models.Model):
    """"Approve (or reject) all that match" of a large selection, applied a chunk of lines at a
    time by the cluster (``reviews.tasks.run_bulk_decision``).

    What the supervisor confirmed is kept as they confirmed it: the queue's filter, when the
    queue was shown (``seen_at``: a line changed after it is skipped, as on the page), the highest
    line id then (``upto_id``: lines collected after the confirmation are never touched) and the
    reason. Progress (``done``, ``skipped`` by reason, ``cursor``: the last line id of the last
    committed chunk) is written in each chunk's own transaction, so it always says exactly what
    was committed; a job whose process died is taken up again from ``cursor``.
    """

    action = models.CharField(max_length=10, choices=[("approve", "Approve"), ("reject", "Reject")])
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filter = models.TextField(blank=True, help_text="The queue's filter the decision was confirmed on (a querystring).")
    seen_at = models.DateTimeField(null=True, blank=True, help_text="When the queue was shown.")
    upto_id = models.BigIntegerField(help_text="The highest line id when the decision was confirmed.")
    reason = models.TextField(blank=True)
    total = models.PositiveIntegerField(help_text="Lines that matched when the decision was confirmed.")
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skipped_by_reason = models.JSONField(default=dict, blank=True)
    cursor = models.BigIntegerField(default=0)
    holder = models.CharField(max_length=200, blank=True, help_text="The process running the job.")
    started_at = models.DateTimeField(null=True, blank=True)
    beat_at = models.DateTimeField(null=True, blank=True, help_text="The last committed chunk.")
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="bulkdecision_state")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} job {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def seen(self) -> int:
        return self.done + self.skipped
