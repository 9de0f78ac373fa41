"""Fixtures of the transaction core's tests (the intake tests use them too): a small mirror."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import (
    CrewFactory, EmployeeFactory, ItemFactory, MaterialLineFactory, WarehouseFactory,
    WorkOrderFactory, WorkOrderStepFactory,
)


@pytest.fixture
def mirror(db):
    """Open work order 0001001 (100 ordered) with steps 0010 and 0020, employee 0000001,
    crew C001, item PART-0001 on its material list, warehouse 000."""
    WarehouseFactory(code="000")
    WorkOrderFactory(number="0001001", qty_ordered=Decimal("100"))
    WorkOrderStepFactory(work_order="0001001", step="0010")
    WorkOrderStepFactory(work_order="0001001", step="0020")
    EmployeeFactory(number="0000001", first_name="Jane", last_name="Doe")
    CrewFactory(number="C001")
    ItemFactory(code="PART-0001")
    MaterialLineFactory(work_order="0001001", item_code="PART-0001", qty_required=Decimal("10"))
