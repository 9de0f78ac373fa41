"""What the list pages' filters share: the free-text search box (``q``) and yes/no filters
that read "Any / Yes / No" (django-filter's own say "Unknown")."""
from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
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
