"""Filters of the review queue (django-filter). Every filter is served by an index or a keyed
subquery, so a filtered page costs about the same as the first page."""
from __future__ import annotations

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from kernel.filters import PlantDayFilter
from mas.models import WorkCenter
from transactions.models import (
    PADDED_KEYS, Device, Finding, Severity, Transaction, TransactionSource, TransactionStatus, TransactionType,
)



class TransactionFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Work order, employee, crew, item, comment")
    status = filters.MultipleChoiceFilter(choices=TransactionStatus.choices, label="State", distinct=False)
    type = filters.MultipleChoiceFilter(choices=TransactionType.choices, distinct=False)
    work_order = filters.CharFilter(method="keyed", label="Work order")
    step = filters.CharFilter(method="keyed")
    employee = filters.CharFilter(method="keyed", label="Employee")
    crew = filters.CharFilter(method="keyed", label="Crew")
    work_center = filters.ModelChoiceFilter(
        queryset=WorkCenter.objects.filter(active=True), to_field_name="code", method="in_work_center",
        label="Work center",
    )
    source = filters.ChoiceFilter(choices=TransactionSource.choices)
    device = filters.ModelChoiceFilter(queryset=Device.objects.all())
    entered_by = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"), label="Entered by"
    )
    collected_after = PlantDayFilter(field_name="collected_at", bound="from", label="Collected from")
    collected_before = PlantDayFilter(field_name="collected_at", bound="to", label="Collected to")
    finding = filters.CharFilter(method="has_finding", label="Finding code", help_text="e.g. closed_work_order")
    severity = filters.ChoiceFilter(
        choices=[("error", "Has an error"), ("warning", "Has a warning"), ("none", "No findings")],
        method="has_severity", label="Findings",
    )

    class Meta:
        model = Transaction
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        text = (Q(work_order__istartswith=value) | Q(employee__istartswith=value) | Q(crew__istartswith=value)
                | Q(item_code__icontains=value) | Q(comment__icontains=value))
        if value.isdigit():
            text |= Q(pk=int(value))
        return queryset.filter(text)

    def keyed(self, queryset, name, value):
        """MAS keys are fixed-width: "1001" finds work order 0001001, "10" step 0010 and "42"
        employee 0000042. One equality per filter, so each is served by its (key, collected_at)
        index in the queue's order."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(**{name: value.zfill(PADDED_KEYS.get(name, 0)) if value.isdigit() else value.upper()})

    def in_work_center(self, queryset, name, value):
        """The line's stored work center (set from its mirror step on arrival, on edit and
        after each pull), served by the (work_center, collected_at, id) index."""
        return queryset.filter(work_center=value.code)

    def has_finding(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Exists(Finding.objects.filter(transaction=OuterRef("pk"), code=value)))

    def has_severity(self, queryset, name, value):
        if value == "none":
            return queryset.filter(~Exists(Finding.objects.filter(transaction=OuterRef("pk"))))
        return queryset.filter(Exists(Finding.objects.filter(transaction=OuterRef("pk"), severity=Severity(value))))
