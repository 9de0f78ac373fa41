"""The device API's errors are {"detail": "…"} and nothing else, whoever answers (PRODUCT.md §5);
the importer API's twin test is tests/batches/test_api_error_shape.py."""
from __future__ import annotations

import pytest

from tests.batches.test_api_error_shape import J, only_message
from tests.intake.conftest import PUSH_URL, labor

pytestmark = pytest.mark.django_db


def test_every_device_error_is_one_detail_message(client, token, mirror, push):
    answers = {
        400: push(b"[]", raw=True),
        401: push({"transactions": [labor()]}, auth=None),
        404: client.get(PUSH_URL + "/", HTTP_AUTHORIZATION=f"Token {token}"),
        405: client.put(PUSH_URL, b"{}", content_type=J, HTTP_AUTHORIZATION=f"Token {token}"),
        413: push({"transactions": [labor() for _ in range(1001)]}),
    }

    for status, response in answers.items():
        assert response.status_code == status
        only_message(response, "detail")
