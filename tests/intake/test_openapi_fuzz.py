"""Schemathesis over the whole device OpenAPI document, through the portal's real WSGI app with a
real device token: no generated request answers 5xx, and every answer matches the document.

Bounded and repeatable for CI: a fixed number of examples per operation and Hypothesis'
derandomized mode (the same cases on every run).
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from transactions.models import Transaction

OPENAPI = "/api/sync/v1/openapi.json"
EXAMPLES = 50  # per operation and mode: 200 requests, about 15 s on the 2-core machine
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def device_api(db, mirror):
    """The device API's document, loaded from the real WSGI app. The app's requests run on
    this test's database connection (as Django's test client does, connections are not closed
    between requests, which would end the test's transaction)."""
    from woscan_portal.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(OPENAPI, application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_the_document_allows_answers_a_server_error(device_api, token, mode):
    operations = [result.ok() for result in device_api.get_all_operations()]
    assert {op.label for op in operations} == {
        "POST /api/sync/v1/transactions", "GET /api/sync/v1/masterdata", "POST /api/sync/v1/enrol",
        "GET /api/sync/v1/transactions",
    }
    statuses = []
    # identity: the WSGI transport hands the checks the body as served, and would not un-gzip it
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
            suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
        )
        def call(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.append(response.status_code)

        call()

    assert statuses and max(statuses) < 500


@pytest.mark.django_db
def test_the_document_says_client_txn_id_is_echoed_as_sent(client, push, mirror):
    document = client.get(OPENAPI).json()
    echoed = document["components"]["schemas"]["PushResult"]["properties"]["client_txn_id"]

    [result] = push({"transactions": [{"client_txn_id": 0, "type": "labor"}]}).json()["results"]

    assert result["client_txn_id"] == 0 and result["status"] == "invalid"
    assert {"type": "integer"} in echoed["anyOf"] and {"type": "string"} in echoed["anyOf"]
    assert "echoed" in echoed["description"] and "`0`" in echoed["description"]
    assert not Transaction.objects.exists()
