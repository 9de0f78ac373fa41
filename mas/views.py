"""Read-only pages over the mirror of MAS master data, for supervisors checking a line."""
from __future__ import annotations

from django.views.generic import DetailView

from mas.filtersets import EmployeeFilterSet, ItemFilterSet, WorkOrderFilterSet
from mas.models import Employee, Item, ItemWarehouse, MaterialLine, WorkOrder, WorkOrderStep
from mas.tables import (
    EmployeeTable, ItemTable, ItemWarehouseTable, MaterialLineTable, WorkOrderStepTable, WorkOrderTable,
)
from kernel.generic import ObjectListView
from kernel.mixins import PermissionRequiredMixin


class MirrorListView(ObjectListView):
    template_name = "mas/mirror_list.html"


class WorkOrderListView(MirrorListView):
    permission_required = "mas.view_workorder"
    table_class = WorkOrderTable
    filterset_class = WorkOrderFilterSet
    page_title = "Work orders (from MAS)"
    export_name = "work-orders"
    queryset = WorkOrder.objects.all()


class WorkOrderDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "mas.view_workorder"
    model = WorkOrder
    template_name = "mas/workorder_detail.html"

    def get_context_data(self, **kwargs):
        number = self.object.number
        return super().get_context_data(
            steps_table=WorkOrderStepTable(WorkOrderStep.objects.filter(work_order=number)),
            materials_table=MaterialLineTable(MaterialLine.objects.filter(work_order=number)),
            **kwargs,
        )


class ItemListView(MirrorListView):
    permission_required = "mas.view_item"
    table_class = ItemTable
    filterset_class = ItemFilterSet
    page_title = "Items (from MAS)"
    export_name = "items"
    queryset = Item.objects.all()


class ItemDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "mas.view_item"
    model = Item
    template_name = "mas/item_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            warehouses_table=ItemWarehouseTable(ItemWarehouse.objects.filter(item_code=self.object.code)), **kwargs
        )


class EmployeeListView(MirrorListView):
    permission_required = "mas.view_employee"
    table_class = EmployeeTable
    filterset_class = EmployeeFilterSet
    page_title = "Production employees (from MAS)"
    export_name = "employees"
    queryset = Employee.objects.all()


class EmployeeDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "mas.view_employee"
    model = Employee
    template_name = "mas/employee_detail.html"
