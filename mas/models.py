"""The mirror: the portal's copy of MAS master data (PRODUCT.md §3).

Each model is keyed by its MAS key (plain values, trimmed of MAS's padding) rather than by
foreign keys, so a pull can write any table in any order. ``active`` says whether MAS still
has the row: rows that vanish from MAS become inactive and are never deleted, because
collected transactions refer to them. MAS's own "inactive" flags are separate fields.
"""
from __future__ import annotations

from django.db import models

from kernel.display import code_label


class MirrorModel(models.Model):
    # ``active`` is not indexed: nearly every row is active, no query is served by it, and each
    # pulled row would write it.
    active = models.BooleanField(default=True, help_text="MAS still has this row.")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_changed_at = models.DateTimeField(db_index=True, help_text="When a pull last changed this row.")

    class Meta:
        abstract = True


class StatusFlagField(models.BooleanField):
    """A yes/no the pull reads from a MAS status code or a Y/N flag: true unless the value is one of
    ``false_values`` — so ``EmployeeStatus`` A (active) is false and I (inactive) or T (terminated)
    true, and a Y/N column reads as usual."""

    false_values = ("A", "a", "N", "n", "", "0", 0, None)


class Warehouse(MirrorModel):
    code = models.CharField(max_length=3, unique=True)
    description = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}".strip()


class WorkCenter(MirrorModel):
    code = models.CharField(max_length=5, unique=True)
    description = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}".strip()


class RunType(models.TextChoices):
    LABOR = "L", "Labor"
    OVERHEAD = "O", "Overhead"
    HOURS = "H", "Hours"


class OperationCode(MirrorModel):
    work_center = models.CharField(max_length=5)
    code = models.CharField(max_length=5)
    description = models.CharField(max_length=60, blank=True)
    standard_run_type = models.CharField(max_length=1, choices=RunType.choices, blank=True)
    standard_rate = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["work_center", "code"]
        constraints = [models.UniqueConstraint(fields=["work_center", "code"], name="mas_operationcode_key")]

    def __str__(self) -> str:
        return f"{self.work_center}/{self.code} {self.description}".strip()


class ItemType(models.TextChoices):
    """CI_Item.ItemType (Sage 100: 1 regular, 3 charge, 4 comment, 5 miscellaneous). Not the
    field's choices: a code MAS adds is kept and shown as it is."""

    REGULAR = "1", "Regular"
    CHARGE = "3", "Charge"
    COMMENT = "4", "Comment"
    MISC = "5", "Miscellaneous"


class Item(MirrorModel):
    code = models.CharField(max_length=30, unique=True)
    description = models.CharField(max_length=60, blank=True)
    item_type = models.CharField(max_length=1, blank=True)
    mas_inactive = models.BooleanField(default=False, help_text="Marked inactive in MAS (InactiveItem).")
    standard_unit_cost = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    mas_date_updated = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}".strip()

    @property
    def item_type_label(self) -> str:
        return code_label(ItemType, self.item_type)


class ItemWarehouse(MirrorModel):
    item_code = models.CharField(max_length=30)
    warehouse_code = models.CharField(max_length=3)
    quantity_on_hand = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    mas_date_updated = models.DateField(null=True, blank=True)
    mas_time_updated = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["item_code", "warehouse_code"]
        constraints = [models.UniqueConstraint(fields=["item_code", "warehouse_code"], name="mas_itemwarehouse_key")]

    def __str__(self) -> str:
        return f"{self.item_code} @ {self.warehouse_code}"


class WorkOrderStatus(models.TextChoices):
    OPEN = "O", "Open"
    CLOSED = "C", "Closed"


class WorkOrder(MirrorModel):
    number = models.CharField(max_length=7, unique=True)
    status = models.CharField(max_length=1, blank=True, help_text="MAS Status code (O open, C closed).")
    on_hold = models.BooleanField(default=False)
    item_code = models.CharField(max_length=30, blank=True)
    item_description = models.CharField(max_length=60, blank=True)
    qty_ordered = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    qty_complete = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    qty_scrapped = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    parent_warehouse = models.CharField(max_length=3, blank=True)
    wo_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    last_step_complete = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        return code_label(WorkOrderStatus, self.status)

    @property
    def is_closed(self) -> bool:
        return self.status == WorkOrderStatus.CLOSED

    @property
    def qty_remaining(self):
        return self.qty_ordered - self.qty_complete - self.qty_scrapped


class WorkOrderStep(MirrorModel):
    work_order = models.CharField(max_length=7)
    step = models.CharField(max_length=4)
    work_center = models.CharField(max_length=5, blank=True)
    operation_code = models.CharField(max_length=5, blank=True)
    description = models.CharField(max_length=60, blank=True)
    step_complete = models.BooleanField(default=False)
    std_run_time = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    actual_run_time = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    qty_completed = models.DecimalField(max_digits=16, decimal_places=4, default=0)

    class Meta:
        ordering = ["work_order", "step"]
        constraints = [models.UniqueConstraint(fields=["work_order", "step"], name="mas_workorderstep_key")]

    def __str__(self) -> str:
        return f"{self.work_order}/{self.step}"


class MaterialLine(MirrorModel):
    """A WO2 material line. MAS keeps these as a linked list; (work order, line key) is ours."""

    work_order = models.CharField(max_length=7)
    line_key = models.CharField(max_length=6)
    step = models.CharField(max_length=4, blank=True)
    item_code = models.CharField(max_length=30)
    warehouse = models.CharField(max_length=3, blank=True)
    qty_required = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    qty_issued = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    unit_of_measure = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["work_order", "line_key"]
        constraints = [models.UniqueConstraint(fields=["work_order", "line_key"], name="mas_materialline_key")]

    def __str__(self) -> str:
        return f"{self.work_order} line {self.line_key}: {self.item_code}"


class Employee(MirrorModel):
    """A production employee (by default from ``PR_Employee``: EmployeeNo, DepartmentNo,
    EmployeeStatus, EmployeePayRate1)."""

    number = models.CharField(max_length=10, unique=True)
    department = models.CharField(max_length=10, blank=True, help_text="MAS payroll department (DepartmentNo).")
    first_name = models.CharField(max_length=30, blank=True)
    last_name = models.CharField(max_length=30, blank=True)
    mas_inactive = StatusFlagField(
        "inactive in MAS", default=False,
        help_text="From EmployeeStatus (A active; I inactive, T terminated) or a Y/N inactive flag.",
    )
    hourly_rate = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    default_work_center = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.first_name} {self.last_name}".strip()


class Crew(MirrorModel):
    number = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.description}".strip()


class CrewMember(MirrorModel):
    crew = models.CharField(max_length=10)
    employee = models.CharField(max_length=10)

    class Meta:
        ordering = ["crew", "employee"]
        constraints = [models.UniqueConstraint(fields=["crew", "employee"], name="mas_crewmember_key")]

    def __str__(self) -> str:
        return f"{self.crew}: {self.employee}"
