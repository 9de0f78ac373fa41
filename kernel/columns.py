"""Columns every table shares: each shows a plain value on the page and gives the same value to
the CSV/XLSX export (a number as a number, a yes/no as the word, a MAS code as its word).

The Yes/No and number columns are registered with django-tables2's column library, so a
model's ``BooleanField`` and ``DecimalField`` get them without being declared.
"""
from __future__ import annotations

import django_tables2 as tables
from django.db import models
from django_tables2.columns import library

from kernel.display import code_label, number_text, plain_number

YES, NO = "Yes", "No"
RIGHT = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


@library.register
class YesNoColumn(tables.BooleanColumn):
    """A yes/no as the word, on the page and in the export."""

    def __init__(self, verbose_name=None, yesno=(YES, NO), **kwargs):
        super().__init__(verbose_name=verbose_name, yesno=yesno, **kwargs)

    def value(self, record, value, bound_column):
        return self.yesno[int(not self._get_bool_value(record, value, bound_column))]


@library.register
class NumberColumn(tables.Column):
    """A decimal without its column's trailing zeros (``6.0000`` shows ``6``); exported as a number."""

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("attrs", RIGHT)
        super().__init__(verbose_name=verbose_name, **kwargs)

    def render(self, value):
        return number_text(value)

    def value(self, value):
        return plain_number(value) if hasattr(value, "is_finite") else value

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DecimalField):
            return cls(**kwargs)
        return None


class CodeColumn(tables.Column):
    """A MAS code as its word with the code beside it (``Open (O)``), from a ``TextChoices``."""

    def __init__(self, choices, verbose_name=None, **kwargs):
        self.choices = choices
        super().__init__(verbose_name=verbose_name, **kwargs)

    def render(self, value):
        return code_label(self.choices, value)

    def value(self, value):
        return code_label(self.choices, value)


@library.register
class DateTimeColumn(tables.DateTimeColumn):
    """A date-time in the plant's time zone, in the portal's one format, on the page and in the
    export (django-tables2 exports UTC ``isoformat()`` with microseconds)."""

    def value(self, value, **kwargs):
        return value  # made plant time by the export's plain_value


@library.register
class DateColumn(tables.DateColumn):
    def value(self, value, **kwargs):
        return value
