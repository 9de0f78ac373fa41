"""The push of PRODUCT.md §5: each per-row status and each whole-request error."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.log import history
from audit.models import AuditEntry
from intake.devices import revoke_device
from transactions.models import ProcessingMode, ProcessingOption
from transactions.models import Finding, Transaction
from tests.intake.conftest import PUSH_URL, labor

pytestmark = pytest.mark.django_db


def test_it_accepts_a_clean_labor_line_for_review(push, mirror, device):
    line = labor(comment="first shift")

    response = push({"transactions": [line]})

    assert response.status_code == 200
    [result] = response.json()["results"]
    txn = Transaction.objects.get()
    assert result == {"client_txn_id": line["client_txn_id"], "status": "accepted", "id": txn.pk, "errors": {}}
    assert (txn.status, txn.source, txn.device, txn.type) == ("needs_review", "device", device, "labor")
    assert (txn.work_order, txn.step, txn.employee, txn.hours, txn.comment) == (
        "0001001", "0010", "0000001", Decimal("2.000"), "first shift"
    )
    assert txn.raw == line and len(txn.content_hash) == 64
    assert not txn.findings.exists()
    [entry] = history(txn)
    assert (entry.action, entry.actor_label) == ("collected", "Handheld 01")
    assert entry.changes == {"status": [None, "needs_review"]}
    device.refresh_from_db()
    assert device.last_push_at is not None and device.last_seen_at is not None


def test_a_business_problem_is_stored_and_flagged_not_rejected(push, mirror):
    line = labor(work_order="0009999", employee="0000777")

    [result] = push({"transactions": [line]}).json()["results"]

    assert result["status"] == "accepted"
    txn = Transaction.objects.get(pk=result["id"])
    assert txn.status == "flagged"
    assert set(txn.findings.values_list("code", flat=True)) == {"unknown_work_order", "unknown_employee"}
    assert txn.findings.get(code="unknown_work_order").message == "Work order 0009999 is not in MAS."


def test_a_line_arrives_with_the_work_center_of_its_mirror_step(push, mirror):
    from mas.models import WorkOrderStep

    WorkOrderStep.objects.filter(work_order="0001001", step="0020").update(work_center="WELD")
    lines = [labor(step="0010"), labor(step="0020", hours=3), labor(step="0090", hours=4),
             labor(work_order="0009999", hours=5)]

    results = push({"transactions": lines}).json()["results"]

    assert [r["status"] for r in results] == ["accepted"] * 4
    stored = dict(Transaction.objects.values_list("client_txn_id", "work_center"))
    assert [stored[uuid.UUID(line["client_txn_id"])] for line in lines] == ["ASM", "WELD", "", ""]


def test_the_work_center_comes_from_the_one_bulk_read_of_the_steps(mirror, device):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intake import services

    with CaptureQueriesContext(connection) as captured:
        results = services.collect([labor(step="0020", hours=1 + i % 5) for i in range(100)], device=device)

    assert [r.status for r in results] == ["accepted"] * 100
    assert len([q for q in captured if "mas_workorderstep" in q["sql"]]) == 1  # validation's read
    assert set(Transaction.objects.values_list("work_center", flat=True)) == {"ASM"}


def test_a_replay_is_a_duplicate_with_the_same_id_and_stores_nothing(push, mirror):
    line = labor()
    first = push({"transactions": [line]}).json()["results"][0]

    again = push({"transactions": [line]}).json()["results"][0]

    assert again == {"client_txn_id": line["client_txn_id"], "status": "duplicate", "id": first["id"], "errors": {}}
    assert Transaction.objects.count() == 1
    assert AuditEntry.objects.filter(action="collected").count() == 1


def test_a_replay_with_the_same_values_written_differently_is_still_a_duplicate(push, mirror):
    line = labor(hours=2)
    push({"transactions": [line]})

    again = push({"transactions": [{**line, "hours": "2.000", "work_order": " 0001001 "}]}).json()["results"][0]

    assert again["status"] == "duplicate"


def test_a_replay_of_1000_lines_creates_no_rows(push, mirror):
    body = {"transactions": [labor(hours=1 + i % 7, comment=f"line {i}") for i in range(1000)]}
    first = push(body).json()["results"]
    assert {r["status"] for r in first} == {"accepted"}
    rows, findings, audit = Transaction.objects.count(), Finding.objects.count(), AuditEntry.objects.count()

    again = push(body).json()["results"]

    assert [r["status"] for r in again] == ["duplicate"] * 1000
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert (Transaction.objects.count(), Finding.objects.count(), AuditEntry.objects.count()) == (rows, findings, audit)
    assert rows == 1000


def test_a_reused_id_with_different_content_is_a_conflict_and_changes_nothing(push, mirror):
    line = labor(hours=2)
    first = push({"transactions": [line]}).json()["results"][0]
    stored = Transaction.objects.values().get()

    [result] = push({"transactions": [{**line, "hours": 3}]}).json()["results"]

    assert result["status"] == "conflict"
    assert result["id"] == first["id"]
    assert "client_txn_id" in result["errors"]
    assert Transaction.objects.values().get() == stored
    assert AuditEntry.objects.filter(action="collected").count() == 1


def test_the_same_id_twice_in_one_push_is_stored_once(push, mirror):
    line = labor()

    results = push({"transactions": [line, line, {**line, "hours": 5}]}).json()["results"]

    assert [r["status"] for r in results] == ["accepted", "duplicate", "conflict"]
    assert len({r["id"] for r in results}) == 1
    assert Transaction.objects.count() == 1


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"type": None}, "type", "Required."),
        ({"type": "scrap"}, "type", "Unknown type"),
        ({"client_txn_id": "not-a-uuid"}, "client_txn_id", "Not a UUID."),
        ({"collected_at": "yesterday"}, "collected_at", "Not an ISO 8601"),
        ({"work_order": None}, "work_order", "Required."),
        ({"hours": "two"}, "hours", "Must be a number."),
        ({"hours": 1.23456}, "hours", "At most 3 decimal places."),
        ({"hours": None}, "hours", "Give the hours, or both start and stop."),
        ({"employee": 17}, "employee", "Must be text."),
        ({"step": "00100"}, "step", "At most 4 characters."),
        ({"step_complete": "maybe"}, "step_complete", "Must be true or false"),
    ],
)
def test_a_line_that_cannot_be_a_transaction_is_invalid_and_says_why(push, mirror, change, field, message):
    line = labor(**change)

    [result] = push({"transactions": [line, labor()]}).json()["results"][:1]

    assert result["status"] == "invalid"
    assert result["id"] is None
    assert result["errors"][field].startswith(message)
    assert Transaction.objects.count() == 1  # the good line beside it is stored


def test_a_line_that_is_not_an_object_is_invalid(push, mirror):
    results = push({"transactions": ["labor", labor()]}).json()["results"]

    assert results[0] == {"client_txn_id": None, "status": "invalid", "id": None,
                          "errors": {"transaction": "Each transaction must be a JSON object."}}
    assert results[1]["status"] == "accepted"


def test_each_type_of_section_4_is_accepted_with_its_fields(push, mirror):
    now = timezone.now().isoformat()
    lines = [
        labor(hours=None, start="2026-11-25T07:00:00-06:00", stop="2026-11-25T09:30:00-06:00", step_complete="Y"),
        {"client_txn_id": str(uuid.uuid4()), "type": "crew_labor", "collected_at": now, "work_order": "0001001",
         "step": "0010", "crew": "C001", "hours": "1.5", "qty_completed": 4},
        {"client_txn_id": str(uuid.uuid4()), "type": "material_issue", "collected_at": now, "work_order": "0001001",
         "item_code": "PART-0001", "warehouse": "000", "quantity": 3, "lot_serial": "L-77"},
        {"client_txn_id": str(uuid.uuid4()), "type": "completion", "collected_at": now, "work_order": "0001001",
         "qty_completed": 10, "qty_scrapped": 1, "close_order": False},
        {"client_txn_id": str(uuid.uuid4()), "type": "misc_labor", "collected_at": now, "work_order": "0001001",
         "step": "0010", "amount": "45.50", "comment": "rework"},
        {"client_txn_id": str(uuid.uuid4()), "type": "misc_material", "collected_at": now, "work_order": "0001001",
         "step": "0010", "amount": 12},
        {"client_txn_id": str(uuid.uuid4()), "type": "outside_processing", "collected_at": now,
         "work_order": "0001001", "step": "0020", "amount": 300},
    ]

    results = push({"transactions": lines}).json()["results"]

    assert [r["status"] for r in results] == ["accepted"] * 7
    by_type = {t.type: t for t in Transaction.objects.all()}
    assert by_type["labor"].hours == Decimal("2.500") and by_type["labor"].step_complete is True
    assert by_type["completion"].warehouse == "000"  # the order's parent warehouse
    assert by_type["material_issue"].lot_serial == "L-77"
    assert by_type["misc_labor"].amount == Decimal("45.50")
    assert {t.status for t in by_type.values()} == {"needs_review"}  # none has a finding


@pytest.mark.parametrize(
    "mode,clean_status,flagged_status,source",
    [
        (ProcessingMode.REVIEW_BY_HAND, "needs_review", "flagged", ("", "")),
        (ProcessingMode.AUTOMATIC, "approved", "flagged", ("automatic", "")),
        (ProcessingMode.READY_AT_ONCE, "approved", "approved", ("ready_at_once", "ready_at_once")),
    ],
)
def test_the_processing_option_sets_the_status_on_arrival(push, mirror, mode, clean_status, flagged_status, source):
    ProcessingOption.objects.create(type="labor", mode=mode)

    clean, problem = push({"transactions": [labor(), labor(work_order="0009999")]}).json()["results"]

    assert Transaction.objects.get(pk=clean["id"]).status == clean_status
    assert Transaction.objects.get(pk=problem["id"]).status == flagged_status
    assert (Transaction.objects.get(pk=clean["id"]).decision_source,
            Transaction.objects.get(pk=problem["id"]).decision_source) == source
    entry = history(Transaction.objects.get(pk=clean["id"])).get()
    assert entry.changes == {"status": [None, clean_status]} and "Processing option" in entry.reason


# --- whole-request errors ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    ["{not json", "[]", '{"transactions": {}}', '{"lines": []}', "NaN", '{"transactions": [NaN]}', "\udcff"],
)
def test_a_body_that_is_not_json_of_the_right_shape_is_a_400_with_a_json_message(push, body):
    response = push(body.encode("utf-8", "surrogateescape") if "\udcff" in body else body, raw=True)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert not Transaction.objects.exists()


def test_more_than_1000_transactions_is_a_413(push, mirror):
    response = push({"transactions": [labor() for _ in range(1001)]})

    assert response.status_code == 413
    assert "at most 1000" in response.json()["detail"]
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("auth", [None, "Token", "Token not-a-real-token", "Bearer {token}", "{token}"])
def test_a_missing_or_unknown_token_is_a_401(push, mirror, token, auth):
    response = push({"transactions": [labor()]}, auth=auth.format(token=token) if auth else None)

    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    assert not Transaction.objects.exists()


def test_a_revoked_token_is_a_401(push, mirror, device):
    revoke_device(device)

    response = push({"transactions": [labor()]})

    assert response.status_code == 401
    assert not Transaction.objects.exists()


def test_a_signed_in_session_without_a_token_is_a_401_and_csrf_does_not_apply(client, supervisor, mirror, token):
    client.force_login(supervisor)
    client.handler.enforce_csrf_checks = True

    no_token = client.post(PUSH_URL, data=json.dumps({"transactions": [labor()]}), content_type="application/json")
    with_token = client.post(PUSH_URL, data=json.dumps({"transactions": [labor()]}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Token {token}")

    assert no_token.status_code == 401
    assert with_token.status_code == 200
    assert Transaction.objects.count() == 1


def test_anonymous_calls_get_a_401_not_the_sign_in_page(client):
    assert client.post(PUSH_URL, data="{}", content_type="application/json").status_code == 401
    assert client.get("/api/sync/v1/masterdata").status_code == 401


def test_the_openapi_document_describes_the_push_and_the_pull(client):
    response = client.get("/api/sync/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    push_operation = document["paths"]["/api/sync/v1/transactions"]["post"]
    body = push_operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["transactions"]["maxItems"] == 1000
    assert "client_txn_id" in body["properties"]["transactions"]["items"]["properties"]
    assert {"200", "400", "401", "413"} <= set(push_operation["responses"])
    assert "/api/sync/v1/masterdata" in document["paths"]


def test_unknown_keys_are_kept_in_raw_even_ones_a_database_cannot_store_as_sent(push, mirror):
    line = labor(note="from cell 4", **{"odd\x00key": "broken \ud800 text"})

    [result] = push({"transactions": [line, labor(work_order="00\ud8001")]}).json()["results"][:1]

    assert result["status"] == "accepted"
    raw = Transaction.objects.get(pk=result["id"]).raw
    assert raw["note"] == "from cell 4" and raw["odd\ufffdkey"] == "broken ? text"
    assert push({"transactions": [labor(work_order="00\ud8001")]}).json()["results"][0]["errors"] == {
        "work_order": "Must be plain text (no NUL characters or broken Unicode)."
    }


# --- hours worked out from start and stop, and values that are odd but not unusable ---------------
@pytest.mark.parametrize("start, stop, hours", [
    ("2026-03-07T22:00:00", "2026-03-08T06:00:00", Decimal("7.000")),  # clocks go forward (America/Chicago)
    ("2026-10-31T22:00:00", "2026-11-01T06:00:00", Decimal("9.000")),  # clocks go back
    ("2026-11-24T22:00:00", "2026-11-25T06:00:00", Decimal("8.000")),
])
def test_hours_from_start_and_stop_in_plant_time_are_the_time_that_passed(push, mirror, start, stop, hours):
    line = labor(start=start, stop=stop)
    del line["hours"]

    [result] = push({"transactions": [line]}).json()["results"]

    txn = Transaction.objects.get(pk=result["id"])
    assert result["status"] == "accepted"
    assert txn.hours == hours == Decimal((txn.stop - txn.start).total_seconds()) / 3600


def test_start_and_stop_a_century_apart_are_invalid_and_say_so(push, mirror):
    line = labor(start="1900-01-01T00:00:00", stop="2026-11-25T08:00:00")
    del line["hours"]

    [result, good] = push({"transactions": [line, labor()]}).json()["results"]

    assert result["status"] == "invalid" and "hours apart: check both dates" in result["errors"]["stop"]
    assert good["status"] == "accepted" and Transaction.objects.count() == 1


def test_a_number_too_large_for_a_float_in_an_unknown_key_is_kept_as_text(push, mirror):
    clean, odd = labor(), labor(hours=3)
    body = json.dumps({"transactions": [clean, odd]}).replace('"hours": 3}', '"hours": 3, "scanner_temp": 1e400}')

    response = push(body, raw=True)

    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["accepted", "accepted"]
    assert Transaction.objects.get(client_txn_id=odd["client_txn_id"]).raw["scanner_temp"] == "inf"


def test_the_answer_to_an_id_sent_as_1e400_is_strict_json(push, mirror):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    response = push('{"transactions": [{"client_txn_id": 1e400, "type": "labor"}]}', raw=True)

    [result] = json.loads(response.content, parse_constant=refuse)["results"]
    assert result["status"] == "invalid" and result["client_txn_id"] == "inf"


def test_a_field_of_another_type_is_kept_as_sent_and_flagged_not_refused(push, mirror):
    line = labor(warehouse="000", quantity=0, close_order=False)  # defaults of other types say nothing

    [result] = push({"transactions": [line]}).json()["results"]

    txn = Transaction.objects.get(pk=result["id"])
    assert result["status"] == "accepted"
    assert txn.warehouse == "" and txn.quantity is None and txn.raw["warehouse"] == "000"
    assert txn.status == "flagged"
    [finding] = txn.findings.all()
    assert (finding.code, finding.severity, finding.field) == ("field_not_used", "warning", "warehouse")
    assert "a labor line has no warehouse" in finding.message


def test_a_body_that_starts_with_a_byte_order_mark_is_read(push, mirror):
    response = push(("\ufeff" + json.dumps({"transactions": [labor()]})).encode("utf-8"), raw=True)

    assert response.status_code == 200 and response.json()["results"][0]["status"] == "accepted"


def test_a_line_collected_in_the_future_is_stored_and_says_to_check_the_clock(push, mirror):
    ahead, now = labor(collected_at=(timezone.now() + timedelta(days=1)).isoformat()), labor()

    results = push({"transactions": [ahead, now]}).json()["results"]

    stored = {t.client_txn_id: t for t in Transaction.objects.all()}
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    late = stored[uuid.UUID(ahead["client_txn_id"])]
    assert late.status == "flagged" and late.findings.get().code == "collected_in_future"
    assert not stored[uuid.UUID(now["client_txn_id"])].findings.exists()
