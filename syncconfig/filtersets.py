"""Filters of the sync settings lists (django-filter)."""
from __future__ import annotations

import django_filters
from django.db.models import Q

from syncconfig.models import AutoSyncTable, PullRun


class PullRunFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = PullRun
        fields = ["q", "status", "trigger"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(error__icontains=value) | Q(only_table__icontains=value))


class AutoSyncTableFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = AutoSyncTable
        fields = ["q", "enabled", "mode"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(label__icontains=value) | Q(mas_table__icontains=value))
