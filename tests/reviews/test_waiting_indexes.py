"""The lines waiting for review have partial indexes of their own (a few thousand lines whatever
the history), and the queue's "to review" filters read them.

At 2,000,000 lines the planner's statistics say a work order or an employee is more selective
than a state (SQLite keeps one average per index: 400,000 lines a state, 13,000 an employee),
so without these indexes "this employee, to review" walked the employee's whole history. The
SQLite test sets those statistics, then asks the planner about the queue's own parameterised
query.
"""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory

from reviews.filtersets import TransactionFilterSet
from tests.factories import TransactionFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db
TO_REVIEW = [("status", "needs_review"), ("status", "flagged")]


def _queue(params) -> tuple[str, list]:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in params:
        query.appendlist(key, value)
    request = RequestFactory().get("/review/transactions/")
    filterset = TransactionFilterSet(query, queryset=Transaction.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.order_by("-collected_at", "-id").values_list("id")[:51].query.sql_with_params()


def _plan(sql, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


def _as_at_two_million_lines():
    """sqlite_stat1 as ANALYZE wrote it for the benchmark's 2,000,000-line database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        stats = {"reviews_txn_status_queue": "2002200 400440 1 1", "reviews_txn_employee_queue": "2002200 13348 1 1",
                 "reviews_txn_wo_queue": "2002200 5005 1 1", "reviews_txn_employee_waiting": "2000 14 1 1",
                 "reviews_txn_wo_waiting": "2000 5 1 1", "reviews_txn_wo_state": "2000000 5000 1064 1 1 1 1 1",
                 "reviews_txn_employee_state": "2000000 13334 2685 1 1 1 1 1",
                 "reviews_txn_device_queue": "2000000 100000 1 1", "reviews_txn_device_state": "2000000 100000 20000 1 1"}
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'reviews_transaction'")
        for index, stat in stats.items():
            cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('reviews_transaction', %s, %s)",
                           [index, stat])
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics


@pytest.mark.parametrize("key, index", [("employee", "reviews_txn_employee_waiting"),
                                        ("work_order", "reviews_txn_wo_waiting")])
def test_a_keyed_filter_of_the_lines_to_review_reads_the_waiting_lines_index(key, index):
    TransactionFactory.create_batch(3, employee="0000042", work_order="0001007")
    TransactionFactory.create_batch(3, employee="0000042", work_order="0001007", status="exported")
    sql, params = _queue([*TO_REVIEW, (key, "42" if key == "employee" else "1007")])

    if connection.vendor == "sqlite":
        _as_at_two_million_lines()
        plan = _plan(sql, params)
        assert index in plan and "TEMP B-TREE" not in plan, plan
    else:  # PostgreSQL keeps per-state statistics; it must still be able to read the small index
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _plan(sql, params)
        assert "_waiting" in plan or "reviews_txn_status_queue" in plan, plan


def test_the_term_is_added_only_when_every_state_asked_for_is_waiting_for_review():
    waiting, _ = _queue([*TO_REVIEW, ("employee", "42")])
    one, _ = _queue([("status", "flagged"), ("employee", "42")])
    decided, _ = _queue([("status", "needs_review"), ("status", "exported"), ("employee", "42")])
    every, _ = _queue([("employee", "42")])

    term = "\"reviews_transaction\".\"status\" IN ('flagged', 'needs_review')"
    assert term in waiting and term in one
    assert term not in decided and term not in every


def test_the_queue_still_lists_exactly_the_lines_asked_for(client, supervisor):
    mine = TransactionFactory.create_batch(2, employee="0000042")
    flagged = TransactionFactory(employee="0000042", status="flagged")
    TransactionFactory(employee="0000042", status="exported")
    TransactionFactory(employee="0000043")
    client.force_login(supervisor)

    response = client.get("/review/transactions/", [*TO_REVIEW, ("employee", "42")])

    assert {row.record.pk for row in response.context["table"].paginated_rows} == {t.pk for t in [*mine, flagged]}
    counts = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
    assert counts["To review"] == "3" and counts["Exported"] == "1" and counts["All"] == "4"


@pytest.mark.parametrize("key, index", [("employee", "reviews_txn_employee_state"),
                                        ("work_order", "reviews_txn_wo_state"),
                                        ("device", "reviews_txn_device_state")])
@pytest.mark.parametrize("state", ["approved", "rejected", "exported"])
def test_a_tab_count_under_a_key_reads_only_that_states_lines(key, index, state):
    """The tabs' counts under "this work order" / "this employee" / "this device": the (key, state)
    index, read for the lines of that state alone and without the table (at 2M lines the keyed
    index made the count read the key's whole history, 5,000-100,000 lines, for each state)."""
    from intake.devices import register_device

    handheld, _ = register_device("Handheld 07 (Weld)")
    others = [register_device(f"Handheld {n}")[0] for n in range(3)]
    TransactionFactory.create_batch(3, employee="0000042", work_order="0001007", device=handheld, status=state)
    # The key's other states and the state's other keys, so that only (key, state) is selective.
    TransactionFactory.create_batch(30, employee="0000042", work_order="0001007", device=handheld,
                                    status="needs_review")
    for n in range(30):
        TransactionFactory(employee=f"{100 + n:07d}", work_order=f"{2000 + n:07d}", device=others[n % 3], status=state)
    from django.http import QueryDict

    request = RequestFactory().get("/review/transactions/")
    value = {"employee": "42", "work_order": "1007", "device": handheld.pk}[key]
    query = QueryDict(f"{key}={value}")
    rows = TransactionFilterSet(query, queryset=Transaction.objects.all(), request=request).qs
    sql, params = rows.filter(status=state).order_by().values("id")[:10_001].query.sql_with_params()

    if connection.vendor == "sqlite":
        _as_at_two_million_lines()
        plan = _plan(sql, params)
        assert f"COVERING INDEX {index}" in plan, plan
    else:  # a table of one page: every plan costs alike unless told to read by index, row by row
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reviews_transaction")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        assert index in _plan(sql, params)
    assert rows.filter(status=state).count() == 3


@pytest.mark.django_db(transaction=True)  # PostgreSQL: VACUUM (as autovacuum does) runs outside a transaction
def test_a_work_orders_totals_are_added_up_from_its_index():
    """A search for a work order past SEARCH_IDS lines adds up its hours from the (work order,
    state) index, which holds them (migration 0010): no row of the table is read."""
    TransactionFactory.create_batch(5, work_order="0001007", employee="0000042", status="exported")
    for n in range(30):
        TransactionFactory(work_order=f"{2000 + n:07d}", employee=f"{100 + n:07d}", status="exported")
    from django.db.models import Count, Sum

    from transactions.models import TOTALLED

    rows = Transaction.objects.filter(work_order="0001007").order_by().values("pk", *TOTALLED)[:10_001]
    sql, params = rows.query.get_compiler(using="default").as_sql()
    sql = f"SELECT COUNT(*), {', '.join(f'SUM({name})' for name in TOTALLED)} FROM ({sql}) AS part"
    if connection.vendor == "sqlite":
        _as_at_two_million_lines()
        plan = _plan(sql, params)
        assert "COVERING INDEX reviews_txn_wo_state" in plan, plan
    else:  # an index-only read needs the table's visibility map, which VACUUM keeps
        from django.db import transaction

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE reviews_transaction")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            plan = _plan(sql, params)
        assert "Index Only Scan using reviews_txn_wo_state" in plan, plan
    assert rows.aggregate(n=Count("pk"), hours=Sum("hours"))["n"] == 5
