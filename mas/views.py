"""Read-only pages over the mirror of MAS master data, for supervisors checking a line."""
from __future__ import annotations

from django.views.generic import DetailView

from mas.filtersets import EmployeeFilterSet, ItemFilterSet, WorkOrderFilterSet
from mas.models import Employee, Item, ItemWarehouse, MaterialLine, WorkOrder, WorkOrderStep
from mas.tables import (
    EmployeeTable, ItemTable, ItemWarehouseTable, MaterialLineTable, WorkOrderStepTable, WorkOrderTable,
)
from kernel.generic import ObjectListView
from kernel.mixins import ObjectPermissionMixin


class MirrorListView(ObjectListView):
    template_name = "mas/mirror_list.html"


class WorkOrderListView(MirrorListView):
    model = WorkOrder
    table_class = WorkOrderTable
    filterset_class = WorkOrderFilterSet
    page_title = "Work orders (from MAS)"
    export_name = "work-orders"


class WorkOrderDetailView(ObjectPermissionMixin, DetailView):
    model = WorkOrder
    template_name = "mas/workorder_detail.html"

    def get_context_data(self, **kwargs):
        number = self.object.number
        return super().get_context_data(
            steps_table=WorkOrderStepTable(self.rows(model=WorkOrderStep).filter(work_order=number)),
            materials_table=MaterialLineTable(self.rows(model=MaterialLine).filter(work_order=number)),
            **kwargs,
        )


class ItemListView(MirrorListView):
    model = Item
    table_class = ItemTable
    filterset_class = ItemFilterSet
    page_title = "Items (from MAS)"
    export_name = "items"


class ItemDetailView(ObjectPermissionMixin, DetailView):
    model = Item
    template_name = "mas/item_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            warehouses_table=ItemWarehouseTable(self.rows(model=ItemWarehouse).filter(item_code=self.object.code)),
            **kwargs,
        )


class EmployeeListView(MirrorListView):
    model = Employee
    table_class = EmployeeTable
    filterset_class = EmployeeFilterSet
    page_title = "Production employees (from MAS)"
    export_name = "employees"


class EmployeeDetailView(ObjectPermissionMixin, DetailView):
    model = Employee
    template_name = "mas/employee_detail.html"
