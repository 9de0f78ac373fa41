"""The limits of a transaction's collected fields, read from the model in one place.

What a column holds (a text's length, a decimal's digits and places) is written once, on
``Transaction``; the reader of collected lines (``intake.parsing``), the desktop form and the
device API's OpenAPI document (``intake.api``) take it from here, so a migration that widens a
column moves all of them.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from transactions.models import FIELDS, Transaction


@dataclass(frozen=True)
class FieldLimits:
    """The collected fields of ``FIELDS`` by kind, in that order, with the model's limits."""

    text: dict[str, int]  # name -> max length
    decimal: dict[str, tuple[int, int]]  # name -> (max digits, decimal places)
    datetime: tuple[str, ...]
    boolean: tuple[str, ...]


def collected_field_limits(model: type[models.Model] = Transaction) -> FieldLimits:
    text: dict[str, int] = {}
    decimal: dict[str, tuple[int, int]] = {}
    moments: list[str] = []
    flags: list[str] = []
    for name in FIELDS:
        field = model._meta.get_field(name)
        if isinstance(field, models.CharField):
            text[name] = field.max_length
        elif isinstance(field, models.DecimalField):
            decimal[name] = (field.max_digits, field.decimal_places)
        elif isinstance(field, models.DateTimeField):
            moments.append(name)
        elif isinstance(field, models.BooleanField):
            flags.append(name)
        else:  # pragma: no cover - a new kind of collected field needs a reader first
            raise TypeError(f"{model.__name__}.{name}: no reader for a {type(field).__name__}")
    return FieldLimits(text=text, decimal=decimal, datetime=tuple(moments), boolean=tuple(flags))

