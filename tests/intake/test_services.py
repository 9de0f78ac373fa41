"""The intake service under a race: a row another push stored between our look and our insert."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from intake import services
from transactions.models import Transaction
from tests.intake.conftest import labor

pytestmark = pytest.mark.django_db


@pytest.fixture
def blind_lookups(monkeypatch):
    """Once armed, both of collect's looks for stored ids see nothing, as when another push
    commits the same ids in between; the re-read after the failed insert sees the truth."""
    real, calls = services._stored, {"n": 0}

    def blind(ids):
        calls["n"] += 1
        return {} if calls["n"] <= 2 else real(ids)

    def arm():
        monkeypatch.setattr(services, "_stored", blind)
        return calls

    return arm


def test_a_racing_replay_is_answered_duplicate_and_the_rest_is_stored(mirror, device, blind_lookups):
    raced, other = labor(), labor(hours=3)
    winner = Transaction.objects.get(pk=services.collect([raced], device=device)[0].id)  # the other push
    calls = blind_lookups()

    results = services.collect([raced, other], device=device)

    assert calls["n"] == 3  # the bulk insert failed and the row was read again

    assert [r.status for r in results] == ["duplicate", "accepted"]
    assert results[0].id == winner.pk
    assert Transaction.objects.count() == 2
    assert AuditEntry.objects.filter(action="collected").count() == 2
    assert Transaction.objects.get(pk=results[1].id).findings.count() == 0


def test_a_racing_reuse_with_other_content_is_a_conflict_and_changes_nothing(mirror, device, blind_lookups):
    line = labor()
    services.collect([line], device=device)
    stored = Transaction.objects.values().get()
    blind_lookups()

    [result] = services.collect([{**line, "hours": 7}], device=device)

    assert result.status == "conflict"
    assert Transaction.objects.values().get() == stored
