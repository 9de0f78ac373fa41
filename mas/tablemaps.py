"""Which MAS table and columns fill which mirror model (PRODUCT.md §3).

These are the defaults: the Auto-sync Tables rows (syncconfig.AutoSyncTable) start from them
and an administrator may change the MAS table and column names per site. Mappings are
``{mirror field: MAS column}``: each mirror field is filled from at most one column.

The defaults name the columns of a real Sage 100 company (``../shared/MAS-LAYOUTS.md``) for
items, item warehouses, work orders, material lines and employees (``PR_Employee``); steps use
the columns public client code reads from ``WO3_WorkOrderOperationDetail``; the other tables'
names are unconfirmed. ``WO2_WorkOrderMaterialDetail`` has no column that identifies a line,
so the material line's ``line_key`` is an *optional key*: left empty, the pull numbers each
order's lines itself (``syncconfig.material_keys``); a site whose driver has a line key names it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

# The column of a MAS table that makes it pullable incrementally.
DATE_UPDATED = "DateUpdated"


@dataclass(frozen=True)
class TableMap:
    """The default mapping of one mirror model."""

    name: str  # the portal's name of the table, also the Auto-sync Tables row's name
    label: str
    model: str  # "mas.Item"
    mas_table: str
    keys: dict[str, str]  # key field -> MAS column, in key order
    columns: dict[str, str] = field(default_factory=dict)  # other field -> MAS column
    incremental: bool = False  # pull only rows changed since the last pull (by DateUpdated)
    optional_keys: tuple[str, ...] = ()  # key fields that may be left without a MAS column


DEFAULT_TABLE_MAPS: tuple[TableMap, ...] = (
    TableMap(
        "warehouses", "Warehouses", "mas.Warehouse", "IM_Warehouse",
        {"code": "WarehouseCode"}, {"description": "WarehouseDesc"},
    ),
    TableMap(
        "work_centers", "Work centers", "mas.WorkCenter", "WO_WorkCenter",
        {"code": "WorkCenter"}, {"description": "WorkCenterDesc"},
    ),
    TableMap(
        "operation_codes", "Operation codes", "mas.OperationCode", "WO_OperationCode",
        {"work_center": "WorkCenter", "code": "OperationCode"},
        {"description": "OperationDesc", "standard_run_type": "StandardRunType", "standard_rate": "StdRate"},
    ),
    TableMap(
        "items", "Items", "mas.Item", "CI_Item",
        {"code": "ItemCode"},
        {
            "description": "ItemCodeDesc", "item_type": "ItemType", "mas_inactive": "InactiveItem",
            "standard_unit_cost": "StandardUnitCost", "mas_date_updated": "DateUpdated",
        },
        incremental=True,
    ),
    TableMap(
        "item_warehouses", "Item warehouses", "mas.ItemWarehouse", "IM_ItemWarehouse",
        {"item_code": "ItemCode", "warehouse_code": "WarehouseCode"},
        {"quantity_on_hand": "QuantityOnHand", "mas_date_updated": "DateUpdated", "mas_time_updated": "TimeUpdated"},
        incremental=True,
    ),
    TableMap(
        "employees", "Production employees", "mas.Employee", "PR_Employee",
        # EmployeeNo is what a badge and the export carry; EmployeeKey (DepartmentNo + EmployeeNo)
        # is the table's key, for a site whose numbers repeat across departments.
        {"number": "EmployeeNo"},
        {
            "department": "DepartmentNo", "first_name": "FirstName", "last_name": "LastName",
            "mas_inactive": "EmployeeStatus", "hourly_rate": "EmployeePayRate1",
        },
    ),
    TableMap("crews", "Labor crews", "mas.Crew", "WO_LaborCrew", {"number": "CrewNo"}, {"description": "CrewDesc"}),
    TableMap(
        "crew_members", "Crew members", "mas.CrewMember", "WO_LaborCrewMember",
        {"crew": "CrewNo", "employee": "EmployeeNo"},
    ),
    TableMap(
        "work_orders", "Work orders", "mas.WorkOrder", "WO1_WorkOrderMaster",
        {"number": "WorkOrder"},
        {
            "status": "Status", "on_hold": "OnHold", "item_code": "ItemBillNumber",
            "item_description": "ItemBillDescription", "qty_ordered": "QtyOrdered", "qty_complete": "QtyComplete",
            "qty_scrapped": "QtyScrapped", "parent_warehouse": "ParentWhse", "wo_date": "WODate",
            "due_date": "WODueDate", "last_step_complete": "LastStepComplete",
        },
    ),
    TableMap(
        "work_order_steps", "Work order steps", "mas.WorkOrderStep", "WO3_WorkOrderOperationDetail",
        {"work_order": "WorkOrder", "step": "StepNumber"},
        {
            "work_center": "WorkCenter", "operation_code": "OperationCode", "description": "StepDescription",
            "step_complete": "StepComplete", "std_run_time": "StdRunTime", "actual_run_time": "ActualRunTime",
            "qty_completed": "QtyCompleted",
        },
    ),
    TableMap(
        "material_lines", "Work order materials", "mas.MaterialLine", "WO2_WorkOrderMaterialDetail",
        {"work_order": "WorkOrder", "line_key": ""},  # WO2 has no line key: the pull numbers the lines
        {
            "step": "StepNumber", "item_code": "ComponentItemNumber", "warehouse": "Whse",
            "qty_required": "ExtdQtyRequired", "qty_issued": "QtyIssued", "unit_of_measure": "UM",
        },
        optional_keys=("line_key",),
    ),
)
TABLE_MAPS: dict[str, TableMap] = {m.name: m for m in DEFAULT_TABLE_MAPS}

# Fields every mirror model has that no MAS column fills.
_MIRROR_OWN = {"id", "active", "first_seen_at", "last_changed_at"}


def mirror_model(name: str) -> type[models.Model]:
    return apps.get_model(TABLE_MAPS[name].model)


def mappable_fields(name: str) -> list[models.Field]:
    """The mirror model's fields a MAS column may fill, in model order."""
    return [f for f in mirror_model(name)._meta.concrete_fields if f.name not in _MIRROR_OWN]
