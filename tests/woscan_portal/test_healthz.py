"""The health check answers monitors and proxies however they ask."""
from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_it_answers_get_and_head(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    head = client.head("/healthz")
    assert head.status_code == 200 and head.content == b""


@override_settings(ALLOWED_HOSTS=["portal.example.com"], SECURE_SSL_REDIRECT=True)
def test_a_local_probe_gets_it_with_the_production_settings(client):
    # a proxy's back-end check or a service probe asks gunicorn on 127.0.0.1, over plain HTTP
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # every other page still checks


def test_it_answers_nothing_but_get_and_head(client):
    assert client.post("/healthz").status_code == 405
