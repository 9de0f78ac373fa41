"""Tables of the batch pages (django-tables2)."""
from __future__ import annotations

import django_tables2 as tables

from batches.models import BatchLine, ExportBatch
from kernel.columns import DateTimeColumn, NumberColumn
from kernel.tables import BaseTable


class ExportBatchTable(BaseTable):
    number = tables.Column(
        verbose_name="Batch", linkify=("batches:exportbatch_detail", {"number": tables.A("number")}),
        attrs={"td": {"data-testid": "batch-number"}},
    )
    status = tables.Column(attrs={"td": {"data-testid": "batch-status"}})
    lines = NumberColumn("Lines")
    total_hours = NumberColumn("Hours")
    total_quantity = NumberColumn("Quantity")
    mas_lines = NumberColumn("Lines in MAS")
    discrepancies = tables.Column("Discrepancies", orderable=False, empty_values=())
    created_at = DateTimeColumn(verbose_name="Exported")
    created_by = tables.Column(
        "By", accessor="created_by", order_by=("created_by__username", "actor_label"), empty_values=()
    )
    imported_at = DateTimeColumn(verbose_name="Imported")
    posted_at = DateTimeColumn(verbose_name="Posted")
    import_error = tables.Column("Refused by the importer", visible=False)
    differences = tables.Column("What differs", accessor="discrepancies", visible=False, orderable=False)

    class Meta(BaseTable.Meta):
        model = ExportBatch
        fields = (
            "number", "status", "lines", "total_hours", "total_quantity", "mas_lines", "discrepancies",
            "created_at", "created_by", "imported_at", "posted_at", "import_error", "differences",
        )
        empty_text = "No batch matches these filters."

    def render_number(self, record):
        return record.label

    def value_number(self, record):
        return record.label

    def render_created_by(self, record):
        return record.exported_by

    def value_created_by(self, record):
        return record.exported_by

    def render_discrepancies(self, value):
        return f"{len(value)} difference{'s' if len(value) != 1 else ''}" if value else "—"

    def value_discrepancies(self, value):
        return len(value or ())

    def value_differences(self, value):
        return "; ".join(value)


class BatchLineTable(BaseTable):
    line_no = tables.Column("Line")
    transaction = tables.Column(
        "Transaction", accessor="transaction_id",
        linkify=("reviews:transaction_detail", {"pk": tables.A("transaction_id")}),
    )
    type = tables.Column("Type")
    work_order = tables.Column("Work order", accessor="transaction__work_order")
    step = tables.Column("Step", accessor="transaction__step")
    employee = tables.Column("Employee", accessor="transaction__employee")
    crew = tables.Column("Crew", accessor="transaction__crew")
    item_code = tables.Column("Item", accessor="transaction__item_code")
    warehouse = tables.Column("Whse", accessor="transaction__warehouse")
    hours = NumberColumn("Hours")
    quantity = NumberColumn("Quantity")
    collected_at = DateTimeColumn(verbose_name="Collected", accessor="transaction__collected_at")

    class Meta(BaseTable.Meta):
        model = BatchLine
        fields = ("line_no", "transaction", "type", "work_order", "step", "employee", "crew", "item_code",
                  "warehouse", "hours", "quantity", "collected_at")
        order_by = ("line_no",)

    def render_type(self, value):
        from transactions.models import TransactionType

        return TransactionType(value).label if value in TransactionType.values else value
