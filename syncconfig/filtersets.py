"""Filters of the sync settings lists (django-filter)."""
from __future__ import annotations

from syncconfig.models import AutoSyncTable, PullRun
from kernel.filters import TextSearchFilterSet


class PullRunFilterSet(TextSearchFilterSet):
    search_lookups = ("error__icontains", "only_table__icontains")

    class Meta:
        model = PullRun
        fields = ["q", "status", "trigger"]


class AutoSyncTableFilterSet(TextSearchFilterSet):
    search_lookups = ("name__icontains", "label__icontains", "mas_table__icontains")

    class Meta:
        model = AutoSyncTable
        fields = ["q", "enabled", "mode"]
