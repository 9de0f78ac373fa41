"""Devices that push through the SyncServices API, and the processing option per type."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from transactions.models import TransactionType


class Device(models.Model):
    """A Sync Mode client. Its token is shown once and stored only as a hash."""

    name = models.CharField(max_length=100, unique=True)
    token_prefix = models.CharField(max_length=8, help_text="First characters of the token, to tell devices apart.")
    token_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class EnrolmentCode(models.Model):
    """A one-time code that gives a handheld its device token (``POST /api/sync/v1/enrol``).

    Shown once, as ``XXXX-XXXX`` and as a QR code, on the device page; stored only as a keyed
    hash. It works once, until ``expires_at``; a newer code for the same device ends it.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
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


class ProcessingMode(models.TextChoices):
    READY_AT_ONCE = "ready", "Ready at once"
    REVIEW_BY_HAND = "review", "Review by hand"
    AUTOMATIC = "automatic", "Process automatically"


class ProcessingOption(models.Model):
    """What happens to a newly collected transaction of one type (PRODUCT.md §1)."""

    type = models.CharField(max_length=24, choices=TransactionType.choices, unique=True)
    mode = models.CharField(max_length=10, choices=ProcessingMode.choices, default=ProcessingMode.REVIEW_BY_HAND)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["type"]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.get_mode_display()}"


class IntakeSettings(models.Model):
    """The one row of intake settings, edited on the processing options page.

    Read at every validation, so a change applies to the next line collected (and to the
    re-check after the next pull) without a restart.
    """

    shift_max_hours = models.DecimalField(
        "Shift maximum (hours)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("12.00"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        help_text="A labor line over this many hours is flagged for review.",
    )
    near_duplicate_minutes = models.PositiveSmallIntegerField(
        "Near-identical window (minutes)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text="Two identical lines from the same person this close together are flagged.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "intake settings"
        verbose_name_plural = "intake settings"
        permissions = [("enter_transactions", "Can enter collected transactions at a desktop (Direct Connect)")]

    def __str__(self) -> str:
        return "Intake settings"

    @classmethod
    def load(cls) -> IntakeSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row

    @classmethod
    def current(cls) -> IntakeSettings:
        """The settings in force, without writing: the defaults until an administrator saves."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
