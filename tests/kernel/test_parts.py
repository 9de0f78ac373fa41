"""kernel.parts: a queryset of or-ed conditions read part by part — the same rows, pages and counts."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kernel.counting import at_most, capped
from kernel.parts import with_parts
from tests.factories import TransactionFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db
PARTS = [Q(work_order="0001007"), Q(employee="0001007"), Q(pk=-1)]
ORDERS = {("-collected_at", "-id"): True, ("collected_at", "id"): False}


@pytest.fixture
def lines():
    """Lines of the work order, of the employee, of both, and of neither; some at one moment."""
    rng = random.Random(3)
    start = timezone.now() - timedelta(days=30)
    made = []
    for n in range(60):
        wo, emp = rng.choice([("0001007", "0000001"), ("0002000", "0001007"), ("0001007", "0001007"),
                              ("0003000", "0000002")])
        at = start + timedelta(minutes=rng.randrange(0, 40) if n % 3 else 7)  # ties in collected_at
        made.append(TransactionFactory(work_order=wo, employee=emp, collected_at=at,
                                       status=rng.choice(["needs_review", "approved", "exported"])))
    return made


def either():
    return Transaction.objects.filter(Q(work_order="0001007") | Q(employee="0001007"))


@pytest.mark.parametrize("order", [(), ("-collected_at", "-id"), ("collected_at", "id"), ("work_order", "collected_at", "id")])
@pytest.mark.parametrize(("start", "stop"), [(0, 10), (10, 20), (30, 80), (0, 1)])
def test_every_page_is_the_or_ed_querysets_page(lines, order, start, stop):
    plain = either().order_by(*order) if order else either()
    merged = with_parts(plain, PARTS, ORDERS)
    assert [t.pk for t in merged[start:stop]] == [t.pk for t in plain[start:stop]]


def test_later_filters_apply_to_every_part(lines):
    merged = with_parts(either(), PARTS, ORDERS).filter(status="approved")
    expected = list(either().filter(status="approved").values_list("pk", flat=True)[:15])
    assert [t.pk for t in merged[:15]] == expected
    assert capped(merged, 1000) == either().filter(status="approved").count()


def test_a_capped_count_counts_each_line_once(lines):
    merged = with_parts(either(), PARTS, ORDERS)
    total = either().count()
    assert capped(merged, 1000) == total  # the lines of both the work order and the employee once
    assert capped(merged, 5) == 6  # "5+"


def test_at_most_n_rows_to_sum(lines):
    merged = with_parts(either(), PARTS, ORDERS)
    rows = at_most(merged, 1000, "id", "hours").aggregate(n=Count("id"))
    assert rows["n"] == either().count()
    assert at_most(merged, 4, "id").count() == 4


def test_a_page_reads_a_few_rows_of_each_part_from_its_index(lines):
    merged = with_parts(either(), PARTS[:2], ORDERS)
    with CaptureQueriesContext(connection) as captured:
        page = list(merged[:5])
    assert len(page) == 5
    reads = [q["sql"] for q in captured]
    assert len(reads) == 3  # each part's first rows, then the page's rows by id
    assert all("LIMIT 5" in sql for sql in reads[:2]), reads
