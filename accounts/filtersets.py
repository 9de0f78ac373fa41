"""Filters of the Users list."""
from __future__ import annotations

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import Role


class UserFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Username, name or email")
    role = filters.ChoiceFilter(
        choices=[(role.value, role.value) for role in Role], method="by_role", label="Role", empty_label="Any"
    )
    active = filters.ChoiceFilter(
        choices=[("yes", "Active"), ("no", "Inactive")], method="by_active", label="Active", empty_label="Any"
    )

    class Meta:
        model = get_user_model()
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(first_name__icontains=value) | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )

    def by_role(self, queryset, name, value):
        return queryset.filter(groups__name=value)

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")
