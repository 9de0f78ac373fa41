"""Re-checks after a pull keep what a line needs; the device API answers JSON at every address."""
from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reviews import services
from transactions.revalidation import recheck_after_pull
from transactions import validation
from transactions.models import Transaction
from tests.factories import TransactionFactory, WorkOrderFactory
from tests.intake.conftest import labor

pytestmark = pytest.mark.django_db
MASTERDATA_URL = "/api/sync/v1/masterdata"


# --- the pull -----------------------------------------------------------------------------------
def test_a_cursor_near_the_start_of_time_is_a_json_400_not_a_500(client, token):
    payload = json.dumps({"v": 1, "t": "0001-01-01T00:00:00+00:00"}).encode()
    cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    client.raise_request_exception = False

    response = client.get(MASTERDATA_URL, {"since": cursor}, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


# --- the push: answers are JSON ----------------------------------------------------------------------
def test_a_wrong_method_on_the_push_url_answers_json(client, token):
    # GET on this URL is "My lines" (issue 15); PUT is still a wrong method there
    response = client.put("/api/sync/v1/transactions", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


# --- re-validation after a pull ------------------------------------------------------------------------
def test_a_device_clock_warning_survives_the_recheck_after_a_pull(push, mirror, monkeypatch):
    ahead = labor(collected_at=(timezone.now() + timedelta(minutes=30)).isoformat())
    [result] = push({"transactions": [ahead]}).json()["results"]
    txn = Transaction.objects.get(pk=result["id"])
    assert txn.status == "flagged" and txn.findings.get().code == "collected_in_future"

    later = timezone.now() + timedelta(hours=1)  # the next hourly pull changes a work order
    monkeypatch.setattr(timezone, "now", lambda: later)
    recheck_after_pull({"mas.workorder"})

    txn.refresh_from_db()
    # The line still carries the device's wrong time to MAS; the warning must not vanish.
    assert txn.status == "flagged"
    assert [f.code for f in txn.findings.all()] == ["collected_in_future"]


def test_an_edit_during_the_recheck_keeps_the_edited_lines_findings(mirror, supervisor, monkeypatch):
    txn = TransactionFactory(status="needs_review")  # clean, on the mirror's order 0001001
    assert validation.check(txn) == []
    original = validation.check_many
    edited = {}

    def check_then_a_supervisor_edits(txns, **kwargs):
        results = original(txns, **kwargs)
        if not edited:  # between the re-check's read and its write, a supervisor corrects the line
            edited["started"] = True  # (the edit's own re-check calls this again)
            edited["result"] = services.edit(Transaction.objects.get(pk=txn.pk), by=supervisor,
                                             changes={"work_order": "0009999"}, expected_version=txn.version)
        return results

    monkeypatch.setattr(validation, "check_many", check_then_a_supervisor_edits)
    recheck_after_pull({"mas.workorder"})
    monkeypatch.undo()

    txn.refresh_from_db()
    assert edited["result"].ok and (txn.work_order, txn.status) == ("0009999", "flagged")
    # The re-check wrote the findings of the line as it was before the edit over the edit's.
    assert [f.code for f in txn.findings.all()] == ["unknown_work_order"]
    assert services.approve([txn], by=supervisor).done == []  # no approval over an unknown order


def test_a_completion_pushed_before_its_order_reached_the_mirror_gets_the_parent_warehouse(push, mirror):
    line = {"client_txn_id": str(uuid.uuid4()), "type": "completion",
            "collected_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
            "work_order": "0002000", "qty_completed": 1}
    [result] = push({"transactions": [line]}).json()["results"]
    assert Transaction.objects.get(pk=result["id"]).status == "flagged"  # unknown work order, for now

    WorkOrderFactory(number="0002000", qty_ordered=Decimal("10"), parent_warehouse="000")
    recheck_after_pull({"mas.workorder"})

    txn = Transaction.objects.get(pk=result["id"])
    assert txn.status == "needs_review" and not txn.findings.exists()
    # Ready for approval and export, but with no warehouse: the default of PRODUCT.md §4 was never applied.
    assert txn.warehouse == "000"


# --- validation ---------------------------------------------------------------------------------------
def test_serialized_completions_scanned_one_after_another_are_not_repeats(push, mirror):
    now = timezone.now()
    lines = [
        {"client_txn_id": str(uuid.uuid4()), "type": "completion",
         "collected_at": (now - timedelta(minutes=3 - n)).isoformat(),
         "work_order": "0001001", "qty_completed": 1, "lot_serial": f"SN-{n:04d}"}
        for n in range(2)
    ]

    results = push({"transactions": lines}).json()["results"]

    for result in results:
        txn = Transaction.objects.get(pk=result["id"])
        assert [f.code for f in txn.findings.all()] == [], txn.lot_serial
        assert txn.status == "needs_review"


def test_an_api_address_that_does_not_exist_answers_json(client, token):
    response = client.get("/api/sync/v1/transactions/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 404
    assert "no trailing slash" in response.json()["detail"]
