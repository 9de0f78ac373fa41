"""The device list's table."""
from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from transactions.models import Device
from kernel.columns import DateTimeColumn
from kernel.display import plant_datetime
from kernel.tables import ACTIONS_HEADER, BaseTable
from kernel.permissions import may


class DeviceTable(BaseTable):
    name = tables.Column()
    token_prefix = tables.Column(verbose_name="Token starts with", orderable=False)
    state = tables.Column(accessor="revoked_at", verbose_name="State", orderable=False, empty_values=())
    last_seen_at = DateTimeColumn(verbose_name="Last seen", default="never")
    last_push_at = DateTimeColumn(verbose_name="Last push", default="never")
    created_at = DateTimeColumn(verbose_name="Registered")
    actions = tables.Column(accessor="pk", verbose_name=ACTIONS_HEADER, orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = Device
        fields = ()
        sequence = ("name", "token_prefix", "state", "last_seen_at", "last_push_at", "created_at", "actions")
        empty_text = "No devices registered yet."

    def render_token_prefix(self, value):
        return format_html("<code>{}</code>", value)

    def value_token_prefix(self, value):
        return value

    def render_state(self, record):
        if record.revoked_at:
            return format_html('<span class="badge text-bg-secondary">{}</span>', self.value_state(record))
        waiting = self._waiting_for_enrolment(record)
        if waiting is not None:
            colour = "text-bg-warning" if waiting else "text-bg-danger"
            return format_html('<span class="badge {}">{}</span>', colour, self.value_state(record))
        return mark_safe('<span class="badge text-bg-success">Active</span>')

    def value_state(self, record):
        if record.revoked_at:
            return f"Revoked {plant_datetime(record.revoked_at)}"
        waiting = self._waiting_for_enrolment(record)
        if waiting:
            return f"Waiting for enrolment (code works until {plant_datetime(record.code_expires_at)})"
        if waiting is False:
            return "Not enrolled: its code expired (make a new code)"
        return "Active"

    @staticmethod
    def _waiting_for_enrolment(record) -> bool | None:
        """True while the newest enrolment code is unused and works, False once it expired unused
        on a handheld that never synced; None when there is no such code (the list annotates it)."""
        expires_at = getattr(record, "code_expires_at", None)
        if expires_at is None or getattr(record, "code_used_at", None) is not None:
            return None
        if expires_at > timezone.now():
            return True
        return False if record.last_seen_at is None else None

    def render_actions(self, record):
        request = self.request
        if record.revoked_at or not may(request.user, Device, "change"):
            return ""
        return format_html(
            '<form method="post" action="{}" class="d-inline" data-confirm="A new enrolment code for {}? The handheld '
            'that enrols with it gets a new token; one enrolled before stops at its next sync.">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="btn btn-outline-secondary btn-sm me-1" type="submit">New code</button></form>'
            '<form method="post" action="{}" class="d-inline" data-confirm="Revoke {}? It can no longer push or pull.">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="btn btn-outline-danger btn-sm" type="submit">Revoke</button></form>',
            reverse("intake:device_enrolment_code", args=[record.pk]), record.name, get_token(request),
            reverse("intake:device_revoke", args=[record.pk]), record.name, get_token(request),
        )
