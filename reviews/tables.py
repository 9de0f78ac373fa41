"""The review queue's table (django-tables2)."""
from __future__ import annotations

from urllib.parse import urlencode

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from transactions.models import Severity, Transaction
from transactions.validation import finding_summary
from kernel.columns import DateTimeColumn, NumberColumn
from kernel.display import number_text, plant_datetime
from kernel.tables import PageCells, SelectableTable, table_row
from mas import names

STATUS_BADGE = {
    "needs_review": "primary", "flagged": "warning",
    "approved": "success", "rejected": "danger", "exported": "dark",
}


class TransactionTable(SelectableTable):
    # Sorts only where an index gives "the next 50" in that order (each with the queue's own
    # (collected_at, id) after it, as its index has): line, state, collected, work order, employee.
    # Type, step, item and the numbers have no such index and are not offered.
    id = tables.Column(verbose_name="Line")
    status = tables.Column(verbose_name="State", order_by=("status", "collected_at", "id"))
    type = tables.Column(orderable=False)
    collected_at = DateTimeColumn(verbose_name="Collected", order_by=("collected_at", "id"))
    work_order = tables.Column(verbose_name="Work order", order_by=("work_order", "collected_at", "id"))
    step = tables.Column(orderable=False)
    who = tables.Column(verbose_name="Employee / crew", accessor="employee", order_by=("employee", "collected_at", "id"),
                        empty_values=())
    amount_text = tables.Column(verbose_name="Hours / qty", accessor="hours", orderable=False, empty_values=(),
                                exclude_from_export=True)
    item_code = tables.Column(verbose_name="Item", orderable=False)
    origin = tables.Column(verbose_name="Device / user", accessor="device", orderable=False, empty_values=())
    findings = tables.Column(verbose_name="Findings", accessor="pk", orderable=False, empty_values=())
    # The export's numbers, one column each (the page shows them together as "Hours / qty").
    hours = NumberColumn("Hours", visible=False, orderable=False)
    quantity = NumberColumn("Quantity", visible=False, orderable=False)
    qty_completed = NumberColumn("Qty completed", visible=False, orderable=False)
    amount = NumberColumn("Amount", visible=False, orderable=False)
    employee_name = tables.Column("Employee name", accessor="employee", visible=False, orderable=False)

    class Meta(SelectableTable.Meta):
        model = Transaction
        fields = ()
        sequence = ("pk", "id", "status", "type", "collected_at", "work_order", "step", "who", "amount_text",
                    "item_code", "origin", "findings", "hours", "quantity", "qty_completed", "amount",
                    "employee_name")
        row_attrs = {"data-status": lambda record: record.status}
        template_name = "reviews/transaction_table.html"

    def body_html(self):
        """The page's rows as HTML, one pass in Python.

        django-tables2 renders each cell through its generic machinery (signature inspection,
        attribute dicts, a template node per cell): about 1 ms a row here, most of a page's
        server time. The cells below are the columns' own render methods called directly, and
        what repeats down a page (a state's badge, a type's label, a device's name, the line
        link's address) is rendered once per page (``kernel.tables.PageCells``); a column
        without a fast cell falls back to django-tables2. Headers, sorting, paging and export
        are django-tables2's as usual.
        """
        self.page_cells = PageCells()
        column_names = [column.name for column in self.columns]
        classes = [column_class(name) for name in column_names]
        makers = [FAST_CELLS.get(name) for name in column_names]
        rows = []
        for row in self.paginated_rows:
            record = row.record
            cells = (
                make(self, record) if make is not None else row.get_cell(name) for name, make in zip(column_names, makers)
            )
            rows.append(table_row(cells, {
                "data-status": record.status, "data-hours": _number(record.hours),
                "data-qty": _number(record.qty_completed), "data-issued": _number(record.quantity),
            }, classes))
        return mark_safe("\n".join(rows))

    def render_id(self, record, value):
        """Link to the line, carrying the queue's filter so "next" stays within it."""
        cells = getattr(self, "page_cells", None)
        url = cells.url("reviews:transaction_detail", record.pk) if cells else record.get_absolute_url()
        carried = getattr(self, "filter_query", "")
        if carried:
            url += "?" + urlencode({"f": carried})
        return format_html('<a href="{}" data-testid="line-link">{}</a>', url, value)

    def value_id(self, record):
        return record.pk

    def render_status(self, record, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_BADGE.get(record.status, "light"), value)

    def status_cell(self, record):
        """The state's badge, rendered once per state on a page."""
        return self.page_cells.once(("status", record.status),
                                    lambda: self.render_status(record, record.get_status_display()))

    def render_who(self, record):
        """The employee's number, or the crew's, with the name from the mirror beside it."""
        if record.employee:
            return _named(record.employee, self.page_names()["employee"].get(record.employee))
        if record.crew:
            return _named(f"crew {record.crew}", self.page_names()["crew"].get(record.crew))
        return "—"

    def value_who(self, record):
        return record.employee or (f"crew {record.crew}" if record.crew else "")

    def render_work_order(self, record):
        """The work order with the description of the item it makes."""
        if not record.work_order:
            return "—"
        return _named(record.work_order, self.page_names()["work_order"].get(record.work_order))

    def render_step(self, record):
        """The step with its description (the step of the line's work order)."""
        if not record.step:
            return "—"
        return _named(record.step, self.page_names()["step"].get((record.work_order, record.step)))

    def value_work_order(self, record):
        return record.work_order

    def value_step(self, record):
        return record.step

    def value_employee_name(self, value):
        return self.employee_names().get(value, "")

    def page_names(self) -> dict[str, dict]:
        """The names of the page's employees, crews, work orders and steps: one query per kind for
        the page's keys (``mas.names``), never one per row."""
        if getattr(self, "_page_names", None) is None:
            records = [row.record for row in self.paginated_rows]
            self._page_names = {
                "employee": names.employees(r.employee for r in records),
                "crew": names.crews(r.crew for r in records if not r.employee),
                "work_order": names.work_orders(r.work_order for r in records),
                "step": names.steps((r.work_order, r.step) for r in records),
            }
            self._employee_names = self._page_names["employee"]
        return self._page_names

    def employee_names(self) -> dict[str, str]:
        """Names of the employees on this page (or, exporting, in the whole list), read once."""
        if getattr(self, "_employee_names", None) is None:
            rows = self.paginated_rows if hasattr(self, "page") else self.rows
            self._employee_names = names.employees(row.record.employee for row in rows)
        return self._employee_names

    def render_amount_text(self, record):
        return _amount(record)

    def render_origin(self, record):
        return _origin(record)

    def origin_cell(self, record):
        """The device's or the user's name, read once per device or user on a page."""
        key = ("device", record.device_id) if record.device_id else ("user", record.entered_by_id, record.source)
        return self.page_cells.once(key, lambda: _cut(_origin(record)))

    def value_origin(self, record):
        return _origin(record)

    def render_findings(self, record):
        """The worst finding in plain words, on one line; every finding's full message in the
        tooltip (and for screen readers); "+2" says how many more."""
        findings = _sorted_findings(record)
        if not findings:
            return "—"
        first, more = findings[0], len(findings) - 1
        return format_html(
            '<span class="badge text-bg-{}" data-severity="{}" data-code="{}" title="{}">'
            '<span class="visually-hidden">{}: </span>{}</span>{}',
            _badge(first), first.severity, first.code,
            " · ".join(str(f) for f in findings), first.get_severity_display(), finding_summary(first.code),
            format_html(' <span class="badge text-bg-{}" data-severity="{}" title="{}">+{}<span class="visually-hidden">'
                        ' more: {}</span></span>', _badge(findings[1]), findings[1].severity,
                        " · ".join(str(f) for f in findings[1:]), more,
                        "; ".join(finding_summary(f.code) for f in findings[1:])) if more else "",
        )

    def value_findings(self, record):
        """The findings as on the page, errors first: "Error: Work order 0001030 is closed in MAS.; …"."""
        return "; ".join(str(f) for f in _sorted_findings(record))


def column_class(name: str) -> str:
    """The class of a column's cells and header: the page's CSS sizes, cuts or hides a column by it
    (the queue fits a 1024-pixel screen, ``static/woscan/portal.css``)."""
    return f"col-{name}"


# Each header carries its column's class, as its cells do (TransactionTable.body_html).
for _name, _column in TransactionTable.base_columns.items():
    _column.attrs = {**_column.attrs, "th": {**_column.attrs.get("th", {}), "class": column_class(_name)}}


def _named(key: str, name: str | None):
    """A key with its name beside it, short and muted: cut to the column's width on the page, the
    whole name in the tooltip."""
    if not name:
        return key
    return format_html('{} <span class="key-name small text-muted" title="{}">{}</span>', key, name, name)


def _cut(text: str):
    """Text cut to its column's width on a narrow screen, the whole of it in the tooltip."""
    return format_html('<span class="cell-cut" title="{}">{}</span>', text, text)


def _sorted_findings(record) -> list:
    """Prefetched (no query per row); errors first."""
    findings = getattr(record, "page_findings", None)  # the queue's Prefetch(to_attr=…)
    if findings is None:
        findings = record.findings.all()
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, f.code))


def _badge(finding) -> str:
    return "danger" if finding.severity == Severity.ERROR else "warning"


def _number(value) -> str:
    return "" if value is None else f"{value:f}"


def _dash(value):
    return "—" if value in (None, "") else value


FAST_CELLS = {
    "pk": lambda table, r: format_html(
        '<input type="checkbox" name="pk" value="{}" aria-label="Select this row">', r.pk),
    "id": lambda table, r: table.render_id(r, r.pk),
    "status": lambda table, r: table.status_cell(r),
    "type": lambda table, r: table.page_cells.once(("type", r.type), r.get_type_display),
    "collected_at": lambda table, r: _collected(r.collected_at),
    "work_order": lambda table, r: table.render_work_order(r),
    "step": lambda table, r: table.render_step(r),
    "who": lambda table, r: table.render_who(r),
    "amount_text": lambda table, r: table.render_amount_text(r),
    "item_code": lambda table, r: _dash(r.item_code),
    "origin": lambda table, r: table.origin_cell(r),
    "findings": lambda table, r: table.render_findings(r),
}


def _collected(value):
    """``2026-12-02 14:05``, its year hidden from the eye on a narrow screen (``queue-wide`` in
    portal.css: a screen reader still reads it; the line's page and the export have it whole)."""
    text = plant_datetime(value)
    if len(text) > 5 and text[:4].isdigit() and text[4] == "-":
        return format_html('<span class="queue-wide">{}</span>{}', text[:5], text[5:])
    return text


def _amount(record) -> str:
    for label, value in (("h", record.hours), ("", record.quantity), ("done", record.qty_completed),
                         ("$", record.amount)):
        if value is not None:
            return f"{number_text(value)} {label}".strip() if label != "$" else f"${number_text(value)}"
    return ""


def _origin(record) -> str:
    if record.device_id:
        return str(record.device)
    if record.entered_by_id:
        return record.entered_by.get_username()
    return record.get_source_display()
