"""What the list pages' filters share: the free-text search box (``q``) and yes/no filters
that read "Any / Yes / No" (django-filter's own say "Unknown")."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db import models
from django.core.validators import EMPTY_VALUES
from django.db.models import Q
from django.utils import timezone
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS


class YesNoSelect(forms.NullBooleanSelect):
    """Any / Yes / No; the values are django's own (``unknown``, ``true``, ``false``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", "Any"), ("true", "Yes"), ("false", "No"))


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter; give it a label the user understands ("Inactive in MAS", not "Mas inactive")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoSelect)
        super().__init__(*args, **kwargs)


class TextSearchFilterSet(django_filters.FilterSet):
    """A filter set with a ``q`` box matching any of ``search_lookups`` (e.g. ``"code__icontains"``).

    Blank text (or spaces) filters nothing; the text is stripped before it is matched. A model's
    yes/no fields listed in ``Meta.fields`` get a ``YesNoFilter``.
    """

    FILTER_DEFAULTS = {**FILTER_FOR_DBFIELD_DEFAULTS, models.BooleanField: {"filter_class": YesNoFilter}}

    search_lookups: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(reduce(or_, (Q(**{lookup: value}) for lookup in self.search_lookups)))


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def start_of_day(day: date) -> datetime:
    """Midnight at the plant (the current time zone) that begins ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


class PlantDayFilter(django_filters.DateFilter):
    """A day of the plant's calendar on a datetime column: ``bound="from"`` keeps what happened on
    that day or later, ``bound="to"`` on that day or earlier. It compares the column itself with the
    day's first moment (``>= midnight`` / ``< the next midnight``), never ``column::date``, so an
    index on the column serves a day 1,000 days back as fast as today's."""

    def __init__(self, *args, bound: str, **kwargs):
        if bound not in ("from", "to"):
            raise ValueError("bound is 'from' or 'to'")
        self.bound = bound
        kwargs.setdefault("widget", DATE_INPUT)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.bound == "from":
            return qs.filter(**{f"{self.field_name}__gte": start_of_day(value)})
        return qs.filter(**{f"{self.field_name}__lt": start_of_day(value + timedelta(days=1))})
