"""The queue's free-text search: answered by the search index (migration 0005), kept by triggers."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployeeFactory, TransactionFactory
from transactions import search
from transactions.models import Transaction

pytestmark = [pytest.mark.django_db]
LIST = reverse("reviews:transaction_list")


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


def test_the_triggers_that_keep_the_search_index_exist():
    assert {"reviews_transaction_search_insert", "reviews_transaction_search_update",
            "reviews_transaction_search_delete"} <= search.triggers()


def test_the_index_follows_arrivals_corrections_and_deletions():
    txn = TransactionFactory(item_code="BOLT-10", comment="Left at the saw")
    assert search.matching_ids("olt-1", 10) == [txn.pk]
    assert search.matching_ids("THE SAW", 10) == [txn.pk]

    Transaction.objects.filter(pk=txn.pk).update(comment="Moved to bay 4")
    assert search.matching_ids("the saw", 10) == [] and search.matching_ids("bay 4", 10) == [txn.pk]

    Transaction.objects.filter(pk=txn.pk).delete()
    assert search.matching_ids("bay 4", 10) == []


def test_a_decision_leaves_the_index_alone():
    txn = TransactionFactory(comment="Checked twice")
    Transaction.objects.filter(pk=txn.pk).update(status="approved", version=2)
    assert search.matching_ids("checked", 10) == [txn.pk]


@pytest.mark.parametrize(("text", "expected"), [
    ("Moreno", {"moreno"}), ("thomas mor", {"moreno"}), ("BOLT", {"bolt"}), ("bolt-1", {"bolt"}),
    ("1001", {"wo"}), ("42", {"moreno"}), ("saw blade", {"bolt"}), ("NOSUCH", set()), ("10%", set()),
])
def test_the_search_box_finds_keys_text_and_names(client, supervisor, text, expected):
    EmployeeFactory(number="0000042", first_name="Thomas", last_name="Moreno")
    lines = {
        "moreno": TransactionFactory(work_order="0002002", employee="0000042"),
        "bolt": TransactionFactory(work_order="0003003", type="material_issue", employee="", item_code="BOLT-10",
                                   comment="for the saw blade guard"),
        "wo": TransactionFactory(work_order="0001001", employee="0000007"),
    }
    client.force_login(supervisor)

    response = client.get(LIST, {"q": text, "status": []})

    assert response.status_code == 200
    assert listed(response) == {lines[k].pk for k in expected}


def test_a_search_that_matches_nothing_reads_no_line(client, supervisor):
    TransactionFactory(comment="ordinary")
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "NOSUCH"})

    assert listed(response) == set()
    line_reads = [q["sql"] for q in captured if 'FROM "reviews_transaction"' in q["sql"]]
    plans = []
    with connection.cursor() as cursor:
        for sql in line_reads:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql)
            plans.append(" ".join(str(row) for row in cursor.fetchall()))
    assert plans and not any("SCAN reviews_transaction " in p + " " or "Seq Scan on reviews_transaction " in p
                             for p in plans), plans


def _offered_sorts() -> list[str]:
    from reviews.tables import TransactionTable

    table = TransactionTable([])
    return [f"{sign}{c.name}" for c in table.columns.iterall() if c.orderable for sign in ("", "-")]


def test_the_queue_offers_only_the_sorts_its_indexes_serve():
    assert sorted({s.lstrip("-") for s in _offered_sorts()}) == ["collected_at", "id", "status", "who", "work_order"]


@pytest.mark.parametrize("sort", _offered_sorts())
def test_each_offered_sort_is_read_from_an_index_without_sorting_the_table(client, supervisor, sort):
    TransactionFactory()
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"sort": sort})

    assert response.status_code == 200
    page = [q["sql"] for q in captured if 'FROM "reviews_transaction"' in q["sql"] and "ORDER BY" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + page[-1])
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a tiny table: make the planner cost as at millions of lines
            # The tables' statistics as autovacuum would keep them (a server may run without it).
            cursor.execute("ANALYZE reviews_transaction, intake_device, auth_user")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + page[-1])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "Sort" not in plan.replace("Sort Key", ""), plan
    else:
        assert "TEMP B-TREE" not in plan, plan



def test_a_search_counts_its_lines_per_state_in_one_grouped_query(client, supervisor):
    for status, n in (("needs_review", 3), ("flagged", 1), ("approved", 2), ("exported", 4)):
        for _ in range(n):
            TransactionFactory(work_order="0001007", status=status)
    TransactionFactory(work_order="0001008", status="approved")  # not found
    TransactionFactory(work_order="0002000", comment="rework of 0001007", status="rejected")  # found by its comment
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "1007", "status": ["needs_review", "flagged"]})

    counts = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"To review": "4", "Needs review": "3", "Flagged": "1", "Approved": "2", "Rejected": "1",
                      "Exported": "4", "All": "11"}
    assert {r.record.work_order for r in response.context["table"].page.object_list} == {"0001007"}
    assert response.context["queue_totals"]["count"] == "4"
    grouped = [q["sql"] for q in captured if "GROUP BY" in q["sql"] and '"reviews_transaction"."status"' in q["sql"]]
    assert len(grouped) == 1, grouped


def test_a_search_of_many_lines_reads_its_page_and_counts_part_by_part(client, supervisor, monkeypatch):
    """Past SEARCH_IDS matches the page is merged from each key's first rows and each tab is
    counted part by part — the same lines, counts and totals as the or-ed search, no line read
    outside the parts' indexes."""
    from reviews import filtersets

    monkeypatch.setattr(filtersets, "SEARCH_IDS", 3)
    for status, n in (("needs_review", 3), ("flagged", 1), ("approved", 2), ("exported", 4)):
        for _ in range(n):
            TransactionFactory(work_order="0001007", status=status, hours="1.50")
    TransactionFactory(work_order="0002000", employee="0001007", status="approved", hours="2.00")  # employee 1007
    TransactionFactory(work_order="0001008", status="approved")  # not found
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "1007", "per_page": 5})

    counts = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"To review": "4", "Needs review": "3", "Flagged": "1", "Approved": "3", "Rejected": "0",
                      "Exported": "4", "All": "11"}
    expected = list(Transaction.objects.exclude(work_order="0001008").values_list("pk", flat=True)[:5])
    assert [r.record.pk for r in response.context["table"].page.object_list] == expected
    totals = response.context["queue_totals"]
    assert (totals["count"], totals["sums"]["hours"]) == ("11", "17")
    assert not response.context["filter"].searched_by_ids
    line_reads = [q["sql"] for q in captured if 'FROM "reviews_transaction"' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE reviews_transaction")
            cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for sql in line_reads:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql)
            plans.append(" ".join(str(row) for row in cursor.fetchall()))
    assert not any("SCAN reviews_transaction " in p + " " or "Seq Scan on reviews_transaction " in p
                   for p in plans), plans


def test_a_key_typed_whole_is_read_once_by_the_probe(client, supervisor, monkeypatch):
    """"0001007" is both the key as typed and the key padded: one condition. Read twice, the
    probe's UNION ALL would count each of the work order's lines twice and take three lines for
    "more than SEARCH_IDS"."""
    from reviews import filtersets

    monkeypatch.setattr(filtersets, "SEARCH_IDS", 4)
    lines = TransactionFactory.create_batch(3, work_order="0001007")
    client.force_login(supervisor)

    response = client.get(LIST, {"q": "0001007", "status": []})

    assert response.context["filter"].searched_by_ids
    assert listed(response) == {t.pk for t in lines}
