"""The importer API: WOScan Sync lists ready batches, fetches one and acknowledges it — idempotently."""
from __future__ import annotations

import json

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from batches.models import BatchStatus, ExportBatch
from batches.reconcile import reconcile
from demo.importer import import_batch, import_from_folder

pytestmark = pytest.mark.django_db
API = "/api/importer/v1"


def test_it_lists_the_batches_ready_to_import(client, importer, exported, run_export):
    ExportBatch.objects.create(number=50, status=BatchStatus.WRITING)
    _, auth = importer

    response = client.get(f"{API}/batches", **auth)

    assert response.status_code == 200
    assert [b["batch"] for b in response.json()["batches"]] == [1]
    first = response.json()["batches"][0]
    assert first["lines"] == 4 and first["csv"] == "WOS000001.csv" and first["sha256"] == exported.sha256


def test_the_stand_in_fetches_imports_and_acknowledges_through_the_api(client, importer, exported, company):
    _, auth = importer

    batch = client.get(f"{API}/batches/1", **auth).json()
    result = import_batch(company, batch["csv_text"].encode(), json.dumps(batch["control"]).encode())
    first = client.post(f"{API}/batches/1/ack", {"result": "imported"}, content_type="application/json", **auth)
    again = client.post(f"{API}/batches/1/ack", {"result": "imported"}, content_type="application/json", **auth)

    assert result.status == "imported"
    assert first.status_code == again.status_code == 200
    assert first.json()["changed"] is True and again.json()["changed"] is False
    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED and exported.imported_at is not None
    assert AuditEntry.objects.filter(action="imported", actor_label="importer WOScan Sync ABC").count() == 1
    assert client.get(f"{API}/batches", **auth).json()["batches"] == []


def test_a_refusal_keeps_the_batch_exported_with_the_reason(client, importer, exported):
    _, auth = importer

    response = client.post(
        f"{API}/batches/1/ack", {"result": "refused", "reason": "SHA-256 differs"}, content_type="application/json", **auth
    )

    assert response.status_code == 200 and response.json()["import_error"] == "SHA-256 differs"
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED and exported.import_error == "SHA-256 differs"
    assert AuditEntry.objects.get(action="import_refused").reason == "SHA-256 differs"


def test_a_missing_or_revoked_token_gets_401(client, importer, exported):
    importer_client, auth = importer

    assert client.get(f"{API}/batches").status_code == 401
    assert client.get(f"{API}/batches", HTTP_AUTHORIZATION="Token nope").status_code == 401
    importer_client.revoked_at = timezone.now()
    importer_client.save()
    response = client.get(f"{API}/batches", **auth)
    assert response.status_code == 401 and "token" in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"not json", 400, "not JSON"),
        (b'{"result": "maybe"}', 400, "result"),
    ],
)
def test_a_bad_body_gets_a_json_error(client, importer, exported, body, status, words):
    _, auth = importer

    response = client.post(f"{API}/batches/1/ack", body, content_type="application/json", **auth)

    assert response.status_code == status and words in response.json()["error"]


def test_a_wrong_method_gets_a_json_405(client, importer, exported):
    _, auth = importer

    response = client.post(f"{API}/batches", {}, content_type="application/json", **auth)

    assert response.status_code == 405 and response["Allow"] == "GET" and "GET" in response.json()["error"]


def test_an_unknown_or_voided_batch_cannot_be_acknowledged(client, importer, exported):
    _, auth = importer
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.VOIDED)

    unknown = client.post(f"{API}/batches/99/ack", {"result": "imported"}, content_type="application/json", **auth)
    voided = client.post(f"{API}/batches/1/ack", {"result": "imported"}, content_type="application/json", **auth)

    assert unknown.status_code == 404 and voided.status_code == 409
    assert "voided" in voided.json()["error"]


def test_a_retried_ack_does_not_bring_back_a_batch_deleted_in_mas(client, importer, exported):
    _, auth = importer
    first = client.post(f"{API}/batches/1/ack", {"result": "imported"}, content_type="application/json", **auth)
    assert first.status_code == 200
    # The pull then finds the batch gone from Transaction Entry and not in history.
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.DELETED_IN_MAS)

    again = client.post(f"{API}/batches/1/ack", {"result": "imported"}, content_type="application/json", **auth)

    assert again.status_code == 409
    assert "was deleted in MAS" in again.json()["error"] and "next pull" in again.json()["error"]
    exported.refresh_from_db()
    assert exported.status == BatchStatus.DELETED_IN_MAS
    assert AuditEntry.objects.filter(action="imported", object_id=str(exported.pk)).count() == 1


def test_a_batch_deleted_in_mas_is_neither_handed_out_nor_acknowledged_but_the_pull_finds_it_again(
    client, importer, exported, export_dir, company
):
    _, auth = importer
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.DELETED_IN_MAS)

    detail = client.get(f"{API}/batches/1", **auth)
    ack = client.post(f"{API}/batches/1/ack", {"result": "imported"}, content_type="application/json", **auth)

    assert detail.status_code == 409 and "not for import" in detail.json()["error"]
    assert ack.status_code == 409 and "deleted in MAS" in ack.json()["error"]
    exported.refresh_from_db()
    assert exported.status == BatchStatus.DELETED_IN_MAS
    # If MAS does hold it after all, the pull (not the acknowledgement) says so.
    import_from_folder(company, export_dir, 1)
    reconcile()
    exported.refresh_from_db()
    assert exported.status == BatchStatus.IMPORTED


def test_an_unreadable_export_folder_answers_json_503(client, importer, exported, unreachable_share):
    _, auth = importer

    response = client.get(f"{API}/batches/1", **auth)

    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert str(unreachable_share) in response.json()["error"] and "try again later" in response.json()["error"]


def test_a_batch_whose_files_are_incomplete_is_not_handed_out(client, importer, exported, export_dir):
    _, auth = importer
    (export_dir / "WOS000001.ctl").unlink()

    response = client.get(f"{API}/batches/1", **auth)

    assert response.status_code == 409 and "WOS000001.ctl is missing" in response.json()["error"]


def test_the_token_command_shows_a_token_once_and_the_api_accepts_it(client, capsys, exported):
    from django.core.management import call_command

    call_command("create_importer_token", "WOScan Sync ABC")
    token = capsys.readouterr().out.strip().splitlines()[-1]

    assert client.get(f"{API}/batches", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
