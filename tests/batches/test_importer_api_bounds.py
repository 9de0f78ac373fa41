"""The importer's ack reads a bounded body: a bad reason or body is a JSON 400 (or 413), never a 500."""
from __future__ import annotations

import json

import pytest

from audit.models import AuditEntry
from batches.models import BatchStatus

pytestmark = pytest.mark.django_db
ACK = "/api/importer/v1/batches/1/ack"


def ack(client, auth, body: str):
    return client.post(ACK, data=body, content_type="application/json", **auth)


@pytest.mark.parametrize("reason, error", [
    (["SHA-256", ["differs"]], "reason: must be text."),
    ({"why": "differs"}, "reason: must be text."),
    (17, "reason: must be text."),
    ("SHA\x00-256 differs", "reason: Must be plain text (no NUL characters or broken Unicode)."),
    ("SHA-256 \ud800 differs", "reason: Must be plain text (no NUL characters or broken Unicode)."),
    ("x" * 2001, "reason: at most 2000 characters."),
])
def test_a_reason_that_is_not_plain_text_is_a_400_and_changes_nothing(client, importer, exported, reason, error):
    _, auth = importer

    response = ack(client, auth, json.dumps({"result": "refused", "reason": reason}))

    assert (response.status_code, response.json()) == (400, {"error": error})
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED and exported.import_error == ""
    assert not AuditEntry.objects.filter(action="import_refused").exists()


def test_a_deeply_nested_reason_is_a_400(client, importer, exported):
    _, auth = importer

    response = ack(client, auth, '{"result": "refused", "reason": ' + "[" * 600 + "]" * 600 + "}")

    assert response.status_code == 400
    assert response.json() == {"error": "The body nests arrays and objects more than 8 levels deep."}


def test_a_key_twice_is_a_400_that_says_so(client, importer, exported):
    _, auth = importer

    response = ack(client, auth, '{"result": "refused", "result": "imported"}')

    assert response.status_code == 400
    assert response.json() == {"error": 'The body has the key "result" twice in one object; send each key once.'}
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED


def test_a_body_over_the_size_limit_is_a_json_413(client, importer, exported):
    _, auth = importer

    response = ack(client, auth, json.dumps({"result": "refused", "reason": "x" * 3_000_000}))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "The body is larger than 64 KB."}


def test_a_plain_reason_is_still_kept(client, importer, exported):
    _, auth = importer

    response = ack(client, auth, json.dumps({"result": "refused", "reason": "  SHA-256 differs  "}))

    assert response.status_code == 200 and response.json()["import_error"] == "SHA-256 differs"


@pytest.mark.parametrize("content", [
    b'{"batch": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"batch": 1, "batch": 1}',
    b"{" + b" " * 100_000 + b"}",
])
def test_a_control_file_changed_on_the_share_into_something_unreadable_is_reported_not_a_500(
    client, importer, exported, export_dir, supervisor, content
):
    (export_dir / "WOS000001.ctl").write_bytes(content)
    _, auth = importer

    detail = client.get("/api/importer/v1/batches/1", **auth)
    client.force_login(supervisor)
    page = client.get("/batches/1/")

    assert detail.status_code == 409 and "WOS000001.ctl cannot be read" in detail.json()["error"]
    assert page.status_code == 200 and "WOS000001.ctl cannot be read" in page.content.decode()
