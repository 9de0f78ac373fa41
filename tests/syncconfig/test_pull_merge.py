"""The full pull as a merge of MAS's rows and the mirror's, both sorted by key: what it finds at
every place in the key order, across its pages, and what it does when MAS sorts otherwise."""
from __future__ import annotations

import logging

import pytest

from afterpull.followups import pull_now
from demo.company import insert_statement
from mas import gateway
from mas.models import Item
from syncconfig import pull_diff, pull_write
from syncconfig.models import AutoSyncTable, PullStatus, PullTableRun, SyncMode

pytestmark = [pytest.mark.usefixtures("no_pause"), pytest.mark.mas_drivers]


def item_counts(run) -> tuple[int, int, int, int, int]:
    t = PullTableRun.objects.get(run=run, name="items")
    assert t.status == PullStatus.SUCCEEDED, t.error
    return (t.read, t.inserted, t.updated, t.deactivated, t.unchanged)


def new_item(code: str, description: str = "NEW IN MAS") -> tuple:
    return insert_statement("CI_Item", {
        "ItemCode": code, "ItemCodeDesc": description, "ItemType": "1", "ProductType": "F",
        "StandardUnitOfMeasure": "EACH", "InactiveItem": "N", "StandardUnitCost": 2.5, "DateUpdated": "2020-01-01",
        "TimeUpdated": "08.00000",
    })


@pytest.fixture
def items_in_full(company):
    """The demo company pulled once, its items then pulled in full (as a table without DateUpdated)."""
    pull_now()
    AutoSyncTable.objects.filter(name="items").update(mode=SyncMode.FULL, since=None)
    return AutoSyncTable.objects.get(name="items")


@pytest.fixture
def small_pages(monkeypatch):
    """Pages, fetches and write batches of a few rows, so that every boundary is crossed."""
    monkeypatch.setattr(pull_write, "MIRROR_PAGE", 7)
    monkeypatch.setattr(gateway, "FETCH_SIZE", 11)
    monkeypatch.setattr(pull_diff, "WRITE_BATCH", 5)
    monkeypatch.setattr(pull_diff, "DEACTIVATE_BATCH", 3)


def mirror_matches_mas(company) -> None:
    mas = {code.rstrip(): desc.rstrip() for code, desc in company.query("SELECT ItemCode, ItemCodeDesc FROM CI_Item")}
    active = dict(Item.objects.filter(active=True).values_list("code", "description"))
    assert active == mas


def change_mas_everywhere(company, codes: list[str]) -> None:
    """Rows gone at the start, in the middle and at the end of the key order; new ones before the
    first key, between two and after the last; one changed."""
    middle = len(codes) // 2
    for code in (codes[0], codes[middle], *codes[-4:]):
        company.execute("DELETE FROM CI_Item WHERE ItemCode = ?", code)
    for code in ("!FIRST", f"{codes[middle]}-B", "ZZZZZZ-LAST"):
        company.execute(*new_item(code))
    company.execute("UPDATE CI_Item SET ItemCodeDesc = 'CHANGED' WHERE ItemCode = ?", codes[10])


def test_a_full_pull_finds_rows_gone_new_changed_and_back_across_its_pages(company, items_in_full, small_pages):
    codes = list(Item.objects.order_by("code").values_list("code", flat=True))
    change_mas_everywhere(company, codes)

    run = pull_now(table=items_in_full)

    assert item_counts(run) == (297, 3, 1, 6, 293)
    mirror_matches_mas(company)
    assert Item.objects.filter(active=False).count() == 6

    company.execute(*new_item(codes[0], "BACK AGAIN"))  # a row gone comes back
    run = pull_now(table=items_in_full)

    assert item_counts(run) == (298, 0, 1, 0, 297)
    mirror_matches_mas(company)
    back = Item.objects.get(code=codes[0])
    assert back.active and back.description == "BACK AGAIN"

    company.execute("DELETE FROM CI_Item")  # MAS empty: every row vanishes, none deleted
    run = pull_now(table=items_in_full)

    assert item_counts(run) == (0, 0, 0, 298, 0)
    assert Item.objects.count() == 303 and not Item.objects.filter(active=True).exists()


def test_a_full_pull_never_holds_the_whole_mirror_in_memory(company, items_in_full, monkeypatch):
    def whole_mirror(*args, **kwargs):
        raise AssertionError("the full pull read the whole mirror into a dict")

    monkeypatch.setattr(pull_write.MirrorTable, "index", whole_mirror)
    codes = list(Item.objects.order_by("code").values_list("code", flat=True))
    change_mas_everywhere(company, codes)

    assert item_counts(pull_now(table=items_in_full)) == (297, 3, 1, 6, 293)
    assert item_counts(pull_now(table=items_in_full)) == (297, 0, 0, 0, 297)


def test_a_mas_sorting_keys_otherwise_is_compared_in_memory_with_the_same_result(
    company, items_in_full, small_pages, monkeypatch, caplog
):
    select = gateway.MASGateway.select_chunks

    def sorted_backwards(self, table, columns, **kwargs):
        if not kwargs.get("order_by"):
            yield from select(self, table, columns, **kwargs)
            return
        rows = [row for chunk in select(self, table, columns, **kwargs) for row in chunk]
        rows.reverse()  # as a collation Python does not share would, at its worst
        for start in range(0, len(rows), 11):
            yield rows[start : start + 11]

    monkeypatch.setattr(gateway.MASGateway, "select_chunks", sorted_backwards)
    codes = list(Item.objects.order_by("code").values_list("code", flat=True))
    change_mas_everywhere(company, codes)

    with caplog.at_level(logging.WARNING, logger="syncconfig.pull_diff"):
        run = pull_now(table=items_in_full)

    assert item_counts(run) == (297, 3, 1, 6, 293)  # counted once: the merge's writes were rolled back
    mirror_matches_mas(company)
    assert "compared with the mirror held in memory instead" in caplog.text


def test_a_connection_dropped_during_the_merge_leaves_the_mirror_as_it_was(company, items_in_full, small_pages, monkeypatch):
    codes = list(Item.objects.order_by("code").values_list("code", flat=True))
    change_mas_everywhere(company, codes)
    company.execute("UPDATE CI_Item SET ItemCodeDesc = 'CHANGED'")
    before = list(Item.objects.order_by("code").values())
    select = gateway.MASGateway.select_chunks

    def dropping(self, table, columns, **kwargs):
        for n, chunk in enumerate(select(self, table, columns, **kwargs)):
            if n == 20:
                self._conn.close()  # writes went out before this; the driver fails the next fetch
            yield chunk

    monkeypatch.setattr(gateway.MASGateway, "select_chunks", dropping)

    run = pull_now(table=items_in_full)

    items = run.tables.get(name="items")
    assert items.status == PullStatus.FAILED and items.error.startswith("MAS query failed: "), items.error
    assert list(Item.objects.order_by("code").values()) == before
