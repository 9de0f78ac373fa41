"""kernel.idlist: a list of ids as one query parameter, in filters and in statements by hand."""
from __future__ import annotations

from django.db import connection
from django.db.models import Q
import pytest

from kernel.idlist import InIds, condition
from tests.factories import TransactionFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db


def test_the_rows_of_the_ids_with_one_parameter_however_many_ids():
    lines = [TransactionFactory() for _ in range(3)]
    wanted = [lines[0].pk, lines[2].pk, *range(10**9, 10**9 + 40_000)]  # most match nothing
    passed = []

    def keep(execute, sql, params, many, context):
        passed.append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = set(Transaction.objects.filter(InIds(wanted)).values_list("pk", flat=True))
    assert found == {lines[0].pk, lines[2].pk}
    # One statement of one parameter (pk__in would pass 40,002).
    assert [len(params) for params in passed] == [1]


def test_it_combines_with_other_conditions_and_in_a_subquery():
    a, b, c = (TransactionFactory(work_order=wo) for wo in ("0001001", "0001002", "0001003"))
    either = Transaction.objects.filter(Q(InIds([a.pk])) | Q(work_order="0001003"))
    assert set(either.values_list("pk", flat=True)) == {a.pk, c.pk}
    inner = Transaction.objects.filter(InIds([a.pk, b.pk])).values("pk")
    assert set(Transaction.objects.filter(pk__in=inner).exclude(InIds([b.pk])).values_list("pk", flat=True)) == {a.pk}
    assert not Transaction.objects.filter(InIds([])).exists()


def test_a_statement_by_hand():
    line = TransactionFactory()
    sql, params = condition("id", [line.pk, line.pk + 1000], connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Transaction._meta.db_table} WHERE {sql}", params)
        assert [row[0] for row in cursor.fetchall()] == [line.pk]
    assert len(params) == 1
