"""Filters of the Users list."""
from __future__ import annotations

import django_filters as filters
from django.contrib.auth import get_user_model

from accounts.roles import Role
from kernel.filters import TextSearchFilterSet


class UserFilterSet(TextSearchFilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Username, name or email")
    search_lookups = ("username__icontains", "first_name__icontains", "last_name__icontains", "email__icontains")
    role = filters.ChoiceFilter(
        choices=[(role.value, role.value) for role in Role], method="by_role", label="Role", empty_label="Any"
    )
    active = filters.ChoiceFilter(
        choices=[("yes", "Active"), ("no", "Inactive")], method="by_active", label="Active", empty_label="Any"
    )

    class Meta:
        model = get_user_model()
        fields = []

    def by_role(self, queryset, name, value):
        return queryset.filter(groups__name=value)

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")
