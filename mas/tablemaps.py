"""Which MAS table and columns fill which mirror model (PRODUCT.md §3).

These are the defaults: the Auto-sync Tables rows (syncconfig.AutoSyncTable) start from them
and an administrator may change the MAS table and column names per site. Mappings are
``{mirror field: MAS column}``: each mirror field is filled from at most one column.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

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
        "employees", "Production employees", "mas.Employee", "WO_ProductionEmployee",
        {"number": "EmployeeNo"},
        {
            "first_name": "FirstName", "last_name": "LastName", "mas_inactive": "Inactive",
            "hourly_rate": "HourlyRate", "default_work_center": "DefaultWorkCenter",
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
        {"work_order": "WorkOrder", "line_key": "LineKey"},
        {
            "step": "StepNumber", "item_code": "ComponentItemNumber", "warehouse": "Whse",
            "qty_required": "ExtdQtyRequired", "qty_issued": "QtyIssued", "unit_of_measure": "UM",
        },
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


# --- turning MAS values into mirror values ----------------------------------------------------
_TRUE = {"Y", "y", "1", "T", "t", True, 1}
# The SQL Server editions store "no date" as 1753-01-01 (the smallest datetime there): no date.
NO_DATE = dt.date(1753, 1, 1)


def converter(model_field: models.Field):
    """A function turning one MAS value into the value the mirror field stores.

    The same function is applied to the mirror's own values before comparing, so a row
    whose MAS values did not change compares equal (e.g. 1.5 from the driver and
    Decimal("1.5000") from the portal database).
    """
    if isinstance(model_field, models.BooleanField):
        return lambda v: v in _TRUE
    if isinstance(model_field, models.DecimalField):
        quantum = Decimal(1).scaleb(-model_field.decimal_places)
        nullable = model_field.null

        def to_decimal(v: Any):
            if v is None or v == "":
                return None if nullable else Decimal(0).quantize(quantum)
            try:
                return Decimal(v if isinstance(v, (Decimal, int)) else str(v)).quantize(quantum)
            except InvalidOperation as exc:
                raise ValueError(f"{model_field.name}: {v!r} is not a number") from exc

        return to_decimal
    if isinstance(model_field, models.DateField):

        def to_date(v: Any):
            if v is None or v == "":
                return None
            if isinstance(v, dt.datetime):
                v = v.date()
            elif not isinstance(v, dt.date):
                v = dt.date.fromisoformat(str(v).strip()[:10])
            return None if v <= NO_DATE else v

        return to_date
    max_length = getattr(model_field, "max_length", None)

    def to_text(v: Any):
        if v.__class__ is str and (max_length is None or len(v) <= max_length):
            return v  # trimmed by the gateway (MAS pads on the right)
        text = "" if v is None else str(v).strip()
        return text[:max_length] if max_length else text

    return to_text
