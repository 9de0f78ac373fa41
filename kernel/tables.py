"""Base tables shared by every list page (django-tables2)."""
from __future__ import annotations

import django_tables2 as tables

from kernel import columns  # noqa: F401  (registers the Yes/No and number columns)
from kernel.export import plain_value


class BaseTable(tables.Table):
    """Bootstrap look, and what every list shares."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "Nothing matches these filters."

    def as_values(self, exclude_columns=None):
        """The rows the CSV/XLSX exports hold: each column's ``value`` (a table's ``value_<name>``,
        else the column's own), made plain by ``plain_value``, never the page's markup."""
        values = super().as_values(exclude_columns=exclude_columns)
        yield next(values)
        for row in values:
            yield [plain_value(value) for value in row]


class SelectableTable(BaseTable):
    """A table whose rows can be picked for a bulk action; the header box toggles them all."""

    pk = tables.CheckBoxColumn(
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={
            "th__input": {"data-toggle-all": "pk", "aria-label": "Select all rows on this page"},
            "td__input": {"aria-label": "Select this row"},
        },
    )

    class Meta(BaseTable.Meta):
        pass
