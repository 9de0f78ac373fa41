"""Filters of the mirror pages (django-filter), each with a free-text ``q``."""
from __future__ import annotations

import django_filters
from django.db.models import Q

from mas.models import Employee, Item, WorkOrder, WorkOrderStatus


class WorkOrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(choices=WorkOrderStatus.choices)

    class Meta:
        model = WorkOrder
        fields = ["q", "status", "on_hold", "parent_warehouse", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value) | Q(item_code__icontains=value) | Q(item_description__icontains=value)
        )


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Item
        fields = ["q", "item_type", "mas_inactive", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value))


class EmployeeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Employee
        fields = ["q", "default_work_center", "mas_inactive", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value) | Q(first_name__icontains=value) | Q(last_name__icontains=value)
        )
