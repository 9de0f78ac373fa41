"""Malformed bodies thrown at the push: never a 5xx, never a partly stored transaction."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from intake.parsing import FIELDS
from transactions.models import Transaction, TransactionType
from tests.intake.conftest import PUSH_URL, labor

pytestmark = pytest.mark.django_db

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False), st.text(max_size=40),
    st.sampled_from(["0001001", "0010", "0000001", "2026-11-25T07:00:00Z", "Y", "N", "1e400", "-0", "NaN", "",
                     "00000000-0000-0000-0000-000000000000", "2026-02-30T25:00", "99999999999999999999",
                     "\x00", "0001\x00001", "\ud800", "2026-11-25T07:00:00+25:00", "0001-01-01T00:00"]),
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
KEYS = ["client_txn_id", "type", "collected_at", *FIELDS]


@st.composite
def mangled_line(draw):
    """A valid labor line with some keys dropped, changed or replaced by junk of any kind."""
    line = labor()
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=5)):
        action = draw(st.sampled_from(["drop", "junk", "type", "extra"]))
        if action == "extra":  # a key the contract does not know: kept in raw, harmless
            line[draw(st.sampled_from(["", "\x00", "\ud800", "note", key]))] = draw(json_values)
        elif action == "drop":
            line.pop(key, None)
        elif action == "type":
            line["type"] = draw(st.sampled_from(TransactionType.values))
        else:
            line[key] = draw(json_values)
    return line


bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.lists(st.one_of(mangled_line(), json_values), max_size=6).map(
        lambda lines: json.dumps({"transactions": lines}).encode()
    ),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=bodies)
def test_malformed_bodies_never_cause_a_server_error_or_a_partial_row(client, token, mirror, body):
    before = set(Transaction.objects.values_list("pk", flat=True))
    audit_before = AuditEntry.objects.filter(action="collected").count()

    response = client.post(PUSH_URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code in (200, 400, 413), response.content[:300]
    answer = response.json()
    new = set(Transaction.objects.values_list("pk", flat=True)) - before
    if response.status_code != 200:
        assert "detail" in answer and not new
        return
    accepted = {r["id"] for r in answer["results"] if r["status"] == "accepted"}
    assert new == accepted  # every stored row was answered accepted, and nothing else was stored
    assert AuditEntry.objects.filter(action="collected").count() == audit_before + len(new)
    for result in answer["results"]:
        assert result["status"] in ("accepted", "duplicate", "conflict", "invalid")
        assert (result["status"] == "invalid") == (result["id"] is None)
        assert (result["status"] in ("invalid", "conflict")) == bool(result["errors"])
    for txn in Transaction.objects.filter(pk__in=new):
        assert txn.work_order and txn.type in TransactionType.values and txn.content_hash
        assert txn.status in ("needs_review", "flagged")
        assert (txn.status == "flagged") == txn.findings.exists()
