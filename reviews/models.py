"""The review's own rows: a bulk decision run as a background job (``reviews.bulk``), and each
reviewer's own settings of the review pages (saved filters of the queue, the single-key switch).

The collected lines themselves belong to the transaction core (``transactions.models``).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from kernel.jobs import FINISHED_STATES, JobState

__all__ = ["BulkDecision", "JobState", "ReviewPreferences", "SavedFilter"]


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


class SavedFilterQuerySet(models.QuerySet):
    def narrow_for(self, user, action):
        """A reviewer's saved filters are theirs alone: nobody else sees or changes them (another's
        is a 404, as one that is not there)."""
        return self.filter(owner=user.pk) if user.is_authenticated else self.none()


class SavedFilter(models.Model):
    """A named filter of the review queue ("My work centers, errors first"): the queue's
    querystring without page, sort or export (``reviews.filtersets.filter_query``), kept for its
    owner and applied from the queue's menu."""

    NAME_LENGTH = 80
    QUERY_LENGTH = 2000

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=NAME_LENGTH)
    query = models.TextField(help_text="The queue's filter (a querystring).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name"), "id"]
        # One name once per owner, whatever its case: the menu tells them apart by name alone.
        constraints = [models.UniqueConstraint(models.F("owner"), Lower("name"), name="savedfilter_owner_name")]

    def __str__(self) -> str:
        return self.name


class ReviewPreferencesQuerySet(models.QuerySet):
    def narrow_for(self, user, action):
        return self.filter(user=user.pk) if user.is_authenticated else self.none()


class ReviewPreferences(models.Model):
    """A user's own settings of the review pages, kept with the user so that they follow them to
    another desktop. No row: nothing chosen yet (the pages' defaults, or what this browser kept
    before the choice moved here)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="review_preferences")
    single_keys = models.BooleanField(default=True, help_text="Single-key shortcuts on the review pages (WCAG 2.1.4).")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewPreferencesQuerySet.as_manager()

    class Meta:
        verbose_name = "review preferences"
        verbose_name_plural = "review preferences"

    def __str__(self) -> str:
        return f"Review preferences of {self.user}"
