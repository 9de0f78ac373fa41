"""The export's read of the claimed lines: what the ORM would give, a chunk at a time, whatever
the chunks (the fingerprint, the CSV's bytes and the totals do not depend on them)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from batches import claim, services, writer
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(db):
    """Approved lines with every kind of value the export reads: empty and given times, hours and
    quantities of fewer places than their fields hold, flags set, unset and empty."""
    now = timezone.now().replace(microsecond=123456)
    lines = []
    for i in range(23):
        start = now - timedelta(hours=3, seconds=i) if i % 3 == 1 else None
        lines.append(TransactionFactory(
            status="approved", collected_at=now - timedelta(minutes=i, microseconds=i),
            hours=Decimal("1.5") if i % 3 == 0 else None, start=start,
            stop=start + timedelta(minutes=95, seconds=7) if start else None,
            quantity=Decimal("2") if i % 4 == 0 else None, qty_completed=Decimal("0.125") if i % 5 else None,
            qty_scrapped=Decimal("0.0001") if i % 7 == 0 else None, amount=Decimal("12.5") if i % 2 else None,
            step_complete=(None, True, False)[i % 3], close_order=(True, None, False)[i % 3],
        ))
    return lines


def _claimed(monkeypatch, chunk: int) -> tuple[list[list[tuple]], list[tuple]]:
    """The claimed lines read in chunks of ``chunk``, and the same read by the ORM's iterator."""
    monkeypatch.setattr(claim, "READ_CHUNK", chunk)
    with transaction.atomic():
        claim.claim(now=timezone.now())
        chunks = list(claim.claimed_chunks(*services._CLAIMED))
        by_orm = list(claim._claimed().values_list(*services._CLAIMED).iterator(chunk_size=chunk))
        transaction.set_rollback(True)
    return chunks, by_orm


@pytest.mark.parametrize("chunk", [1, 7, 2000])
def test_the_claimed_lines_are_read_as_the_orm_reads_them(varied, monkeypatch, chunk):
    chunks, by_orm = _claimed(monkeypatch, chunk)

    rows = [row for part in chunks for row in part]
    assert len(rows) == len(varied) and all(len(part) <= chunk for part in chunks)
    assert rows == by_orm
    # Equal is not enough: the same types, time zones and decimal places (what the CSV shows).
    assert [[(type(v), repr(v)) for v in row] for row in rows] == [[(type(v), repr(v)) for v in row] for row in by_orm]


def test_the_export_counts_and_stages_the_same_whatever_the_chunks(varied, monkeypatch):
    results = []
    for chunk in (1, 5, 2000):
        chunks, _ = _claimed(monkeypatch, chunk)
        tally, staged = services.Tally(), writer._Rows(7)

        class Staged:
            def add_many(self, values):
                staged.add_many(values)

        for part in chunks:
            services._export_chunk(part, batch_pk=1, first_line_no=tally.count + 1, tally=tally, staged_file=Staged())
        results.append((tally.count, tally.fingerprint, tally.total_hours, tally.total_quantity, tally.by_type,
                        staged.take()))

    assert results[0] == results[1] == results[2]
    assert results[0][1] == services.select().fingerprint  # the versions before the claim, as the supervisor saw them


@pytest.mark.postgresql
def test_the_read_is_planned_for_every_row_and_leaves_the_setting_as_it_was(varied):
    with transaction.atomic():
        claim.claim(now=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 0.25")
        assert sum(len(part) for part in claim.claimed_chunks("pk")) == len(varied)
        with connection.cursor() as cursor:
            cursor.execute("SHOW cursor_tuple_fraction")
            assert cursor.fetchone()[0] == "0.25"
        transaction.set_rollback(True)
