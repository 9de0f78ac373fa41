"""kernel.parts: a queryset of or-ed conditions read part by part — the same rows, pages and counts."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kernel.counting import capped, capped_sums
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


EITHER = Q(work_order="0001007") | Q(employee="0001007")


def either():
    return Transaction.objects.filter(EITHER)


def merged_either(parts=PARTS, queryset=None):
    return with_parts(Transaction.objects.all() if queryset is None else queryset, EITHER, parts, ORDERS)


@pytest.mark.parametrize("order", [(), ("-collected_at", "-id"), ("collected_at", "id"), ("work_order", "collected_at", "id")])
@pytest.mark.parametrize(("start", "stop"), [(0, 10), (10, 20), (30, 80), (0, 1)])
def test_every_page_is_the_or_ed_querysets_page(lines, order, start, stop):
    plain = either().order_by(*order) if order else either()
    merged = merged_either(queryset=Transaction.objects.order_by(*order) if order else None)
    assert [t.pk for t in merged[start:stop]] == [t.pk for t in plain[start:stop]]


def test_later_filters_apply_to_every_part(lines):
    merged = merged_either().filter(status="approved")
    expected = list(either().filter(status="approved").values_list("pk", flat=True)[:15])
    assert [t.pk for t in merged[:15]] == expected
    assert capped(merged, 1000) == either().filter(status="approved").count()


def test_a_capped_count_counts_each_line_once(lines):
    merged = merged_either()
    total = either().count()
    assert capped(merged, 1000) == total  # the lines of both the work order and the employee once
    assert capped(merged, 5) == 6  # "5+"


def test_sums_within_the_cap_and_none_past_it(lines):
    merged = merged_either()
    total = either().count()
    hours = either().aggregate(h=Sum("hours"))["h"]
    assert capped_sums(merged, 1000, "hours") == (total, {"hours": hours})
    assert capped_sums(either(), 1000, "hours") == (total, {"hours": hours})
    assert capped_sums(merged, 4, "hours") == (5, None)  # "4+", no sum of some of them
    assert capped_sums(either(), 4, "hours") == (5, None)


def test_a_count_past_the_cap_reads_no_row_to_sum(lines):
    with CaptureQueriesContext(connection) as captured:
        assert capped_sums(merged_either(), 4, "hours") == (5, None)
    assert len(captured) == 1 and '"hours"' not in captured[0]["sql"]


def test_parts_with_no_line_in_common_are_added_up_each_on_its_own(lines):
    """No line of both the work order and the employee: each part's sum, no line read by id."""
    both = Q(work_order="0001007", employee="0001007")
    merged, plain = merged_either().exclude(both), either().exclude(both)
    with CaptureQueriesContext(connection) as captured:
        got = capped_sums(merged, 1000, "hours", "quantity")
    assert got == (plain.count(), plain.aggregate(hours=Sum("hours"), quantity=Sum("quantity")))
    assert got[1]["hours"] is not None
    assert not any("json_each" in q["sql"] or "ANY(" in q["sql"] for q in captured), captured


def test_a_page_reads_a_few_rows_of_each_part_from_its_index(lines):
    merged = merged_either(PARTS[:2])
    with CaptureQueriesContext(connection) as captured:
        page = list(merged[:5])
    assert len(page) == 5
    reads = [q["sql"] for q in captured]
    assert len(reads) == 3  # each part's first rows, then the page's rows by id
    assert all("LIMIT 5" in sql for sql in reads[:2]), reads


def test_a_parts_query_names_its_own_key_and_the_later_filters_only(lines):
    """The or-ed condition is taken out of each part's read: the work order's index answers the
    work order's part without the table (the condition would name the employee too)."""
    merged = merged_either(PARTS[:2]).filter(status="approved")
    with CaptureQueriesContext(connection) as captured:
        page = list(merged[:5])
    assert [t.pk for t in page] == list(either().filter(status="approved").values_list("pk", flat=True)[:5])
    by_wo, by_employee = (q["sql"] for q in captured[:2])
    assert '"work_order" =' in by_wo and '"employee"' not in by_wo and '"status" =' in by_wo
    assert '"employee" =' in by_employee and '"work_order"' not in by_employee and '"status" =' in by_employee


@pytest.mark.parametrize("later", [
    lambda qs: qs.exclude(status="exported"),
    lambda qs: qs.filter(Q(status="approved") | Q(work_order="0002000")),
    lambda qs: qs.filter(collected_at__gte=timezone.now() - timedelta(days=30, minutes=-20)).exclude(pk=0),
])
def test_every_later_filter_keeps_its_meaning_in_the_parts(lines, later):
    merged, plain = later(merged_either()), later(either())
    assert [t.pk for t in merged[:40]] == list(plain.values_list("pk", flat=True)[:40])
    assert capped(merged, 1000) == plain.count()
