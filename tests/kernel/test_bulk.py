"""kernel.bulk.insert_objects: what bulk_create stores, without its statement compiler."""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kernel.bulk import insert_objects
from transactions.models import Finding, Transaction, TransactionSource, TransactionStatus, TransactionType

pytestmark = pytest.mark.django_db


def _line(**values):
    return Transaction(
        client_txn_id=uuid.uuid4(), type=TransactionType.LABOR, status=TransactionStatus.NEEDS_REVIEW,
        source=TransactionSource.DEVICE, collected_at=timezone.now() - timedelta(hours=1), work_order="0001001",
        content_hash="c" * 64, **values,
    )


def test_every_value_reads_back_as_bulk_create_would_store_it():
    start = timezone.now().replace(microsecond=123000) - timedelta(hours=3)
    lines = [
        _line(employee="0000042", hours=Decimal("1.250"), start=start, stop=start + timedelta(hours=1.25),
              raw={"hours": 1.25, "note": "é"}, step_complete=True, comment="first"),
        _line(crew="0000007", hours=None, qty_completed=Decimal("3.5000"), raw={}, step_complete=None),
    ]
    before = timezone.now()
    insert_objects(lines, key="client_txn_id")

    assert all(line.pk and not line._state.adding for line in lines)
    stored = {t.pk: t for t in Transaction.objects.filter(pk__in=[line.pk for line in lines])}
    first, second = stored[lines[0].pk], stored[lines[1].pk]
    assert first.client_txn_id == lines[0].client_txn_id and second.client_txn_id == lines[1].client_txn_id
    assert (first.employee, first.hours, first.start, first.stop) == ("0000042", Decimal("1.250"), start,
                                                                       start + timedelta(hours=1.25))
    assert first.raw == {"hours": 1.25, "note": "é"} and first.step_complete is True and first.comment == "first"
    assert (second.crew, second.hours, second.qty_completed, second.step_complete) == (
        "0000007", None, Decimal("3.5000"), None)
    assert first.version == 1 and first.received_at >= before and first.updated_at >= before


def test_findings_keyed_to_their_lines_and_a_duplicate_id_raises_integrity_error():
    line = _line()
    insert_objects([line], key="client_txn_id")
    insert_objects([Finding(transaction_id=line.pk, severity="warning", code="no_employee", message="No employee.")])
    assert list(line.findings.values_list("code", flat=True)) == ["no_employee"]

    again = _line()
    again.client_txn_id = line.client_txn_id
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_objects([again], key="client_txn_id")
    assert Transaction.objects.count() == 1


def test_each_value_prepared_as_its_field_prepares_it():
    """The values bound as they are (a str, a Decimal, and on PostgreSQL a UUID and an aware
    datetime) are exactly what the field would have made of them; the rest went through it."""
    from datetime import datetime

    from django.db import connection

    from kernel.bulk import _preparers

    aware = timezone.now().replace(microsecond=5)
    line = _line(employee="0000042", hours=Decimal("1.250"), start=aware, stop=aware + timedelta(hours=1),
                 raw={"note": "é"}, qty_completed=Decimal("-2"), step_complete=False)
    fields = [f for f in Transaction._meta.concrete_fields
              if not f.primary_key and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)]
    for field, prep in zip(fields, _preparers(fields)):
        ours, theirs = prep(line), field.get_db_prep_save(getattr(line, field.attname), connection)
        assert isinstance(theirs, type(ours)), field.name  # (psycopg's Int4 is an int)
        assert getattr(ours, "obj", ours) == getattr(theirs, "obj", theirs), field.name

    naive = datetime(2026, 3, 1, 7, 30)  # a naive moment still goes through the field: made aware, said
    start = next(f for f in fields if f.name == "start")
    line.start = naive
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        assert _preparers([start])[0](line) == start.get_db_prep_save(naive, connection)
