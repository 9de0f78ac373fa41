"""The audit list's table."""
from __future__ import annotations

import re
from datetime import datetime

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from audit.display import change_rows
from audit.models import AuditEntry
from kernel.columns import DateTimeColumn
from kernel.display import plant_datetime
from kernel.tables import BaseTable


class AuditEntryTable(BaseTable):
    at = DateTimeColumn(verbose_name="When")
    who = tables.Column(accessor="actor_label", verbose_name="Who")
    action = tables.Column()
    object_repr = tables.Column(verbose_name="What")
    changes = tables.Column(orderable=False, verbose_name="Changes")
    reason = tables.Column(orderable=False)
    request_id = tables.Column(verbose_name="Request", orderable=False)

    class Meta(BaseTable.Meta):
        model = AuditEntry
        fields = ()
        sequence = ("at", "who", "action", "object_repr", "changes", "reason", "request_id")

    def render_action(self, record):
        return record.action_label

    def value_action(self, record):
        return record.action_label

    def render_who(self, record):
        return record.actor_label or (record.actor.get_username() if record.actor_id else "—")

    def render_object_repr(self, record, value):
        url = object_url(record, getattr(getattr(self, "request", None), "user", None))
        return format_html('<a href="{}">{}</a>', url, value) if url else value

    def render_changes(self, record):
        return format_html_join("", "<div>{}: {} → {}</div>", change_rows(record))

    def value_changes(self, record):
        """One change a line on the page; in the export "Field: before → after; …"."""
        return "; ".join(f"{label}: {before} → {after}" for label, before, after in change_rows(record))


def _in_order(changes: dict):
    """The changed fields by name: PostgreSQL's jsonb keeps keys in an order of its own, SQLite as written."""
    return sorted(changes.items())


_AWARE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def _show(value):
    """A changed value as people read it; a moment (kept as UTC text) in plant time, like every
    other date-time on the page, not ``2026-12-02 14:50:41.986133+00:00``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and _AWARE_DATETIME.match(value):
        return plant_datetime(datetime.fromisoformat(value))
    return value


def object_url(entry: AuditEntry, user=None) -> str:
    """The page of the object an entry is about, where the portal has one (and, given ``user``,
    only one that user may open: the audit trail is read by roles that may not see every page)."""
    from django.urls import NoReverseMatch

    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None or not hasattr(model, "get_absolute_url"):
        return ""
    try:
        url = model(pk=entry.object_id).get_absolute_url()
    except NoReverseMatch:
        return ""
    return url if user is None or _may_open(url, user) else ""


def _may_open(url: str, user) -> bool:
    """Whether ``user`` holds the permission the page at ``url`` requires (``ObjectPermissionMixin``)."""
    from django.urls import resolve

    view_class = getattr(resolve(url).func, "view_class", None)
    required = getattr(view_class, "required_permission", None)
    return required is None or user.has_perm(required("get"))
