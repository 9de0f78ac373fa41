"""Filters of the device list."""
from __future__ import annotations

import django_filters as filters

from transactions.models import Device
from kernel.filters import TextSearchFilterSet


class DeviceFilterSet(TextSearchFilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Name or token start")
    search_lookups = ("name__icontains", "token_prefix__startswith")
    state = filters.ChoiceFilter(
        choices=[("active", "Active"), ("revoked", "Revoked")], method="by_state", label="State", empty_label="Any"
    )

    class Meta:
        model = Device
        fields = []

    def by_state(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "active")
