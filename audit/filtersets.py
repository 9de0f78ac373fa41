"""Filters of the audit list."""
from __future__ import annotations

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from kernel.filters import TextSearchFilterSet

DATE = forms.DateInput(attrs={"type": "date"})


class AuditEntryFilterSet(TextSearchFilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Object, reason, actor or request id")
    search_lookups = ("object_repr__icontains", "reason__icontains", "actor_label__icontains", "request_id")
    action = filters.CharFilter(lookup_expr="exact")
    actor = filters.ModelChoiceFilter(queryset=get_user_model().objects.order_by("username"), label="Who")
    content_type = filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(app_label__in=["transactions", "batches", "syncconfig", "auth"]),
        label="Kind",
    )
    object_id = filters.CharFilter(label="Object id")
    at_after = filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From", widget=DATE)
    at_before = filters.DateFilter(field_name="at", lookup_expr="date__lte", label="To", widget=DATE)

    class Meta:
        model = AuditEntry
        fields = []

