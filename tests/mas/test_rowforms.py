"""Converting MAS values: each table's row function gives what its fields' converters give."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from mas.models import Employee, Item, WorkOrder
from mas.rowforms import PYTHON, SQLITE, column_form, column_forms, converter, row_function

ITEM_FIELDS = [Item._meta.get_field(n) for n in (
    "code", "description", "mas_inactive", "standard_unit_cost", "mas_date_updated",
)]
# MAS values as drivers hand them over: padded text, floats, Decimals, dates, text for
# anything, None, the SQL Server editions' 1753-01-01 for "no date".
ROWS = [
    ("PART-1      ", "BRACKET  ", "Y", 622.1127, dt.date(2026, 1, 2)),
    ("PART-2", "", "N ", 5.0, dt.datetime(2026, 1, 2, 13, 5)),
    ("PART-3", None, "1", Decimal("12.34565"), "2026-01-02 00:00:00"),
    ("PART-4", "X" * 70, True, "  7.5 ", dt.date(1753, 1, 1)),
    ("PART-5", 42, 0, None, None),
    ("PART-6", "  LEADING", "t", 7, ""),
    ("PART-7", "ok", "", "", "1900-01-01"),
    # A DECIMAL column through MariaDB's or ProvideX's driver: Decimals of the column's places.
    ("PART-8", "PADDED CHAR(30)               ", "N", Decimal("-0.000050"), dt.date(2026, 1, 2)),
    ("PART-9", "X", "Y", Decimal("99999999999.9999"), dt.date(9999, 12, 31)),
    ("PART-10", "X", "Y", Decimal("-12.5"), dt.date(1, 1, 1)),
]


@pytest.mark.parametrize("form", [PYTHON, SQLITE])
def test_the_row_function_gives_what_each_converter_gives(form):
    forms = [column_form(f, form) for f in ITEM_FIELDS]
    convert_row = row_function(forms)

    for row in ROWS:
        assert convert_row(row) == tuple(converter(f, form)(v) for f, v in zip(ITEM_FIELDS, row)), row


def test_the_python_form_is_each_fields_own_type():
    convert_row = row_function([column_form(f, PYTHON) for f in ITEM_FIELDS])

    assert convert_row(ROWS[0]) == ("PART-1", "BRACKET", True, Decimal("622.1127"), dt.date(2026, 1, 2))
    assert convert_row(ROWS[1]) == ("PART-2", "", False, Decimal("5.0000"), dt.date(2026, 1, 2))
    assert convert_row(ROWS[3])[1:] == ("X" * 60, True, Decimal("7.5000"), None)
    assert convert_row(ROWS[4])[1:] == ("42", False, None, None)
    assert convert_row(ROWS[7]) == ("PART-8", "PADDED CHAR(30)", False, Decimal("-0.0000"), dt.date(2026, 1, 2))


def test_the_sqlite_form_is_what_sqlite_stores():
    convert_row = row_function([column_form(f, SQLITE) for f in ITEM_FIELDS])

    assert convert_row(ROWS[0]) == ("PART-1", "BRACKET", 1, 622.1127, "2026-01-02")
    assert convert_row(ROWS[2])[2:] == (1, 12.3456, "2026-01-02")  # Decimal rounded half-even, as elsewhere
    assert convert_row(ROWS[4])[2:] == (0, None, None)
    assert [type(v) for v in convert_row(ROWS[1])] == [str, str, int, float, str]
    assert convert_row(ROWS[9])[3:] == (-12.5, None)  # a Decimal is stored as SQLite's float
    assert [type(v) for v in convert_row(ROWS[7])] == [str, str, int, float, str]


@pytest.mark.parametrize("form", [PYTHON, SQLITE])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12 EA", "1e400x", Decimal("NaN"), Decimal("-Infinity")])
def test_a_value_that_is_not_a_number_is_refused_with_the_field_named(form, bad):
    convert_row = row_function([column_form(Item._meta.get_field("standard_unit_cost"), form)])

    with pytest.raises(ValueError, match="standard_unit_cost: .* is not a number"):
        convert_row((bad,))


def test_an_empty_number_of_a_field_that_needs_one_is_zero():
    field = WorkOrder._meta.get_field("qty_ordered")

    assert converter(field, PYTHON)("") == Decimal(0)
    assert converter(field, SQLITE)(None) == 0.0


@pytest.mark.django_db
def test_the_portal_database_picks_its_form():
    forms = column_forms(ITEM_FIELDS, connection)
    convert_row = row_function(forms)

    value = convert_row(ROWS[0])[3]
    assert type(value) is (float if connection.vendor == "sqlite" else Decimal)
    date_form = forms[4]
    if connection.vendor == "sqlite":  # dates are stored as ISO text, and read back as that text
        assert date_form.read == "CAST({} AS TEXT)"
    else:
        assert date_form.read == "{}"
    assert not any(form.on_read for form in forms)


@pytest.mark.parametrize("form", [PYTHON, SQLITE])
def test_a_number_the_field_cannot_hold_is_refused_and_the_largest_it_can_is_kept(form):
    convert_row = row_function([column_form(Item._meta.get_field("standard_unit_cost"), form)])  # 16 digits, 4 places

    assert convert_row((999999999999.0,))[0] == 999999999999  # 12 digits before the point
    assert convert_row((-5.5,))[0] == -5.5
    with pytest.raises(ValueError, match="standard_unit_cost: 1000000000000.0 is too large for the mirror"):
        convert_row((1e12,))
    with pytest.raises(ValueError, match="too large"):
        convert_row((Decimal("-1E+13"),))


@pytest.mark.parametrize("form", [PYTHON, SQLITE])
def test_an_employee_is_inactive_in_mas_unless_its_status_says_active(form):
    field = Employee._meta.get_field("mas_inactive")
    convert_row = row_function([column_form(field, form)])
    values = ["A", "A ", "I", "T", "Y", "N", "", None, "a"]
    expected = [False, False, True, True, True, False, False, False, False]

    assert [converter(field, form)(v) for v in values] == [(1 if e else 0) if form == SQLITE else e for e in expected]
    assert [convert_row((v,))[0] for v in values] == [converter(field, form)(v) for v in values]


def test_the_largest_decimal_is_kept_exactly_where_the_portal_database_can_hold_it():
    field = Item._meta.get_field("standard_unit_cost")  # 16 digits, 4 places
    largest = Decimal("999999999999.9999")

    assert row_function([column_form(field, PYTHON)])((largest,)) == (largest,)
    # SQLite keeps a float, read back to 15 digits: 1000000000000.00, a digit too many to read the row back.
    with pytest.raises(ValueError, match=r"standard_unit_cost: 999999999999.9999 is too large for the mirror's SQLite "
                                         r"database, which keeps 15 significant digits \(1000000000000.00; 12 digits"):
        row_function([column_form(field, SQLITE)])((largest,))
    assert row_function([column_form(field, SQLITE)])((Decimal("999999999999.9"),)) == (999999999999.9,)


@pytest.mark.parametrize("form", [PYTHON, SQLITE])
def test_the_usual_values_of_every_driver_never_reach_the_slow_converters(form):
    # The pull's fast path: padded text, a float (SQLite) or a Decimal (MariaDB, ProvideX), a date.
    calls = []

    def spy(form_):
        return dataclasses.replace(form_, convert=lambda v: calls.append(v) or form_.convert(v))

    convert_row = row_function([spy(column_form(f, form)) for f in ITEM_FIELDS])
    for row in [ROWS[0], ROWS[7], ("PART-11", "DESC", "N", Decimal("622.112700"), dt.date(2026, 1, 2))]:
        convert_row(row)

    assert calls == ([622.1127] if form == PYTHON else [])  # PostgreSQL takes a float through the converter
