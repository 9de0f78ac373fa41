"""Read-only, filterable pages over the mirror, for supervisors checking a line."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import EmployeeFactory, ItemFactory, MaterialLineFactory, WorkOrderFactory, WorkOrderStepFactory


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_work_orders_filter_by_hold_and_search(sup_client, django_assert_max_num_queries):
    held = WorkOrderFactory(number="0001234", on_hold=True, item_code="ENC-N4-121006")
    WorkOrderFactory(number="0001235", on_hold=False)
    WorkOrderFactory.create_batch(30)

    with django_assert_max_num_queries(12):
        response = sup_client.get(reverse("mas:workorder_list"), {"on_hold": "true", "q": "ENC-N4"})

    assert [wo.number for wo in response.context["table"].data] == [held.number]
    assert reverse("mas:workorder_detail", args=[held.pk]) in response.content.decode()


def test_a_work_order_shows_its_steps_and_materials(sup_client):
    order = WorkOrderFactory(number="0002000")
    WorkOrderStepFactory(work_order=order.number, step="0010", description="SAW CUT TO LENGTH")
    WorkOrderStepFactory(work_order=order.number, step="0020", description="MIG WELD", active=False)
    MaterialLineFactory(work_order=order.number, item_code=ItemFactory(code="BAR-1018-100").code)
    WorkOrderStepFactory(work_order=WorkOrderFactory(number="0002001").number, step="0010", description="OTHER")

    response = sup_client.get(reverse("mas:workorder_detail", args=[order.pk]))

    assert [s.step for s in response.context["steps_table"].data] == ["0010", "0020"]
    assert [m.item_code for m in response.context["materials_table"].data] == ["BAR-1018-100"]
    page = response.content.decode()
    assert "MIG WELD" in page and "OTHER" not in page


def test_items_and_employees_list_and_show_inactive_ones(sup_client):
    ItemFactory(code="HN-1420", description="NUT HEX", mas_inactive=True)
    ItemFactory(code="FW-1420", description="WASHER FLAT")
    gone = EmployeeFactory(number="0000042", last_name="Yoder", active=False)
    EmployeeFactory(number="0000043", last_name="Olson")

    items = sup_client.get(reverse("mas:item_list"), {"mas_inactive": "true"})
    employees = sup_client.get(reverse("mas:employee_list"), {"active": "false"})
    detail = sup_client.get(reverse("mas:employee_detail", args=[gone.pk]))

    assert [i.code for i in items.context["table"].data] == ["HN-1420"]
    assert [e.number for e in employees.context["table"].data] == ["0000042"]
    assert "gone from MAS" in detail.content.decode()


def test_an_item_shows_its_warehouses(sup_client):
    from mas.models import ItemWarehouse
    from django.utils import timezone

    item = ItemFactory(code="PWD-BLK-TX")
    ItemWarehouse.objects.create(item_code=item.code, warehouse_code="EST", quantity_on_hand=12, last_changed_at=timezone.now())

    response = sup_client.get(reverse("mas:item_detail", args=[item.pk]))

    assert [(w.warehouse_code, w.quantity_on_hand) for w in response.context["warehouses_table"].data] == [("EST", 12)]
