"""The audit trail: one row per change to one object. Rows are written, never edited."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.actions import label_of


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True, help_text="Device, schedule or command when no user.")
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=40)  # indexed by audit_action_at (filtered by exact value)
    # indexed by audit_object_history (content_type, object_id, at)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]}")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # Every index here is written for each audited line (50,000 on an export): keep them few.
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="audit_audit_content_0a19f4_idx"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or self.actor} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action as the pages name it ("Approved"), for new and legacy codes alike."""
        return label_of(self.action)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are never edited.")
        super().save(*args, **kwargs)
