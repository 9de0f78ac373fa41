"""Tables of the sync settings pages (django-tables2)."""
from __future__ import annotations

import django_tables2 as tables

from syncconfig.models import AutoSyncTable, PullRun, PullTableRun
from kernel.columns import DateTimeColumn, YesNoColumn
from kernel.tables import BaseTable


def table_labels() -> dict[str, str]:
    """Each Auto-sync Table's label by its name ("work_order_steps" → "Work order steps")."""
    return dict(AutoSyncTable.objects.values_list("name", "label"))


class AutoSyncTableTable(BaseTable):
    label = tables.Column("Table", linkify=("syncconfig:autosynctable_edit", {"pk": tables.A("pk")}))
    enabled = YesNoColumn("Enabled")
    mas_table = tables.Column("MAS table")
    mode = tables.Column()
    key_columns = tables.Column("Key", orderable=False)
    since = tables.DateColumn(verbose_name="Incremental since", default="—")

    class Meta(BaseTable.Meta):
        model = AutoSyncTable
        fields = ("label", "enabled", "mas_table", "key_columns", "mode", "since")
        order_by = ("position",)

    def render_mode(self, record):
        return record.mode.capitalize()

    def render_key_columns(self, value):
        # A key field left without a MAS column (WO2's line) is numbered by the pull itself.
        return " + ".join(column or "line no. (numbered by the portal)" for column in value.values())

    value_key_columns = render_key_columns


class PullRunTable(BaseTable):
    id = tables.Column("Pull", linkify=True)
    status = tables.Column(attrs={"td": {"data-testid": "run-status"}})
    trigger = tables.Column()
    only_table = tables.Column("Table", empty_values=())
    requested_by = tables.Column("By", default="—")
    started_at = DateTimeColumn(verbose_name="Started")
    finished_at = DateTimeColumn(verbose_name="Finished", default="—")
    error = tables.Column(orderable=False, default="")

    class Meta(BaseTable.Meta):
        model = PullRun
        fields = ("id", "status", "trigger", "only_table", "requested_by", "started_at", "finished_at", "error")

    def render_only_table(self, value):
        if not value:
            return "Every enabled table"
        if not hasattr(self, "_labels"):
            self._labels = table_labels()  # one query a page
        return self._labels.get(value, value)


class PullTableRunTable(BaseTable):
    name = tables.Column("Table")
    mas_table = tables.Column("MAS table")
    status = tables.Column()
    duration = tables.Column(orderable=False, default="—")

    class Meta(BaseTable.Meta):
        model = PullTableRun
        fields = (
            "name", "mas_table", "mode", "status", "read", "inserted", "updated", "deactivated", "unchanged",
            "duration", "error",
        )
        orderable = False
        row_attrs = {"data-table": lambda record: record.name}

    def render_mode(self, record):
        return record.mode.capitalize()

    def render_name(self, value):
        if not hasattr(self, "_labels"):
            self._labels = table_labels()
        return self._labels.get(value, value)

    def render_duration(self, value):
        return f"{value.total_seconds():.2f} s"
