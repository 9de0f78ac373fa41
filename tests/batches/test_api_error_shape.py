"""One JSON error shape per machine API, whatever answers: the API's own refusals, ninja's
(token, body, schema) and Django's (unknown address, wrong method, host, size). The importer
API answers {"error": "…"} (what WOScan Sync reads), the device API {"detail": "…"} (PRODUCT.md §5)."""
from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from ninja.errors import AuthorizationError, ValidationError

from batches import api as importer_api
from intake import api as device_api

pytestmark = pytest.mark.django_db
API = "/api/importer/v1"
J = "application/json"


def only_message(response, key: str) -> str:
    """The answer's message, after checking it is JSON with that one key."""
    assert response["Content-Type"] == J, response["Content-Type"]
    body = response.json()
    assert set(body) == {key} and isinstance(body[key], str) and body[key], body
    return body[key]


def test_every_importer_error_is_one_error_message(client, importer, exported, export_dir, settings):
    _, auth = importer
    ack = f"{API}/batches/1/ack"
    answers = {
        400: client.post(ack, b'{"result": "maybe"}', content_type=J, **auth),
        401: client.get(f"{API}/batches"),
        404: client.get(f"{API}/batches/99", **auth),
        405: client.post(f"{API}/batches", {}, content_type=J, **auth),
        413: client.post(ack, json.dumps({"result": "refused", "reason": "x" * 70_000}), content_type=J, **auth),
    }
    unknown_address = client.get(f"{API}/batches/", **auth)
    not_a_number = client.get(f"{API}/batches/abc", **auth)
    bad_host = client.get(f"{API}/batches", HTTP_HOST="evil.example", **auth)
    (export_dir / "WOS000001.ctl").unlink()
    answers[409] = client.get(f"{API}/batches/1", **auth)
    settings.WOSCAN_EXPORT_DIR = export_dir / "gone" / "export"
    (export_dir / "gone").write_text("not a folder")
    answers[503] = client.get(f"{API}/batches/1", **auth)

    for status, response in answers.items():
        assert response.status_code == status
        only_message(response, "error")
    assert answers[401]["WWW-Authenticate"] == "Token" and answers[405]["Allow"] == "GET"
    assert answers[503]["Retry-After"] == "60"
    assert (unknown_address.status_code, not_a_number.status_code, bad_host.status_code) == (404, 404, 400)
    assert "no trailing slash" in only_message(unknown_address, "error")
    only_message(not_a_number, "error")
    only_message(bad_host, "error")


@pytest.mark.parametrize("api, key", [(importer_api.api, "error"), (device_api.api, "detail")])
def test_a_403_and_what_ninja_would_answer_422_take_the_same_shape(api, key):
    request = RequestFactory().get("/api/")

    forbidden = api.on_exception(request, AuthorizationError())
    bad_query = api.on_exception(request, ValidationError([{"type": "int_parsing", "loc": ("query", "n"), "msg": "no"}]))
    bad_body = api.on_exception(request, ValidationError([{"type": "model_type", "loc": ("body", "body"), "msg": "no"}]))

    assert forbidden.status_code == 403 and json.loads(forbidden.content) == {key: "Forbidden"}
    assert bad_query.status_code == 400 and json.loads(bad_query.content)[key] == "Bad request parameters."
    assert bad_body.status_code == 400 and set(json.loads(bad_body.content)) == {key}


def test_a_body_the_schema_refuses_is_never_a_422(client, importer, exported):
    _, auth = importer

    for body in (b"{}", b"[]", b"null", b'{"result": ["imported"]}', b'{"result": "refused", "reason": {}}'):
        response = client.post(f"{API}/batches/1/ack", body, content_type=J, **auth)
        assert response.status_code == 400, body
        only_message(response, "error")
