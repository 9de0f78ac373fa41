"""How values read on every page and in every export: plant time, plain numbers, MAS codes as words."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone


def plant_datetime(value: datetime | None) -> str:
    """``2026-12-02 14:05`` in the plant's time zone (settings ``TIME_ZONE``); "" for none."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def plant_date(value: date | None) -> str:
    return "" if value is None else formats.date_format(value, "DATE_FORMAT")


def plain_number(value: Decimal) -> Decimal:
    """The number without the trailing zeros of its column (``6.0000`` → ``6``, ``2.50`` → ``2.5``),
    never in exponent form (``1E+2``)."""
    if not value.is_finite():
        return value
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0  # + 0: no "-0"
    return value


def number_text(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{plain_number(value):f}"
    return str(value)


def total_text(value: Decimal) -> str:
    """A sum over many lines as a page shows it: a plain number with thousands separated
    (``25495.5000`` → ``25,495.5``)."""
    return f"{plain_number(value):,f}"


def value_text(value, empty: str = "") -> str:
    """Any field's value as a page shows it: ``empty`` for none, Yes/No, plant time, a plain number."""
    if value is None or value == "":
        return empty
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, datetime):
        return plant_datetime(value)
    if isinstance(value, Decimal):
        return number_text(value)
    return str(value)


def code_label(choices, code: str) -> str:
    """A MAS code as its word with the code beside it (``Open (O)``); an unknown code as it is."""
    if code in (None, ""):
        return ""
    try:
        return f"{choices(code).label} ({code})"
    except ValueError:
        return str(code)


def code_choices(choices) -> list[tuple[str, str]]:
    """A filter's choices for a MAS code: ``("O", "Open (O)")``."""
    return [(value, f"{label} ({value})") for value, label in choices.choices]
