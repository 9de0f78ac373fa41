"""mas.names: the names of a page's keys, and the keys a typed text stands for, from indexes."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mas import names
from mas.models import Item
from tests.factories import (
    CrewFactory, EmployeeFactory, ItemFactory, WorkOrderFactory, WorkOrderStepFactory,
)

pytestmark = pytest.mark.django_db


def test_the_names_of_these_keys_cost_one_query_per_kind():
    EmployeeFactory(number="0000042", first_name="Thomas", last_name="Moreno")
    CrewFactory(number="C001", description="Weld crew")
    WorkOrderFactory(number="0001001", item_description="Cart frame")
    WorkOrderStepFactory(work_order="0001001", step="0010", description="Cut")
    WorkOrderStepFactory(work_order="0001001", step="0020", description="Weld")
    ItemFactory(code="BOLT-10", description="Hex bolt")

    with CaptureQueriesContext(connection) as captured:
        found = (names.employees(["0000042", "0000099", ""]), names.crews({"C001"}), names.work_orders(["0001001"]),
                 names.steps([("0001001", "0020"), ("0001001", "0090"), ("", "0010")]), names.items(["BOLT-10"]))

    assert found == ({"0000042": "Thomas Moreno"}, {"C001": "Weld crew"}, {"0001001": "Cart frame"},
                     {("0001001", "0020"): "Weld"}, {"BOLT-10": "Hex bolt"})
    assert len(captured) == 5
    assert names.employees([]) == {}


def test_a_codes_beginning_is_exactly_the_keys_that_begin_with_it():
    for code in ("A", "AB", "AB-1", "AB\u00e9", "ABC", "AC", "B", "AA\U0001f600"):
        ItemFactory(code=code)

    begins = lambda text: sorted(Item.objects.filter(names.code_starts("code", text)).values_list("code", flat=True))

    assert begins("AB") == ["AB", "AB-1", "ABC", "AB\u00e9"]
    assert begins("A") == ["A", "AA\U0001f600", "AB", "AB-1", "ABC", "AB\u00e9", "AC"]
    assert begins("Z") == []


@pytest.mark.postgresql
@pytest.mark.parametrize("kind,text", [("item", "hex bo"), ("work_order", "cart fr"), ("step", "weld fr"),
                                       ("crew", "weld cr"), ("employee", "thomas mo")])
def test_part_of_a_name_is_read_from_its_trigram_index_on_postgresql(kind, text):
    rows = names.rows_of(names.KINDS[kind]).filter(names.name_contains(names.KINDS[kind], text))
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # of the key: the planner must find the trigram one
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "_trgm" in plan, plan
