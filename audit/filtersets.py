"""Filters of the audit list."""
from __future__ import annotations

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst

from audit.actions import LEGACY, AuditAction, codes_of
from audit.models import AuditEntry
from kernel.filters import PlantDayFilter, TextSearchFilterSet



class KindField(forms.ModelChoiceField):
    """A kind of object by its own name ("Device", "Transaction"), not the content type's
    "app description | model", which reads as a developer's note on a filter."""

    def label_from_instance(self, obj):
        model = obj.model_class()
        return capfirst(model._meta.verbose_name) if model else obj.model


class KindFilter(filters.ModelChoiceFilter):
    field_class = KindField


class AuditEntryFilterSet(TextSearchFilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Object, reason, actor or request id")
    search_lookups = ("object_repr__icontains", "reason__icontains", "actor_label__icontains", "request_id")
    action = filters.ChoiceFilter(choices=AuditAction.choices, method="filter_action", label="Action")
    actor = filters.ModelChoiceFilter(queryset=get_user_model().objects.order_by("username"), label="Who")
    content_type = KindFilter(
        queryset=ContentType.objects.filter(
            app_label__in=["transactions", "batches", "syncconfig", "auth"],
        ).order_by("model"),
        label="Kind",
    )
    object_id = filters.CharFilter(label="Object id")
    at_after = PlantDayFilter(field_name="at", bound="from", label="From")
    at_before = PlantDayFilter(field_name="at", bound="to", label="To")

    class Meta:
        model = AuditEntry
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("action") in LEGACY:  # a link made before the vocabulary
            data = data.copy()
            data["action"] = LEGACY[data["action"]].value
        super().__init__(data, *args, **kwargs)

    def filter_action(self, queryset, name, value):
        """Rows of the action, whichever code they were written with (old rows keep theirs)."""
        return queryset.filter(action__in=codes_of(value))

