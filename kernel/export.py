"""The list pages' CSV and XLSX exports: plain values, safe to open in a spreadsheet.

Every cell is the value the page shows, without markup (``plain_value``): numbers stay numbers
(numeric XLSX cells, dot decimals in CSV), dates and times are in the plant's time zone in the
portal's one format, yes/no is the word, an empty cell ("—" on the page) is empty.

Text collected on the shop floor ends up in these files; a cell starting with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return) would be run as a formula by Excel or LibreOffice
(OWASP "CSV injection"). Such text gets a leading apostrophe; numbers stay numbers.
"""
from __future__ import annotations

import html
import re
from datetime import date, datetime
from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django_tables2.export import TableExport

from kernel.display import plain_number, plant_date, plant_datetime

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


EMPTY = "—"
_SPACES = re.compile(r"\s+")


def plain_value(value):
    """A cell's value as an export holds it."""
    if value is None:
        return None
    if isinstance(value, SafeData):  # markup a render method made: its text
        value = _SPACES.sub(" ", html.unescape(strip_tags(value))).strip()
    if isinstance(value, str):
        return None if value in ("", EMPTY) else value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return plant_datetime(value)
    if isinstance(value, date):
        return plant_date(value)
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)  # "-1.5" is a number, not a formula
        except ValueError:
            return "'" + value
    return value


class SpreadsheetSafeExport(TableExport):
    """django-tables2's export, each cell passed through ``spreadsheet_safe``."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        rows = [[spreadsheet_safe(value) for value in row] for row in dataset]
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        return dataset
