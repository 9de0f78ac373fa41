"""The data steps of reviews 0003 (work center of stored lines) and transactions 0003 (source of stored decisions)."""
from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.factories import TransactionFactory, WorkOrderStepFactory
from transactions.models import Finding, Transaction

pytestmark = pytest.mark.django_db
step_0003 = importlib.import_module("reviews.migrations.0003_transaction_work_center")


def test_the_migration_fills_the_work_center_of_stored_lines_from_the_mirror_in_chunks(monkeypatch):
    monkeypatch.setattr(step_0003, "CHUNK", 2)
    WorkOrderStepFactory(work_order="0001001", step="0010", work_center="ASM")
    WorkOrderStepFactory(work_order="0001001", step="0020", work_center="WELD")
    lines = [
        TransactionFactory(step="0010"), TransactionFactory(step="0020"), TransactionFactory(step="0020"),
        TransactionFactory(step="0090"), TransactionFactory(step="", status="exported"),
    ]

    # The models as that migration knows them (the line was still in the reviews app then).
    apps = MigrationLoader(connection).project_state(("reviews", "0003_transaction_work_center")).apps
    step_0003.fill_work_center(apps, SimpleNamespace(connection=connection))

    stored = dict(Transaction.objects.values_list("pk", "work_center"))
    assert [stored[t.pk] for t in lines] == ["ASM", "WELD", "WELD", "", ""]


step_0005 = importlib.import_module("transactions.migrations.0003_decision_source")


def test_the_migration_stores_each_decisions_source_from_reviewed_by_and_the_audit_rows(supervisor, monkeypatch):
    from audit.log import record

    monkeypatch.setattr(step_0005, "CHUNK", 2)
    by_hand = TransactionFactory(status="approved", reviewed_by=supervisor)
    ready = TransactionFactory(status="exported")
    record([ready], "collected", actor_label="Handheld 7", reason="Processing option: ready at once.",
           changes={"status": [None, "approved"]})
    automatic = TransactionFactory(status="approved")
    record([automatic], "collected", actor_label="Handheld 7",
           reason="Processing option: process automatically; no findings, approved.", changes={"status": [None, "approved"]})
    unnamed = TransactionFactory(status="rejected")
    record([unnamed], "collected", actor_label="Handheld 7", reason="Processing option: review by hand.",
           changes={"status": [None, "needs_review"]})
    record([unnamed], "reject", actor_label="Automatic processing", reason="old path")
    unknown = TransactionFactory(status="approved")  # no audit row at all: what the schedule took it for
    waiting = TransactionFactory(status="needs_review")
    never_checked, never_checked_flagged = TransactionFactory(), TransactionFactory()
    Finding.objects.create(transaction=never_checked_flagged, severity="warning", code="long_shift", message="Long")
    Transaction.objects.filter(pk__in=[never_checked.pk, never_checked_flagged.pk]).update(status="collected")
    Transaction.objects.update(decision_source="")

    step_0005.backfill_decision_source(apps, SimpleNamespace(connection=connection))

    stored = dict(Transaction.objects.values_list("pk", "decision_source"))
    assert [stored[t.pk] for t in (by_hand, ready, automatic, unnamed, unknown, waiting)] == [
        "supervisor", "ready_at_once", "automatic", "system", "automatic", ""
    ]
    states = dict(Transaction.objects.values_list("pk", "status"))
    assert (states[never_checked.pk], states[never_checked_flagged.pk]) == ("needs_review", "flagged")
