"""The device API reads bounded input only: a value beyond the bounds costs its own line, never
the request's other lines; whole-request problems are JSON errors; nothing answers 500."""
from __future__ import annotations

import base64
import json

import pytest

from intake.parsing import MAX_LINE_CHARS, MAX_VALUE_DEPTH
from transactions.models import Transaction
from tests.intake.conftest import labor

pytestmark = pytest.mark.django_db
MASTERDATA = "/api/sync/v1/masterdata"


def nested(levels: int):
    value = "deep"
    for _ in range(levels):
        value = [value]
    return value


def test_a_deeply_nested_value_makes_only_its_own_line_invalid(push, mirror):
    good, deep, after = labor(), labor(scanner_state=nested(500)), labor(hours=3)

    response = push({"transactions": [good, deep, after]})

    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert (first["status"], third["status"]) == ("accepted", "accepted")
    assert second == {
        "client_txn_id": deep["client_txn_id"], "status": "invalid", "id": None,
        "errors": {"scanner_state": (
            f"Nested more than {MAX_VALUE_DEPTH} levels deep; the fields of a transaction are plain values."
        )},
    }
    stored = {str(txn_id) for txn_id in Transaction.objects.values_list("client_txn_id", flat=True)}
    assert stored == {good["client_txn_id"], after["client_txn_id"]}


def test_a_value_nested_within_the_bound_is_kept_in_raw(push, mirror):
    line = labor(scanner_state={"battery": [1, 2, {"cells": [3]}]})

    [result] = push({"transactions": [line]}).json()["results"]

    assert result["status"] == "accepted"
    assert Transaction.objects.get(pk=result["id"]).raw["scanner_state"] == {"battery": [1, 2, {"cells": [3]}]}


def test_a_deeply_nested_known_field_is_named(push, mirror):
    [result, ok] = push({"transactions": [labor(work_order=nested(40)), labor()]}).json()["results"]

    assert result["status"] == "invalid" and list(result["errors"]) == ["work_order"]
    assert ok["status"] == "accepted"


def test_an_oversized_line_is_invalid_and_the_others_are_stored(push, mirror):
    huge = labor(notes=["x" * 1000] * (MAX_LINE_CHARS // 1000 + 1))

    results = push({"transactions": [huge, labor()]}).json()["results"]

    assert [r["status"] for r in results] == ["invalid", "accepted"]
    assert results[0]["errors"] == {"transaction": "Larger than 64 KB of text; a transaction is far smaller."}


@pytest.mark.parametrize("text", ["cell\x004", "cell \ud800 4"])
def test_a_text_field_with_nul_or_a_lone_surrogate_is_a_field_error(push, mirror, text):
    results = push({"transactions": [labor(comment=text), labor()]}).json()["results"]

    assert results[0]["errors"] == {"comment": "Must be plain text (no NUL characters or broken Unicode)."}
    assert results[1]["status"] == "accepted"


def test_a_body_nested_beyond_any_line_is_a_400_in_json(push, mirror):
    response = push('{"transactions": [' + "[" * 100_000 + "]" * 100_000 + "]}", raw=True)

    assert response.status_code == 400
    assert response.json() == {"detail": "The body nests arrays and objects more than 512 levels deep."}


def test_a_duplicated_transactions_key_is_a_400_that_says_so(push, mirror):
    first, second = labor(), labor()
    body = '{"transactions": [%s], "transactions": [%s]}' % (json.dumps(first), json.dumps(second))

    response = push(body, raw=True)

    assert response.status_code == 400
    assert response.json() == {"detail": 'The body has the key "transactions" twice in one object; send each key once.'}
    assert not Transaction.objects.exists()


def test_a_key_twice_in_one_line_is_a_400_too(push, mirror):
    line = json.dumps(labor(hours=2))[:-1] + ', "hours": 3}'

    response = push('{"transactions": [%s]}' % line, raw=True)

    assert response.status_code == 400 and '"hours" twice' in response.json()["detail"]


def test_a_body_over_the_size_bound_is_a_413_in_json(push, mirror):
    response = push(json.dumps({"transactions": [labor(comment="x" * 17 * 1024 * 1024)]}), raw=True)

    assert response.status_code == 413
    assert response.json() == {"detail": "The body is larger than 16 MB. Push fewer transactions at once."}


def test_a_body_over_djangos_upload_limit_but_within_the_apis_is_read(push, mirror, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    lines = [labor(comment="c" * 500) for _ in range(10)]

    response = push({"transactions": lines})

    assert response.status_code == 200 and Transaction.objects.count() == 10


def test_a_host_django_refuses_is_a_json_400_under_the_api(client, token):
    response = client.get(MASTERDATA, HTTP_HOST="evil.example", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


# --- the masterdata cursor ------------------------------------------------------------------------
def cursor_of(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.mark.parametrize("since", [
    cursor_of(b"[" * 5000 + b"]" * 5000),
    cursor_of(b'{"v": 1, "t": ' + b"[" * 150 + b"]" * 150 + b"}"),
    cursor_of(b'{"t": "2026-01-01T00:00:00+00:00", "t": "2020-01-01T00:00:00+00:00"}'),
    cursor_of(b'{"v": 1, "t": "\\u0000"}'),
    cursor_of(b'{"v": 1, "t": 17}'),
    "A" * 100_000,
    "not base64 at all \u00e9",
])
def test_a_crafted_cursor_is_a_400_in_json(client, token, since):
    response = client.get(MASTERDATA, {"since": since}, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 400
    assert response.json() == {"detail": "since is not a cursor this server made; pull without since to start over."}
