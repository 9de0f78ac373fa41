"""Turning MAS values into mirror values: one converter per field, one function per row.

A pull converts every value it reads (a 100,000-item ``CI_Item`` is 600,000 values), so each
table's rows go through one function written for its columns (``row_function``): the value
of the usual type (a padded ``str``, a ``float`` or ``Decimal``, a ``date``) is trimmed and converted inline,
and anything else (``None``, another type, a text longer than its field) goes to the field's
full converter (``converter``), which holds the rules.

Values take the form the portal database stores and hands back, so that MAS rows and mirror
rows compare equal and go to the database without further work:

- ``python`` (PostgreSQL, any other database): the field's own type (``Decimal`` with the
  field's places, ``date``, ``bool``, ``str``);
- ``sqlite``: what SQLite stores (``float`` rounded to the field's places for decimals, as the
  column's numeric affinity keeps them; the ISO text of a date; ``1``/``0`` for booleans),
  bound without the adapters Django registers — a third of the time of writing a big table.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from django.db import models

_TRUE = {"Y", "y", "1", "T", "t", True, 1}
# The SQL Server editions store "no date" as 1753-01-01 (the smallest datetime there): no date.
NO_DATE = dt.date(1753, 1, 1)

PYTHON, SQLITE = "python", "sqlite"


def converter(model_field: models.Field, form: str = PYTHON) -> Callable[[Any], Any]:
    """A function turning one MAS value (trimmed or not) into the value the mirror field stores."""
    if falses := _false_values(model_field):
        if form == SQLITE:
            return lambda v: 0 if (v.rstrip() if isinstance(v, str) else v) in falses else 1
        return lambda v: (v.rstrip() if isinstance(v, str) else v) not in falses
    if isinstance(model_field, models.BooleanField):
        if form == SQLITE:
            return lambda v: 1 if (v.rstrip() if isinstance(v, str) else v) in _TRUE else 0
        return lambda v: (v.rstrip() if isinstance(v, str) else v) in _TRUE
    if isinstance(model_field, models.DecimalField):
        return _decimal_converter(model_field, form)
    if isinstance(model_field, models.DateField):

        def to_date(v: Any):
            if v is None or v == "":
                return None
            if isinstance(v, dt.datetime):
                v = v.date()
            elif not isinstance(v, dt.date):
                v = dt.date.fromisoformat(str(v).strip()[:10])
            if v <= NO_DATE:
                return None
            return v.isoformat() if form == SQLITE else v

        return to_date
    max_length = getattr(model_field, "max_length", None)

    def to_text(v: Any):
        text = "" if v is None else v.rstrip() if isinstance(v, str) else str(v).strip()
        return text[:max_length] if max_length else text

    return to_text


def _false_values(model_field: models.Field) -> tuple | None:
    """The values that read as false for a field that reads a status code (``StatusFlagField``):
    every other value is true. None for a plain yes/no, where only ``_TRUE`` values are true."""
    return getattr(model_field, "false_values", None) if isinstance(model_field, models.BooleanField) else None


def _decimal_converter(model_field: models.DecimalField, form: str) -> Callable[[Any], Any]:
    quantum = Decimal(1).scaleb(-model_field.decimal_places)
    whole_digits = model_field.max_digits - model_field.decimal_places
    empty = None if model_field.null else Decimal(0).quantize(quantum)

    def to_decimal(v: Any):
        if isinstance(v, str):
            v = v.strip()
        if v is None or v == "":
            return empty
        try:
            number = Decimal(v if isinstance(v, (Decimal, int)) else str(v))
            if not number.is_finite():
                raise ValueError
            number = number.quantize(quantum)
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise ValueError(f"{model_field.name}: {v!r} is not a number") from exc
        if number and number.adjusted() >= whole_digits:
            raise ValueError(
                f"{model_field.name}: {v!r} is too large for the mirror ({whole_digits} digits before the point)"
            )
        return number

    if form != SQLITE:
        return to_decimal

    near_limit = float(10**whole_digits - 1)
    as_read = Context(prec=15).create_decimal_from_float  # how Django reads a float back from SQLite

    def to_float(v: Any):
        number = to_decimal(v)
        if number is None:
            return None
        value = float(number)
        if value and abs(value) >= near_limit and as_read(value).adjusted() >= whole_digits:
            # 999999999999.9999 would read back as 1000000000000.00: a digit too many, the row unreadable.
            raise ValueError(
                f"{model_field.name}: {number} is too large for the mirror's SQLite database, which keeps "
                f"15 significant digits ({as_read(value):f}; {whole_digits} digits before the point)"
            )
        return value

    return to_float


@dataclass(frozen=True)
class ColumnForm:
    """One field's conversion: ``convert`` holds the rules; ``fast`` is the inline expression
    for the usual case (``{v}`` the value, ``{slow}`` the converter, for anything else);
    ``read`` is the SQL expression reading the column back in the same form (``{}`` the
    column), and ``on_read`` converts what the database hands back where SQL cannot (or None)."""

    convert: Callable[[Any], Any]
    fast: str
    on_read: Callable[[Any], Any] | None = None
    read: str = "{}"


def column_forms(fields: Sequence[models.Field], connection) -> list[ColumnForm]:
    """The forms of ``fields`` for the portal database behind ``connection``."""
    if connection.vendor == "sqlite":
        return [column_form(f, SQLITE) for f in fields]
    return [column_form(f, PYTHON, converted_on_read=_converted_on_read(f, connection)) for f in fields]


def _converted_on_read(field: models.Field, connection) -> bool:
    """Whether Django converts this field's values as the database hands them back."""
    column = field.get_col(field.model._meta.db_table)
    return bool(connection.ops.get_db_converters(column) + field.get_db_converters(connection))


def column_form(field: models.Field, form: str, *, converted_on_read: bool = False) -> ColumnForm:
    convert = converter(field, form)
    on_read = convert if converted_on_read else None
    read = "{}"
    if falses := _false_values(field):
        test = f"({{v}}.rstrip() if {{v}}.__class__ is str else {{v}}) not in {falses!r}"
        fast = f"(1 if {test} else 0)" if form == SQLITE else f"({test})"
    elif isinstance(field, models.BooleanField):
        test = "({v}.rstrip() if {v}.__class__ is str else {v}) in TRUE"
        fast = f"(1 if {test} else 0)" if form == SQLITE else f"({test})"
    elif isinstance(field, models.DecimalField):
        # A float (the SQLite driver's) or a Decimal (a DECIMAL column's, as MariaDB's and
        # ProvideX's drivers hand them) well inside the field's range is rounded inline (``round``
        # of a Decimal is its ``quantize``, half-even, as the converter's); NaN, infinities and
        # values near the limit go to the converter, which refuses what the field cannot hold.
        # (A float is rounded as the binary value it is, the converter rounds its shortest decimal
        # form: they differ only on a value exactly halfway past the field's places.)
        places = field.decimal_places
        bound = 10 ** (field.max_digits - places) - 1
        inside = f"-{float(bound)!r} < {{v}} < {float(bound)!r}"
        # A Decimal is compared with ints: with a float, each comparison converts it (five times slower).
        exact = f"{{v}}.__class__ is Decimal and {{v}}.is_finite() and -{bound} < {{v}} < {bound}"
        if form == SQLITE:
            fast = (
                f"(round({{v}}, {places}) if {{v}}.__class__ is float and {inside} "
                f"else float(round({{v}}, {places})) if {exact} else {{slow}}({{v}}))"
            )
        else:
            fast = f"(round({{v}}, {places}) if {exact} else {{slow}}({{v}}))"
    elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        value = "{v}.isoformat()" if form == SQLITE else "{v}"
        fast = f"({value} if {{v}}.__class__ is date and {{v}} > NO_DATE else {{slow}}({{v}}))"
        if form == SQLITE:
            read = "CAST({} AS TEXT)"  # the stored ISO text: Django's connection would make it a date
    elif isinstance(field, models.CharField):
        # MAS pads on the right: a value no longer than the field is only trimmed.
        fast = f"({{v}}.rstrip() if {{v}}.__class__ is str and len({{v}}) <= {field.max_length} else {{slow}}({{v}}))"
    else:
        fast = "{slow}({v})"
    return ColumnForm(convert, fast, on_read, read)


def row_function(forms: Sequence[ColumnForm]) -> Callable[[Sequence[Any]], tuple]:
    """One function turning a fetched row (one value per form, in order) into a tuple of
    converted values: the forms' inline expressions in a single ``return``."""
    names = [f"v{i}" for i in range(len(forms))]
    parts = [form.fast.format(v=name, slow=f"slow{i}") for i, (name, form) in enumerate(zip(names, forms))]
    unpack = f"    {', '.join(names)}, = row\n" if names else ""
    source = f"def convert_row(row):\n{unpack}    return ({''.join(p + ', ' for p in parts)})\n"
    scope: dict[str, Any] = {"TRUE": _TRUE, "NO_DATE": NO_DATE, "date": dt.date, "Decimal": Decimal}
    scope.update({f"slow{i}": form.convert for i, form in enumerate(forms)})
    exec(compile(source, f"<row function of {len(forms)} columns>", "exec"), scope)  # noqa: S102 - our own source
    return scope["convert_row"]
