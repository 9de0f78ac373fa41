"""Filters of the review queue (django-filter). Every filter is served by an index or a keyed
subquery, so a filtered page costs about the same as the first page."""
from __future__ import annotations

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from kernel.filters import PlantDayFilter
from mas.models import WorkCenter
from transactions.models import (
    PADDED_KEYS, Device, Finding, Severity, Transaction, TransactionSource, TransactionStatus, TransactionType,
)


class OneOfSelect(forms.Select):
    """One drop-down (no Ctrl-click) for a filter the URL may give several values
    (``?type=labor&type=crew_labor``): it reads every value, and drops the empty "any" one."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value]


def _finding_choices():
    """Errors, then warnings, each code in its plain words."""
    from transactions.validation import FINDING_SUMMARIES as words

    codes = list(words)
    split = codes.index("work_order_on_hold")
    return [("Errors", [(c, words[c]) for c in codes[:split]]),
            ("Warnings", [(c, words[c]) for c in codes[split:]])]


class TransactionFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search", help_text="Work order, employee, crew, item, comment")
    # The state is chosen by the queue's tabs (one tab may be two states: "To review").
    status = filters.MultipleChoiceFilter(choices=TransactionStatus.choices, label="State", distinct=False,
                                          widget=forms.MultipleHiddenInput)
    type = filters.MultipleChoiceFilter(choices=[("", "Any type"), *TransactionType.choices], distinct=False,
                                        widget=OneOfSelect)
    work_order = filters.CharFilter(method="keyed", label="Work order")
    step = filters.CharFilter(method="keyed")
    employee = filters.CharFilter(method="keyed", label="Employee")
    crew = filters.CharFilter(method="keyed", label="Crew")
    work_center = filters.ModelChoiceFilter(
        queryset=WorkCenter.objects.filter(active=True), to_field_name="code", method="in_work_center",
        label="Work center", empty_label="Any work center",
    )
    source = filters.ChoiceFilter(choices=TransactionSource.choices)
    device = filters.ModelChoiceFilter(queryset=Device.objects.all())
    entered_by = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"), label="Entered by"
    )
    collected_after = PlantDayFilter(field_name="collected_at", bound="from", label="Collected from")
    collected_before = PlantDayFilter(field_name="collected_at", bound="to", label="Collected to")
    finding = filters.ChoiceFilter(method="has_finding", label="Finding", choices=_finding_choices,
                                   empty_label="Any finding")
    severity = filters.ChoiceFilter(
        choices=[("error", "Has an error"), ("warning", "Has a warning (no error)"), ("none", "No findings")],
        method="has_severity", label="Findings", empty_label="Any findings",
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
        """"Has a warning" is warnings only: a line with an error is under "Has an error"."""
        if value == "none":
            return queryset.filter(~Exists(Finding.objects.filter(transaction=OuterRef("pk"))))
        errors = Exists(Finding.objects.filter(transaction=OuterRef("pk"), severity=Severity.ERROR))
        if value == "error":
            return queryset.filter(errors)
        return queryset.filter(Exists(Finding.objects.filter(transaction=OuterRef("pk"), severity=Severity.WARNING)),
                               ~errors)
