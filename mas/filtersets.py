"""Filters of the mirror pages (django-filter), each with a free-text ``q``."""
from __future__ import annotations

import django_filters

from mas.models import Employee, Item, ItemType, WorkOrder, WorkOrderStatus
from kernel.display import code_choices
from kernel.filters import TextSearchFilterSet, YesNoFilter


class MirrorFilterSet(TextSearchFilterSet):
    active = YesNoFilter(label="In MAS", help_text="No: MAS no longer has the row.")


class WorkOrderFilterSet(MirrorFilterSet):
    search_lookups = ("number__icontains", "item_code__icontains", "item_description__icontains")
    status = django_filters.ChoiceFilter(choices=code_choices(WorkOrderStatus))
    on_hold = YesNoFilter(label="On hold")

    class Meta:
        model = WorkOrder
        fields = ["q", "status", "on_hold", "parent_warehouse", "active"]


class ItemFilterSet(MirrorFilterSet):
    search_lookups = ("code__icontains", "description__icontains")
    item_type = django_filters.ChoiceFilter(choices=code_choices(ItemType), label="Item type")
    mas_inactive = YesNoFilter(label="Inactive in MAS")

    class Meta:
        model = Item
        fields = ["q", "item_type", "mas_inactive", "active"]


class EmployeeFilterSet(MirrorFilterSet):
    search_lookups = ("number__icontains", "first_name__icontains", "last_name__icontains")
    mas_inactive = YesNoFilter(label="Inactive in MAS")

    class Meta:
        model = Employee
        fields = ["q", "department", "default_work_center", "mas_inactive", "active"]
