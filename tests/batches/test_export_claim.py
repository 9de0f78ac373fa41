"""The export's claim: one statement whatever the number of lines, and the confirmation it honours."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from batches import claim, services
from batches.models import BatchLine, ExportBatch
from transactions.models import Transaction
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def _updates_of_lines(queries) -> list[str]:
    table = Transaction._meta.db_table
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "WITH")) and table in q["sql"]]


@pytest.fixture
def many_approved(db):
    now = timezone.now()
    return [
        TransactionFactory(status="approved", hours=Decimal("1.000"), collected_at=now - timedelta(minutes=i))
        for i in range(30)
    ]


def test_it_claims_every_approved_line_in_one_statement_whatever_their_number(run_export, many_approved, monkeypatch):
    monkeypatch.setattr(claim, "READ_CHUNK", 7)  # the lines are read in several chunks
    with CaptureQueriesContext(connection) as queries:
        batch = run_export().batch

    assert len(_updates_of_lines(queries.captured_queries)) == 1
    assert batch.lines == 30 and batch.total_hours == Decimal("30.000")
    lines = list(BatchLine.objects.filter(batch=batch).order_by("line_no").values_list("line_no", "transaction_id"))
    oldest_first = sorted(many_approved, key=lambda t: (t.collected_at, t.pk))
    assert lines == [(i, t.pk) for i, t in enumerate(oldest_first, 1)]
    assert set(Transaction.objects.values_list("status", "version")) == {("exported", 2)}
    assert AuditEntry.objects.filter(action="exported").count() == 30


def test_a_line_changed_since_the_supervisor_confirmed_sends_nothing_and_claims_nothing(run_export, many_approved):
    confirmed = services.select().fingerprint
    edited = many_approved[3]
    Transaction.objects.filter(pk=edited.pk).update(version=F("version") + 1, hours=Decimal("9.000"))

    outcome = run_export(confirmed=confirmed)

    assert outcome.changed and outcome.batch is None
    assert ExportBatch.objects.count() == 0 and BatchLine.objects.count() == 0
    assert not AuditEntry.objects.filter(action="exported").exists()
    assert set(Transaction.objects.exclude(pk=edited.pk).values_list("status", "version")) == {("approved", 1)}
    assert run_export(confirmed=services.select().fingerprint).batch.lines == 30


def test_a_line_rejected_since_the_supervisor_confirmed_sends_nothing(run_export, many_approved):
    confirmed = services.select().fingerprint
    Transaction.objects.filter(pk=many_approved[0].pk).update(status="rejected", version=F("version") + 1)

    outcome = run_export(confirmed=confirmed)

    assert outcome.changed and ExportBatch.objects.count() == 0
    assert Transaction.objects.filter(status="approved").count() == 29


def test_confirming_lines_that_were_all_sent_meanwhile_says_they_changed(run_export, many_approved):
    confirmed = services.select().fingerprint
    run_export()

    outcome = run_export(confirmed=confirmed)

    assert outcome.changed and ExportBatch.objects.count() == 1


def test_only_the_picked_lines_are_claimed_and_the_rest_stay_approved(run_export, many_approved):
    picked = [t.pk for t in many_approved[::3]]

    batch = run_export(picked, confirmed=services.select(picked).fingerprint).batch

    assert set(BatchLine.objects.filter(batch=batch).values_list("transaction_id", flat=True)) == set(picked)
    assert Transaction.objects.filter(status="approved").count() == 30 - len(picked)
    assert not Transaction.objects.filter(status="approved", version__gt=1).exists()


def test_the_confirmation_counts_every_line_but_keeps_only_the_lines_the_page_lists(monkeypatch, many_approved):
    full = services.select()
    monkeypatch.setattr(services, "PREVIEW_ROWS", 5)

    selection = services.select()

    assert len(selection.rows) == 5 and selection.count == 30 == full.count
    assert selection.fingerprint == full.fingerprint and selection.total_hours == Decimal("30.000")
    assert selection.by_type == full.by_type and selection.by_type["labor"]["lines"] == 30
