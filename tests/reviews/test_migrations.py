"""The data step of reviews 0003: the work center of lines stored before the column existed."""
from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from transactions.models import Transaction
from tests.factories import TransactionFactory, WorkOrderStepFactory

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

    step_0003.fill_work_center(apps, SimpleNamespace(connection=connection))

    stored = dict(Transaction.objects.values_list("pk", "work_center"))
    assert [stored[t.pk] for t in lines] == ["ASM", "WELD", "WELD", "", ""]
