"""Counts that give up rather than slow a page: the database itself stops a statement past its
time, on SQLite (progress handler) and PostgreSQL (statement_timeout), and the connection goes on."""
from __future__ import annotations

import time

import pytest
from django.db import OperationalError, connection

from kernel.counting import Budget, deadline
from tests.factories import TransactionFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db
# Counts to a hundred million, one row at a time: seconds on either database.
SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
        "SELECT count(*) FROM c")


def _slow():
    with connection.cursor() as cursor:
        cursor.execute(SLOW)
        return cursor.fetchone()[0]


def test_a_statement_past_its_deadline_is_stopped_by_the_database():
    started = time.perf_counter()
    with pytest.raises(OperationalError):
        with deadline(0.05):
            _slow()

    assert time.perf_counter() - started < 2
    assert Transaction.objects.count() == 0  # the connection goes on


def test_after_the_block_statements_run_without_the_deadline_again():
    with deadline(5):
        assert Transaction.objects.count() == 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"
    else:
        assert connection.connection is not None
    with connection.cursor() as cursor:  # a short statement after a stopped one, in the same test
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_a_budget_counts_what_fits_and_says_none_for_what_does_not():
    TransactionFactory.create_batch(3)
    budget = Budget(5)

    assert budget.count(Transaction.objects.all(), cap=10) == 3
    assert budget.count(Transaction.objects.all(), cap=1) == 2  # capped: "1+"
    assert not budget.spent_out
    short = Budget(0.05)
    assert short.run(_slow) is None and short.spent_out
    assert short.count(Transaction.objects.all(), cap=10) is None  # nothing left


def test_a_budget_already_spent_runs_nothing():
    budget = Budget(0)
    calls = []

    assert budget.run(lambda: calls.append(1)) is None and calls == []


def test_a_part_of_a_budget_ends_no_later_than_the_budget():
    budget = Budget(60)
    part = budget.part(0.0)
    assert part.run(lambda: 1) is None and part.spent_out and not budget.spent_out
    assert budget.part(120).end == budget.end
    assert budget.run(lambda: 2) == 2
