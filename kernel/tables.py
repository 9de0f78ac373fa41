"""Base tables shared by every list page (django-tables2)."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from kernel import columns  # noqa: F401  (registers the Yes/No and number columns)
from kernel.export import plain_value


# The header of a column of buttons: nothing to see (the buttons say what they do), but a screen
# reader moving along the header row hears what the column holds (an empty header is a WCAG fault).
ACTIONS_HEADER = mark_safe('<span class="visually-hidden">Actions</span>')


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


class PageCells:
    """What repeats down one rendered page, made once: a state's badge, a type's label, a
    device's name, the address of a detail page. One instance per rendering of a table's body
    (never kept between requests: a name changed in between shows at the next page)."""

    _PK = 987654321987  # stands for the primary key in a reversed address

    def __init__(self):
        self._made: dict = {}

    def once(self, key, make):
        """``make()`` the first time ``key`` is asked for on this page; the same value after."""
        try:
            return self._made[key]
        except KeyError:
            value = self._made[key] = make()
            return value

    def url(self, viewname: str, pk) -> str:
        """``reverse(viewname, args=[pk])``, with the URL resolver asked once per page."""
        head, tail = self.once(("url", viewname), lambda: reverse(viewname, args=[self._PK]).split(str(self._PK)))
        return f"{head}{pk}{tail}"


def table_row(cells, attrs: dict, classes=None) -> str:
    """``<tr …><td>…</td>…</tr>`` from cell values: safe strings as they are, anything else
    escaped (what ``format_html`` would do, without its per-call formatting). ``classes``, one
    a cell (the column's, say), lets a page's CSS size or hide a column."""
    opening = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
    if classes is None:
        return f"<tr{opening}>" + "".join(f"<td>{conditional_escape(cell)}</td>" for cell in cells) + "</tr>"
    return f"<tr{opening}>" + "".join(f'<td class="{escape(name)}">{conditional_escape(cell)}</td>'
                                      for cell, name in zip(cells, classes)) + "</tr>"
