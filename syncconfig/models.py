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
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    # Its process stopped (killed, machine gone) without finishing: its heartbeat stopped and the
    # lock was taken over or freed. The table it was pulling was rolled back with its transaction.
    ABANDONED = "abandoned", "Abandoned"


# A run in one of these will not change any more.
FINISHED_PULL_STATUSES = (PullStatus.SUCCEEDED, PullStatus.FAILED, PullStatus.ABANDONED)


class PullTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Pull now"
    COMMAND = "command", "Command line"


class FollowUpStatus(models.TextChoices):
    """How a follow-up of a pull (``afterpull``) went. Empty: it has not run (the pull did not
    succeed, or has not finished)."""

    NOT_RUN = "", "Not run"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Not needed"
    FAILED = "failed", "Failed"


class PullRun(models.Model):
    """One pull of MAS master data into the mirror, and what its follow-ups did after it."""

    status = models.CharField(max_length=10, choices=PullStatus.choices, default=PullStatus.RUNNING, db_index=True)
    trigger = models.CharField(max_length=10, choices=PullTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    only_table = models.CharField(max_length=40, blank=True, help_text="Empty: every enabled table.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The follow-ups of a pull that succeeded (``afterpull.followups``). A failed one leaves the
    # pull's own data as it is; sync health shows it as a problem.
    recheck_status = models.CharField(
        "re-check of open lines", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.NOT_RUN,
        blank=True,
    )
    recheck_lines = models.PositiveIntegerField("open lines re-checked", default=0)
    recheck_changed = models.PositiveIntegerField("lines that changed status", default=0)
    recheck_error = models.TextField(blank=True)
    reconcile_status = models.CharField(
        "batch reconciliation", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.NOT_RUN,
        blank=True,
    )
    reconcile_batches = models.PositiveIntegerField("batches reconciled", default=0)
    reconcile_discrepancies = models.PositiveIntegerField("batches with discrepancies", default=0)
    reconcile_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Pull {self.pk} ({self.get_status_display()})"

    @property
    def only_table_label(self) -> str:
        """The label of the one table this run pulls ("Work order steps"); "" for every enabled table."""
        if not self.only_table:
            return ""
        label = AutoSyncTable.objects.filter(name=self.only_table).values_list("label", flat=True).first()
        return label or self.only_table

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("syncconfig:pullrun_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_PULL_STATUSES

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def follow_up_problems(self) -> list[str]:
        """The follow-ups that failed after this pull, in words (empty when none did)."""
        problems = []
        if self.recheck_status == FollowUpStatus.FAILED:
            problems.append(f"Re-checking the open lines after pull {self.pk} failed: {self.recheck_error}")
        if self.reconcile_status == FollowUpStatus.FAILED:
            problems.append(f"Reconciling the batches with MAS after pull {self.pk} failed: {self.reconcile_error}")
        return problems


class ClusterHeartbeat(models.Model):
    """Written every minute by a scheduled task: proof that a django-q2 cluster is running."""

    cluster = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.cluster} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class SyncMode(models.TextChoices):
    FULL = "full", "Full (read every row, write what changed)"
    INCREMENTAL = "incremental", "Incremental (rows changed since the last pull, by DateUpdated)"


class AutoSyncTable(models.Model):
    """One mirrored table (WOScan's *Auto-sync Tables*): where in MAS it comes from and how.

    ``name`` is the portal's name of the mirror (mas.tablemaps.TABLE_MAPS); ``key_columns``
    and ``columns`` map each mirror field to the MAS column that fills it.
    """

    name = models.SlugField(max_length=40, unique=True, editable=False)
    label = models.CharField(max_length=60, editable=False)
    position = models.PositiveSmallIntegerField(default=0, help_text="Tables are pulled in this order.")
    enabled = models.BooleanField(default=True)
    mas_table = models.CharField("MAS table", max_length=80)
    key_columns = models.JSONField(default=dict, help_text="Mirror key field → MAS column.")
    columns = models.JSONField(default=dict, blank=True, help_text="Mirror field → MAS column.")
    mode = models.CharField(max_length=12, choices=SyncMode.choices, default=SyncMode.FULL)
    since = models.DateField(
        null=True, blank=True, editable=False,
        help_text="Incremental pulls read rows with DateUpdated on or after this day (the day of the last good pull).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "auto-sync table"

    def __str__(self) -> str:
        return self.label or self.name

    @property
    def model_label(self) -> str:
        """The mirror model's label, e.g. "mas.item"."""
        from mas.tablemaps import TABLE_MAPS

        return TABLE_MAPS[self.name].model.lower()

    @property
    def mas_columns(self) -> list[str]:
        """The MAS columns read, keys first."""
        return list(dict.fromkeys([*self.key_columns.values(), *self.columns.values()]))


class PullTableRun(models.Model):
    """What one pull did to one table: counts, duration and the error if it failed."""

    run = models.ForeignKey(PullRun, on_delete=models.CASCADE, related_name="tables")
    table = models.ForeignKey(AutoSyncTable, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=40)
    mas_table = models.CharField("MAS table", max_length=80)
    mode = models.CharField(max_length=12, choices=SyncMode.choices)
    status = models.CharField(max_length=10, choices=PullStatus.choices, default=PullStatus.RUNNING)
    read = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.name} in pull {self.run_id}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deactivated


class PullLock(models.Model):
    """The one claimed row that keeps two pulls (two clusters) from running at once.

    Claimed with a compare-and-set (``syncconfig.pull_lock``); the process running the pull
    renews ``beat_at``, and a claim whose holder stopped beating is taken over.
    """

    run = models.OneToOneField(PullRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=200, blank=True, help_text="The process holding the claim: host, pid, random id.")
    beat_at = models.DateTimeField(null=True, blank=True, help_text="The holder's last heartbeat (the database's clock).")
    beats = models.PositiveIntegerField(default=0, help_text="Counts the claims and beats: what a compare-and-set compares.")

    def __str__(self) -> str:
        return f"pull lock ({'held by ' + str(self.run_id) if self.run_id else 'free'})"
