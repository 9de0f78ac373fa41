"""Auto-sync settings (WOScan's *Settings > Auto-sync Tables > Server Configs*) and pull runs."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models


class IntervalType(models.TextChoices):
    HOUR = "hour", "Hour (once an hour)"
    TIME = "time", "Time (every Interval Option minutes)"


class ServerConfig(models.Model):
    """The one row of pull settings. Saving it reschedules the pull at once."""

    interval_type = models.CharField(max_length=8, choices=IntervalType.choices, default=IntervalType.TIME)
    interval_option = models.PositiveIntegerField("Interval Option (minutes)", default=15)
    time_between_syncs = models.PositiveIntegerField("Time Between Syncs (seconds)", default=5)
    pull_sleep_time = models.DurationField("Pull Sleep time for handhelds", default=timedelta(minutes=5))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "server config"
        permissions = [("run_pull", "Can run a manual pull from MAS")]

    def __str__(self) -> str:
        return "Server Configs"

    @classmethod
    def load(cls) -> ServerConfig:
        config, _ = cls.objects.get_or_create(pk=1)
        return config

    @property
    def interval_minutes(self) -> int:
        return 60 if self.interval_type == IntervalType.HOUR else self.interval_option


class PullStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class PullTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Pull now"
    COMMAND = "command", "Command line"


class PullRun(models.Model):
    """One pull of MAS master data into the mirror."""

    status = models.CharField(max_length=10, choices=PullStatus.choices, default=PullStatus.RUNNING, db_index=True)
    trigger = models.CharField(max_length=10, choices=PullTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Pull {self.pk} ({self.get_status_display()})"


class ClusterHeartbeat(models.Model):
    """Written every minute by a scheduled task: proof that a django-q2 cluster is running."""

    cluster = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.cluster} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
