"""The Users list's table."""
from __future__ import annotations

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from accounts.roles import Role
from accounts.services import may_manage
from kernel.columns import DateTimeColumn
from kernel.tables import ACTIONS_HEADER, BaseTable
from kernel.permissions import may

ROLE_ORDER = {role.value: n for n, role in enumerate(Role)}


def _roles(record) -> list[str]:
    """The user's roles from the list's prefetch (``role_groups``), in the Role enum's order."""
    return sorted((group.name for group in record.role_groups), key=ROLE_ORDER.__getitem__)


class UserTable(BaseTable):
    username = tables.Column(verbose_name="Username")
    name = tables.Column(accessor="pk", verbose_name="Name", order_by=("last_name", "first_name"), empty_values=())
    roles = tables.Column(accessor="pk", verbose_name="Roles", orderable=False, empty_values=())
    is_active = tables.Column(verbose_name="Active")
    last_login = DateTimeColumn(verbose_name="Last sign-in", default="never")
    actions = tables.Column(accessor="pk", verbose_name=ACTIONS_HEADER, orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = get_user_model()
        fields = ()
        sequence = ("username", "name", "roles", "is_active", "last_login", "actions")
        empty_text = "No users match these filters."

    def _may_change(self, record) -> bool:
        user = self.request.user
        return may(user, "auth.user", "change") and may_manage(user, record)

    def render_username(self, record, value):
        if self._may_change(record):
            return format_html('<a href="{}">{}</a>', reverse("accounts:user_edit", args=[record.pk]), value)
        return value

    def value_username(self, value):
        return value

    def render_name(self, record):
        return record.get_full_name() or "—"

    def value_name(self, record):
        return record.get_full_name()

    def render_roles(self, record):
        badges = format_html_join(" ", '<span class="badge text-bg-primary">{}</span>', ((r,) for r in _roles(record)))
        if record.is_superuser:
            badges = format_html('{} <span class="badge text-bg-dark">superuser</span>', badges)
        return badges or mark_safe('<span class="text-muted">no role</span>')

    def value_roles(self, record):
        return "; ".join(_roles(record) + (["superuser"] if record.is_superuser else [])) or "no role"

    def render_is_active(self, value):
        if value:
            return mark_safe('<span class="badge text-bg-success">Active</span>')
        return mark_safe('<span class="badge text-bg-secondary">Inactive</span>')

    def value_is_active(self, value):
        return "Active" if value else "Inactive"

    def render_actions(self, record):
        if not self._may_change(record):
            return ""
        return format_html(
            '<a class="btn btn-outline-secondary btn-sm" href="{}">Edit</a> '
            '<a class="btn btn-outline-secondary btn-sm" href="{}">Set password</a>',
            reverse("accounts:user_edit", args=[record.pk]), reverse("accounts:user_password", args=[record.pk]),
        )
