"""What the list pages' filters share: the free-text search box (``q``)."""
from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q


class TextSearchFilterSet(django_filters.FilterSet):
    """A filter set with a ``q`` box matching any of ``search_lookups`` (e.g. ``"code__icontains"``).

    Blank text (or spaces) filters nothing; the text is stripped before it is matched.
    """

    search_lookups: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(reduce(or_, (Q(**{lookup: value}) for lookup in self.search_lookups)))
