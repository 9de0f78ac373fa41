"""Filters of the mirror pages (django-filter), each with a free-text ``q``."""
from __future__ import annotations

import django_filters

from mas.models import Employee, Item, WorkOrder, WorkOrderStatus
from woscan_portal.filters import TextSearchFilterSet


class WorkOrderFilterSet(TextSearchFilterSet):
    search_lookups = ("number__icontains", "item_code__icontains", "item_description__icontains")
    status = django_filters.ChoiceFilter(choices=WorkOrderStatus.choices)

    class Meta:
        model = WorkOrder
        fields = ["q", "status", "on_hold", "parent_warehouse", "active"]


class ItemFilterSet(TextSearchFilterSet):
    search_lookups = ("code__icontains", "description__icontains")

    class Meta:
        model = Item
        fields = ["q", "item_type", "mas_inactive", "active"]


class EmployeeFilterSet(TextSearchFilterSet):
    search_lookups = ("number__icontains", "first_name__icontains", "last_name__icontains")

    class Meta:
        model = Employee
        fields = ["q", "department", "default_work_center", "mas_inactive", "active"]
