"""audit.log.record writes one row per object, with who, request id, changes and reason."""
from __future__ import annotations

import pytest

from audit.log import history, record
from audit.models import AuditEntry
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def test_it_writes_one_row_per_object_with_each_objects_changes(supervisor):
    a, b = TransactionFactory(), TransactionFactory()

    record([a, b], "edit", by=supervisor, reason="typo", changes={a.pk: {"step": ["0010", "0020"]}, b.pk: {}})

    row = history(a).get()
    assert (row.actor, row.actor_label, row.action, row.reason) == (supervisor, "sue.supervisor", "edit", "typo")
    assert row.changes == {"step": ["0010", "0020"]}
    assert history(b).get().changes == {}


def test_a_device_is_named_when_no_user_acted():
    txn = TransactionFactory()

    record([txn], "collected", actor_label="Handheld 7", changes={"hours": [None, 2]})

    row = history(txn).get()
    assert row.actor is None and row.actor_label == "Handheld 7"
    assert row.changes == {"hours": [None, 2]}


def test_an_audit_row_is_never_edited():
    txn = TransactionFactory()
    row = record([txn], "collected", actor_label="Handheld 7")[0]
    row = AuditEntry.objects.get(pk=row.pk)

    row.reason = "rewritten"
    with pytest.raises(ValueError, match="never edited"):
        row.save()
