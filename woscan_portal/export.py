"""The list pages' CSV and XLSX exports, safe to open in a spreadsheet.

Text collected on the shop floor ends up in these files; a cell starting with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return) would be run as a formula by Excel or LibreOffice
(OWASP "CSV injection"). Such text gets a leading apostrophe; numbers stay numbers.
"""
from __future__ import annotations

from django_tables2.export import TableExport

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
