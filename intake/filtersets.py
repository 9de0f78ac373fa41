"""Filters of the device list."""
from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from intake.models import Device


class DeviceFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Name or token start")
    state = filters.ChoiceFilter(
        choices=[("active", "Active"), ("revoked", "Revoked")], method="by_state", label="State", empty_label="Any"
    )

    class Meta:
        model = Device
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(token_prefix__startswith=value)) if value else queryset

    def by_state(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "active")
