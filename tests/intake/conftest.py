"""Fixtures of the intake tests: the core's small mirror, a registered device and an API client."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from intake.devices import register_device
from tests.transactions.conftest import mirror  # noqa: F401  (the core's small mirror, a fixture here too)

PUSH_URL = "/api/sync/v1/transactions"


@pytest.fixture
def device_and_token(db):
    return register_device("Handheld 01")


@pytest.fixture
def device(device_and_token):
    return device_and_token[0]


@pytest.fixture
def token(device_and_token):
    return device_and_token[1]


def labor(**fields) -> dict:
    """A clean labor line against the ``mirror`` fixture: 2 hours on 0001001 step 0010."""
    line = {
        "client_txn_id": str(uuid.uuid4()),
        "type": "labor",
        "collected_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "work_order": "0001001",
        "step": "0010",
        "employee": "0000001",
        "hours": 2,
    }
    line.update(fields)
    return line


@pytest.fixture
def push(client, token):
    """POST a body to the push endpoint with the device's token; returns the response."""

    def _push(body, *, auth=f"Token {token}", raw=False):
        data = body if raw else json.dumps(body)
        headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
        return client.post(PUSH_URL, data=data, content_type="application/json", **headers)

    return _push
