"""Tables of the mirror pages (django-tables2)."""
from __future__ import annotations

import django_tables2 as tables

from mas.models import Employee, Item, ItemType, ItemWarehouse, MaterialLine, WorkOrder, WorkOrderStatus, WorkOrderStep
from kernel.columns import CodeColumn, DateColumn, YesNoColumn
from kernel.tables import BaseTable


class WorkOrderTable(BaseTable):
    number = tables.Column("Work order", linkify=("mas:workorder_detail", {"pk": tables.A("pk")}))
    status = CodeColumn(WorkOrderStatus, "Status")
    on_hold = YesNoColumn("On hold")
    active = YesNoColumn("In MAS")

    class Meta(BaseTable.Meta):
        model = WorkOrder
        fields = (
            "number", "status", "on_hold", "item_code", "item_description", "qty_ordered", "qty_complete",
            "qty_scrapped", "parent_warehouse", "due_date", "last_step_complete", "active",
        )


class WorkOrderStepTable(BaseTable):
    step_complete = YesNoColumn("Complete")
    active = YesNoColumn("In MAS")

    class Meta(BaseTable.Meta):
        model = WorkOrderStep
        fields = (
            "step", "work_center", "operation_code", "description", "step_complete", "std_run_time",
            "actual_run_time", "qty_completed", "active",
        )
        orderable = False


class MaterialLineTable(BaseTable):
    active = YesNoColumn("In MAS")

    class Meta(BaseTable.Meta):
        model = MaterialLine
        fields = (
            "line_key", "step", "item_code", "warehouse", "qty_required", "qty_issued", "unit_of_measure", "active",
        )
        orderable = False


class ItemTable(BaseTable):
    code = tables.Column("Item", linkify=("mas:item_detail", {"pk": tables.A("pk")}))
    item_type = CodeColumn(ItemType, "Item type")
    mas_inactive = YesNoColumn("Inactive in MAS")
    mas_date_updated = DateColumn(verbose_name="Updated in MAS")
    active = YesNoColumn("In MAS")

    class Meta(BaseTable.Meta):
        model = Item
        fields = ("code", "description", "item_type", "standard_unit_cost", "mas_inactive", "mas_date_updated", "active")


class ItemWarehouseTable(BaseTable):
    mas_date_updated = DateColumn(verbose_name="Updated in MAS")
    active = YesNoColumn("In MAS")

    class Meta(BaseTable.Meta):
        model = ItemWarehouse
        fields = ("warehouse_code", "quantity_on_hand", "mas_date_updated", "active")
        orderable = False


class EmployeeTable(BaseTable):
    number = tables.Column("Employee", linkify=("mas:employee_detail", {"pk": tables.A("pk")}))
    mas_inactive = YesNoColumn("Inactive in MAS")
    active = YesNoColumn("In MAS")

    class Meta(BaseTable.Meta):
        model = Employee
        fields = (
            "number", "first_name", "last_name", "department", "default_work_center", "hourly_rate", "mas_inactive", "active",
        )
