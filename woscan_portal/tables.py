"""Base tables shared by every list page (django-tables2)."""
from __future__ import annotations

import django_tables2 as tables


class BaseTable(tables.Table):
    """Bootstrap look, and what every list shares."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "Nothing matches these filters."


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
