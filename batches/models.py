"""Export batches: numbered, frozen sets of approved transactions for WOScan Sync (PRODUCT.md §6)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kernel.jobs import FINISHED_STATES, JobState
from kernel.permissions import restrict


class BatchStatus(models.TextChoices):
    # Committed in the database; its files are being written (a re-run finishes them).
    WRITING = "writing", "Writing files"
    EXPORTED = "exported", "Exported"
    IMPORTED = "imported", "Imported into MAS"
    POSTED = "posted", "Posted in MAS"
    DELETED_IN_MAS = "deleted_in_mas", "Deleted in MAS"
    # Kept for the record only: their lines are in no live batch any more.
    REEXPORTED = "reexported", "Re-exported"
    VOIDED = "voided", "Voided"


# A live batch holds its lines: a transaction is in at most one live batch, ever.
LIVE_STATUSES = (
    BatchStatus.WRITING,
    BatchStatus.EXPORTED,
    BatchStatus.IMPORTED,
    BatchStatus.POSTED,
    BatchStatus.DELETED_IN_MAS,
)
# Batches whose state the MAS reconciliation may still move.
RECONCILED_STATUSES = (BatchStatus.EXPORTED, BatchStatus.IMPORTED, BatchStatus.DELETED_IN_MAS)
# Batches replaced or given up: their files go to retired/, and MAS holding one is a discrepancy.
RETIRED_STATUSES = (BatchStatus.REEXPORTED, BatchStatus.VOIDED)


class ExportBatchQuerySet(models.QuerySet):
    """Batches per user and action (``kernel.permissions.restrict``)."""

    def visible_to(self, user) -> ExportBatchQuerySet:
        return restrict(self, user, "view")

    def reexportable_by(self, user) -> ExportBatchQuerySet:
        """Batches the user may re-export or void (which states allow it is the services' call)."""
        return restrict(self, user, "reexport")


class ExportBatch(models.Model):
    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.EXPORTED, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="The schedule or command, when no user.")
    lines = models.PositiveIntegerField(default=0)
    total_hours = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    total_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Of the CSV file, as in the control file.")
    written_at = models.DateTimeField(null=True, blank=True)
    publishing = models.CharField(
        max_length=255, blank=True,
        help_text="The control file's temporary name while it is renamed into place (set before the rename): "
        "after a crash, that file still there means the batch was never published; gone means it was.",
    )
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        help_text="The batch deleted in MAS that this one re-exports.",
    )
    # What the importer and MAS said.
    import_error = models.TextField(blank=True, help_text="Why WOScan Sync last refused the batch.")
    imported_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    mas_lines = models.PositiveIntegerField(null=True, blank=True)
    mas_hours = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    mas_quantity = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    discrepancies = models.JSONField(default=list, blank=True, help_text="Differences between the portal and MAS.")

    objects = ExportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        permissions = [("reexport_batch", "Can re-export or void a batch deleted in MAS")]

    def __str__(self) -> str:
        return f"Batch {self.number:06d}"

    @property
    def label(self) -> str:
        return f"{self.number:06d}"

    @property
    def file_stem(self) -> str:
        return f"WOS{self.number:06d}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def exported_by(self) -> str:
        return self.created_by.get_username() if self.created_by_id else (self.actor_label or "schedule")


class BatchLine(models.Model):
    """One transaction in one batch, with the values written to the file (frozen)."""

    # batches_line_no_unique (batch, line_no) serves every lookup by batch: no index of its own.
    batch = models.ForeignKey(ExportBatch, on_delete=models.PROTECT, related_name="batch_lines", db_index=False)
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.PROTECT, related_name="batch_lines")
    line_no = models.PositiveIntegerField()
    live = models.BooleanField(default=True, help_text="False once the batch is re-exported or voided.")
    type = models.CharField(max_length=24)
    hours = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["batch", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line_no"], name="batches_line_no_unique"),
            models.UniqueConstraint(
                fields=["transaction"], condition=Q(live=True), name="batches_one_live_batch_per_transaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} line {self.line_no}"


class ImporterClient(models.Model):
    """The MAS-side WOScan Sync importer: its API token is shown once and stored as a hash."""

    name = models.CharField(max_length=100, unique=True)
    token_prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExportJob(models.Model):
    """"Send to MAS" of more lines than one request should hold (``batches.jobs``), run by the
    cluster (``batches.tasks.run_export_job``): the same export (``services.export_transactions``)
    of what the user confirmed — the selection's ``fingerprint`` and, when they picked lines,
    their ids — in its one transaction. Its page shows queued, running, the batch it made, or
    why nothing was sent."""

    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ids = models.JSONField(null=True, blank=True, help_text="The lines picked, or none for every approved line.")
    fingerprint = models.CharField(max_length=64, help_text="Of the selection the user confirmed.")
    total = models.PositiveIntegerField(help_text="Lines confirmed.")
    batch = models.ForeignKey(ExportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder = models.CharField(max_length=200, blank=True, help_text="The process running the job.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Send to MAS job {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES
