"""Material lines from a WO2 with no key column: each mirror line keeps its key while it stays on the order."""
from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.devices import register_device
from demo.company import MATERIAL, insert_material_line, material_list, remove_material_line
from mas.models import Item, MaterialLine, WorkOrder
from transactions.models import Transaction
from syncconfig.material_keys import match_lines, next_keys
from syncconfig.models import AutoSyncTable, PullStatus, PullTableRun
from syncconfig.pull import pull_now

pytestmark = pytest.mark.usefixtures("no_pause")
IDENTITY = [0, 1]  # (item, step, qty) below: item and step make a line


# --- matching one order's lines -------------------------------------------------------------
OLD = [("000001", ("BAR", "0010", 5)), ("000002", ("BOLT", "0040", 8)), ("000003", ("BOX", "0060", 1))]


def test_it_keeps_every_key_when_nothing_changed_whatever_order_the_driver_returns():
    assert match_lines(OLD, [v for _, v in OLD], IDENTITY) == ["000001", "000002", "000003"]
    assert match_lines(OLD, [v for _, v in reversed(OLD)], IDENTITY) == ["000003", "000002", "000001"]


def test_a_line_inserted_in_the_middle_is_the_only_new_one():
    new = [OLD[0][1], ("NUT", "0040", 8), OLD[1][1], OLD[2][1]]

    assert match_lines(OLD, new, IDENTITY) == ["000001", None, "000002", "000003"]


def test_a_line_removed_from_the_middle_leaves_the_others_their_keys():
    assert match_lines(OLD, [OLD[0][1], OLD[2][1]], IDENTITY) == ["000001", "000003"]


def test_a_changed_quantity_keeps_the_key_of_its_line():
    assert match_lines(OLD, [OLD[0][1], ("BOLT", "0040", 12), OLD[2][1]], IDENTITY) == ["000001", "000002", "000003"]


def test_two_lines_of_the_same_item_pair_by_value_first_then_in_list_order():
    old = [("000001", ("BOLT", "0040", 4)), ("000002", ("BOLT", "0040", 8))]

    assert match_lines(old, [("BOLT", "0040", 2), ("BOLT", "0040", 8)], IDENTITY) == ["000001", "000002"]
    assert match_lines(old, [("BOLT", "0040", 1), ("BOLT", "0040", 4), ("BOLT", "0040", 9)], IDENTITY) == [
        "000002", "000001", None,
    ]


def test_fresh_keys_follow_every_key_the_order_ever_held():
    assert next_keys(["000001", "000007", "X1"], 2, 6) == ["000008", "000009"]
    assert next_keys([], 1, 6) == ["000001"]
    with pytest.raises(ValueError, match="cannot be numbered"):
        next_keys(["999999"], 1, 6)


# --- the pull against the demo company on the real layouts -----------------------------------------
def material_counts(run) -> tuple[int, int, int, int, int]:
    t = PullTableRun.objects.get(run=run, name="material_lines")
    return t.read, t.inserted, t.updated, t.deactivated, t.unchanged


def mirror_lines(work_order: str) -> dict[str, tuple]:
    """{item: (pk, line_key, last_changed_at, active)} of an order's mirror lines."""
    return {
        line.item_code: (line.pk, line.line_key, line.last_changed_at, line.active)
        for line in MaterialLine.objects.filter(work_order=work_order)
    }


@pytest.fixture
def order(company) -> str:
    """An open work order, not on hold, with at least three material lines of different items."""
    pull_now()
    for wo in WorkOrder.objects.filter(status="O", on_hold=False).values_list("number", flat=True):
        items = list(MaterialLine.objects.filter(work_order=wo).values_list("item_code", flat=True))
        if len(items) >= 3 and len(set(items)) == len(items):
            return wo
    pytest.fail("The demo company has no open order with three material lines")


def listed_items(company, work_order: str) -> list[str]:
    with closing(sqlite3.connect(company.path)) as con:
        return [
            con.execute(f"SELECT ComponentItemNumber FROM {MATERIAL} WHERE rowid = ?", (i,)).fetchone()[0]
            for i in material_list(con, work_order)
        ]


@pytest.fixture
def issues(client, order, company):
    """One material issue collected for each line of ``order``, pushed by a handheld."""
    _device, token = register_device("Handheld 09")
    whse = WorkOrder.objects.get(number=order).parent_warehouse
    body = {"transactions": [
        {
            "client_txn_id": str(uuid.uuid4()), "type": "material_issue", "collected_at": timezone.now().isoformat(),
            "work_order": order, "item_code": item, "warehouse": whse, "quantity": 1,
        }
        for item in listed_items(company, order)
    ]}
    response = client.post(
        "/api/sync/v1/transactions", data=json.dumps(body),
        content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 200 and {r["status"] for r in response.json()["results"]} == {"accepted"}
    return {t.item_code: t for t in Transaction.objects.filter(work_order=order)}


def findings(txn: Transaction) -> set[str]:
    return set(txn.findings.values_list("code", flat=True))


def test_the_first_pull_fills_every_table_and_the_second_writes_nothing(company):
    first = pull_now()
    again = pull_now()

    assert first.status == PullStatus.SUCCEEDED, first.error
    assert all(t.inserted > 0 for t in first.tables.all()), {t.name: t.inserted for t in first.tables.all()}
    assert material_counts(first) == (230, 230, 0, 0, 0)
    assert again.status == PullStatus.SUCCEEDED and not any(t.changed for t in again.tables.all())
    assert material_counts(again) == (230, 0, 0, 0, 230)
    keys = MaterialLine.objects.values_list("work_order", "line_key")
    assert len(set(keys)) == 230 and all(len(key) == 6 and key.isdigit() for _, key in keys)


def test_a_line_removed_from_the_middle_of_a_list_deactivates_only_that_line(company, order, issues):
    before = mirror_lines(order)
    items = listed_items(company, order)
    gone, kept = items[1], [items[0], *items[2:]]
    found = {item: findings(issues[item]) for item in items}
    assert not any("item_not_on_material_list" in codes for codes in found.values()), found

    remove_material_line(company.path, order, 1)
    run = pull_now()

    assert material_counts(run) == (229, 0, 0, 1, 229)
    after = mirror_lines(order)
    assert after[gone][:2] == before[gone][:2] and after[gone][3] is False  # kept, inactive, never deleted
    assert {item: after[item] for item in kept} == {item: before[item] for item in kept}
    for item in kept:  # the collected lines of the other items still find their same mirror line
        line = MaterialLine.objects.get(work_order=order, item_code=item, active=True)
        assert line.pk == before[item][0] and findings(issues[item]) == found[item]
    assert "item_not_on_material_list" in findings(issues[gone])
    assert material_counts(pull_now()) == (229, 0, 0, 0, 229)


def test_a_line_inserted_in_the_middle_of_a_list_is_one_insert(company, order, issues):
    before = mirror_lines(order)
    found = {item: findings(txn) for item, txn in issues.items()}
    new_item = Item.objects.filter(mas_inactive=False).exclude(code__in=before).order_by("code").first()
    step = MaterialLine.objects.filter(work_order=order).order_by("line_key")[1].step

    insert_material_line(company.path, order, 1, {
        "StepNumber": step, "UM": "EACH", "ItemDescription": new_item.description[:30],
        "Whse": WorkOrder.objects.get(number=order).parent_warehouse, "ComponentItemNumber": new_item.code,
        "QtyParent": 2, "UMconversion": 1, "ExtdQtyRequired": 8,
    })
    run = pull_now()

    assert listed_items(company, order)[1] == new_item.code  # in the middle of MAS's list
    assert material_counts(run) == (231, 1, 0, 0, 230)
    after = mirror_lines(order)
    assert {item: after[item] for item in before} == before
    assert int(after[new_item.code][1]) == max(int(key) for _, key, *_ in before.values()) + 1
    assert {item: findings(txn) for item, txn in issues.items()} == found
    assert material_counts(pull_now()) == (231, 0, 0, 0, 231)


def test_a_changed_quantity_is_an_update_of_that_line(company, order):
    before = mirror_lines(order)
    required = dict(MaterialLine.objects.filter(work_order=order).values_list("item_code", "qty_required"))
    with closing(sqlite3.connect(company.path)) as con, con:
        first = material_list(con, order)[0]
        (item,) = con.execute(f"SELECT ComponentItemNumber FROM {MATERIAL} WHERE rowid = ?", (first,)).fetchone()
        con.execute(f"UPDATE {MATERIAL} SET ExtdQtyRequired = ExtdQtyRequired + 5 WHERE rowid = ?", (first,))

    run = pull_now()

    assert material_counts(run) == (230, 0, 1, 0, 229)
    line = MaterialLine.objects.get(pk=before[item][0])
    assert line.line_key == before[item][1] and line.active
    assert line.qty_required == required[item] + 5
    assert {i: v for i, v in mirror_lines(order).items() if i != item} == {i: v for i, v in before.items() if i != item}


def test_a_site_whose_driver_has_a_line_key_maps_it_and_it_is_used_as_it_is(company):
    # Within one order PreviousIndexNumber is unique, so it can stand in for a line key column here.
    AutoSyncTable.objects.filter(name="material_lines").update(
        key_columns={"work_order": "WorkOrder", "line_key": "PreviousIndexNumber"}
    )

    run = pull_now(table=AutoSyncTable.objects.get(name="material_lines"))

    assert material_counts(run) == (230, 230, 0, 0, 0), run.error
    with closing(sqlite3.connect(company.path)) as con:
        expected = {(wo, str(int(prev))) for wo, prev in con.execute(f"SELECT WorkOrder, PreviousIndexNumber FROM {MATERIAL}")}
    assert set(MaterialLine.objects.values_list("work_order", "line_key")) == expected


def test_the_material_lines_mapping_saves_with_no_line_key_column_and_refuses_a_missing_one(client, administrator, company):
    client.force_login(administrator)
    table = AutoSyncTable.objects.get(name="material_lines")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])
    form = {"enabled": "on", "mas_table": table.mas_table, "mode": table.mode}
    form |= {f"key__{f}": c for f, c in table.key_columns.items()} | {f"col__{f}": c for f, c in table.columns.items()}

    page = client.get(url).content.decode()
    refused = client.post(url, {**form, "key__line_key": "LineKey"})
    saved = client.post(url, {**form, "col__qty_issued": ""})

    assert "the portal numbers each order's lines itself" in page
    assert refused.context["form"].errors["key__line_key"] == [
        "MAS table WO2_WorkOrderMaterialDetail has no column 'LineKey'."
    ]
    assert saved.status_code == 302
    table.refresh_from_db()
    assert table.key_columns == {"work_order": "WorkOrder", "line_key": ""} and "qty_issued" not in table.columns
    assert pull_now(table=table).status == PullStatus.SUCCEEDED
    assert set(MaterialLine.objects.values_list("qty_issued", flat=True)) == {Decimal("0")}
