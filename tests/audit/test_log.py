"""audit.log.record writes one row per object, with who, when, request id, changes and reason."""
from __future__ import annotations

import pytest

from audit.actions import AuditAction
from audit.log import history, record
from audit.models import AuditEntry
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def test_it_writes_one_row_per_object_with_each_objects_changes(supervisor):
    a, b = TransactionFactory(), TransactionFactory()

    written = record([a, b], AuditAction.CORRECTED, by=supervisor, reason="typo",
                     changes_by_pk={a.pk: {"step": ["0010", "0020"]}})

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


def test_shared_changes_are_kept_whatever_holds_the_before_and_after():
    # Shared changes once read as "per object" when their values were not lists, and were lost.
    txns = TransactionFactory.create_batch(2)

    record(txns, AuditAction.CHANGED, actor_label="a command", changes={"hours": (1, 2), "step": ("0010", "0020")})

    assert [history(t).get().changes for t in txns] == [{"hours": [1, 2], "step": ["0010", "0020"]}] * 2


def test_changes_are_given_shared_or_by_pk_not_both():
    txn = TransactionFactory()

    with pytest.raises(TypeError, match="changes .* or changes_by_pk"):
        record([txn], AuditAction.CHANGED, changes={"hours": [1, 2]}, changes_by_pk={txn.pk: {"hours": [1, 2]}})
    assert not AuditEntry.objects.exists()


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
