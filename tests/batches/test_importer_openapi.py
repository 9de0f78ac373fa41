"""The importer API's own OpenAPI document: served beside the API, describing each operation as
it answers; Schemathesis over it through the real WSGI app finds no 5xx and no answer the
document does not describe (bounded and derandomized, as the device API's fuzz test)."""
from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from batches.api import MAX_REASON_CHARS
from batches.models import BatchStatus, ExportBatch

OPENAPI = "/api/importer/v1/openapi.json"
EXAMPLES = 25  # per operation and mode: 150 requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.django_db
def test_the_document_is_served_without_a_token_and_describes_the_three_calls(client):
    response = client.get(OPENAPI)

    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert set(paths) == {
        "/api/importer/v1/batches", "/api/importer/v1/batches/{number}", "/api/importer/v1/batches/{number}/ack",
    }
    assert set(paths["/api/importer/v1/batches"]) == {"get"}
    assert set(paths["/api/importer/v1/batches/{number}"]) == {"get"}
    assert set(paths["/api/importer/v1/batches/{number}/ack"]) == {"post"}
    assert {"200", "401", "404", "409", "503"} <= set(paths["/api/importer/v1/batches/{number}"]["get"]["responses"])
    ack = paths["/api/importer/v1/batches/{number}/ack"]["post"]
    assert {"200", "400", "401", "404", "409", "413"} <= set(ack["responses"])
    body = document["components"]["schemas"]["AckIn"]
    assert body["properties"]["result"]["enum"] == ["imported", "refused"] and body["required"] == ["result"]
    assert {"maxLength": MAX_REASON_CHARS, "type": "string"} in body["properties"]["reason"]["anyOf"]
    assert document["components"]["securitySchemes"]["ImporterToken"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "`Token <token>`: the importer's token, shown once by `manage.py create_importer_token`.",
    }
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]


@pytest.mark.django_db
def test_the_two_apis_have_their_own_documents(client):
    importer = client.get(OPENAPI).json()
    device = client.get("/api/sync/v1/openapi.json").json()

    assert not set(importer["paths"]) & set(device["paths"])
    assert importer["info"]["title"] != device["info"]["title"]
    assert set(importer["components"]["securitySchemes"]) == {"ImporterToken"}
    assert set(device["components"]["securitySchemes"]) == {"DeviceToken"}


@pytest.fixture
def importer_api(exported):
    """The document loaded from the real WSGI app, whose requests run on this test's connection."""
    from woscan_portal.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(OPENAPI, application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_the_document_allows_answers_a_server_error(importer_api, importer, exported, mode):
    _, auth = importer
    headers = {"Authorization": auth["HTTP_AUTHORIZATION"]}
    operations = [result.ok() for result in importer_api.get_all_operations()]
    statuses = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
            suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
        )
        def call(case):
            if "number" in (case.path_parameters or {}) and mode == GenerationMode.POSITIVE:
                case.path_parameters["number"] = 1  # the exported batch: its answers, not only 404s
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.append(response.status_code)

        call()

    assert statuses and max(statuses) < 500
    assert 200 in statuses or mode == GenerationMode.NEGATIVE
    assert ExportBatch.objects.get(number=1).status in (BatchStatus.EXPORTED, BatchStatus.IMPORTED)
