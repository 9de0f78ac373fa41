"""audit.log.record writes one row per object, with who, when, request id, changes and reason."""
from __future__ import annotations

import pytest

from audit.log import history, record
from audit.models import AuditEntry
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def test_it_writes_one_row_per_object_with_each_objects_changes(supervisor):
    a, b = TransactionFactory(), TransactionFactory()

    written = record([a, b], "corrected", by=supervisor, reason="typo", changes={a.pk: {"step": ["0010", "0020"]}, b.pk: {}})

    assert written == 2
    row = history(a).get()
    assert (row.actor, row.actor_label, row.action, row.reason) == (supervisor, "sue.supervisor", "corrected", "typo")
    assert row.changes == {"step": ["0010", "0020"]} and row.object_repr == str(a)
    assert row.at is not None
    assert history(b).get().changes == {}


def test_shared_changes_and_a_device_named_when_no_user_acted():
    txns = TransactionFactory.create_batch(3)

    record(txns, "collected", actor_label="Handheld 7", changes={"hours": [None, 2]})

    rows = AuditEntry.objects.filter(action="collected")
    assert rows.count() == 3
    assert {(r.actor, r.actor_label, str(r.changes)) for r in rows} == {(None, "Handheld 7", "{'hours': [None, 2]}")}


def test_nothing_to_write_writes_nothing():
    assert record([], "approve") == 0
    assert not AuditEntry.objects.exists()


def test_an_audit_row_is_never_edited():
    txn = TransactionFactory()
    record([txn], "collected", actor_label="Handheld 7")
    row = history(txn).get()

    row.reason = "rewritten"
    with pytest.raises(ValueError, match="never edited"):
        row.save()
