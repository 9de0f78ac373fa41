"""How a handheld comes in: its one-time enrolment codes and the refused tries per address."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class EnrolmentCode(models.Model):
    """A one-time code that gives a handheld its device token (``POST /api/sync/v1/enrol``).

    Shown once, as ``XXXX-XXXX`` and as a QR code, on the device page; stored only as a keyed
    hash. It works once, until ``expires_at``; a newer code for the same device ends it.
    """

    device = models.ForeignKey("transactions.Device", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Enrolment code for {self.device}"


class EnrolmentFailure(models.Model):
    """One refused enrolment code from an address: guessing is throttled per address."""

    address = models.CharField(max_length=45)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["address", "at"], name="intake_enrol_failure_recent")]
