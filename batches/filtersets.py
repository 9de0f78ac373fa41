"""Filters of the batch pages (django-filter)."""
from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from batches.models import BatchLine, BatchStatus, ExportBatch
from transactions.models import TransactionType


class ExportBatchFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Batch number", method="search")
    status = filters.MultipleChoiceFilter(choices=BatchStatus.choices)
    discrepancies = filters.ChoiceFilter(
        label="Discrepancies", choices=[("yes", "With discrepancies"), ("no", "Without")],
        empty_label="Any", method="with_discrepancies",
    )

    class Meta:
        model = ExportBatch
        fields = ["q", "status", "discrepancies"]

    def search(self, queryset, name, value):
        digits = value.strip().lstrip("0")
        if not digits:
            return queryset
        if not digits.isdigit():
            return queryset.none()
        return queryset.filter(number=int(digits))

    def with_discrepancies(self, queryset, name, value):
        empty = Q(discrepancies=[])
        return queryset.exclude(empty) if value == "yes" else queryset.filter(empty)


class BatchLineFilterSet(filters.FilterSet):
    type = filters.ChoiceFilter(choices=TransactionType.choices)
    work_order = filters.CharFilter(field_name="transaction__work_order", label="Work order")

    class Meta:
        model = BatchLine
        fields = ["type", "work_order"]
