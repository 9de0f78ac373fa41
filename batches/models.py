"""Export batches: numbered, frozen sets of approved transactions for WOScan Sync (PRODUCT.md §6)."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    EXPORTED = "exported", "Exported"
    IMPORTED = "imported", "Imported into MAS"
    POSTED = "posted", "Posted in MAS"
    DELETED_IN_MAS = "deleted_in_mas", "Deleted in MAS"
    VOIDED = "voided", "Voided"


class ExportBatch(models.Model):
    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.EXPORTED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lines = models.PositiveIntegerField(default=0)
    total_hours = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    total_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)

    class Meta:
        ordering = ["-number"]
        permissions = [("reexport_batch", "Can re-export or void a batch deleted in MAS")]

    def __str__(self) -> str:
        return f"Batch {self.number:06d}"
