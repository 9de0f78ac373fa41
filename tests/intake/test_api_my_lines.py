""""My lines" of PRODUCT.md §5: ``GET /api/sync/v1/transactions?since=<cursor>``, through the real path."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from intake import mylines
from intake.devices import register_device, revoke_device
from intake.masterdata import make_cursor as masterdata_cursor
from reviews import services as reviews
from transactions.models import Transaction
from tests.intake.conftest import PUSH_URL, labor

pytestmark = pytest.mark.django_db
LINES_URL = "/api/sync/v1/transactions"


@pytest.fixture
def my_lines(client, token):
    def _get(since=None, *, auth=f"Token {token}"):
        query = {"since": since} if since is not None else {}
        return client.get(LINES_URL, query, HTTP_AUTHORIZATION=auth)

    return _get


def pushed(push, count=1, **fields) -> list[dict]:
    lines = [labor(**{"hours": 1 + i % 8, "step": ("0010", "0020")[i // 8 % 2], **fields}) for i in range(count)]
    results = push({"transactions": lines}).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * count
    return results


def age_all_lines(minutes=10):
    """As if the lines had changed some minutes ago (the cursor sends the last minute again)."""
    Transaction.objects.update(updated_at=timezone.now() - timedelta(minutes=minutes))


def test_the_device_sees_a_rejection_and_its_reason_since_its_cursor(push, my_lines, mirror, supervisor):
    first, second, third = pushed(push, 3)

    start = my_lines()
    assert start.status_code == 200
    body = start.json()
    assert body["more"] is False
    assert sorted((line["id"], line["status"], line["reason"], line["decided_at"]) for line in body["lines"]) == sorted([
        (first["id"], "needs_review", "", None), (second["id"], "needs_review", "", None),
        (third["id"], "needs_review", "", None),
    ])
    assert {line["client_txn_id"] for line in body["lines"]} == {r["client_txn_id"] for r in (first, second, third)}
    age_all_lines()
    quiet = my_lines(body["cursor"]).json()
    assert quiet["lines"] == []

    outcome = reviews.reject(Transaction.objects.filter(pk=second["id"]), by=supervisor, reason="Wrong step: use 0020")
    assert outcome.done == [second["id"]]

    changed = my_lines(quiet["cursor"]).json()
    [line] = changed["lines"]
    txn = Transaction.objects.get(pk=second["id"])
    assert line == {
        "client_txn_id": second["client_txn_id"], "id": second["id"], "status": "rejected",
        "reason": "Wrong step: use 0020", "decided_at": line["decided_at"], "updated_at": line["updated_at"],
    }
    assert abs(datetime.fromisoformat(line["decided_at"]) - txn.reviewed_at) < timedelta(milliseconds=1)
    assert abs(datetime.fromisoformat(line["updated_at"]) - txn.updated_at) < timedelta(milliseconds=1)
    assert changed["cursor"] != quiet["cursor"]


def test_an_approval_carries_no_reason_and_says_when_it_was_decided(push, my_lines, mirror, supervisor):
    [result] = pushed(push)
    age_all_lines()
    cursor = my_lines().json()["cursor"]
    reviews.approve(Transaction.objects.filter(pk=result["id"]), by=supervisor, reason="Checked with the lead")

    [line] = my_lines(cursor).json()["lines"]

    assert (line["status"], line["reason"]) == ("approved", "")
    assert line["decided_at"] is not None


def test_a_line_approved_on_arrival_says_when(push, my_lines, mirror):
    from transactions.models import ProcessingMode, ProcessingOption

    ProcessingOption.objects.update_or_create(type="labor", defaults={"mode": ProcessingMode.READY_AT_ONCE})
    pushed(push)

    [line] = my_lines().json()["lines"]

    assert line["status"] == "approved" and line["decided_at"] is not None


def test_another_devices_lines_never_appear(push, my_lines, mirror, client, supervisor):
    mine = {r["id"] for r in pushed(push, 2)}
    _other, other_token = register_device("Handheld 02")
    theirs = client.post(PUSH_URL, data=json.dumps({"transactions": [labor(hours=1), labor(hours=2)]}),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Token {other_token}").json()["results"]
    reviews.reject(Transaction.objects.filter(pk__in=[r["id"] for r in theirs]), by=supervisor, reason="Not ours")

    seen = {line["id"] for line in my_lines().json()["lines"]}

    assert seen == mine
    assert {line["id"] for line in my_lines(auth=f"Token {other_token}").json()["lines"]} == {r["id"] for r in theirs}


def test_without_since_the_lines_of_the_last_14_days_are_sent(push, my_lines, mirror):
    old, recent = pushed(push, 2)
    Transaction.objects.filter(pk=old["id"]).update(updated_at=timezone.now() - timedelta(days=15))
    Transaction.objects.filter(pk=recent["id"]).update(updated_at=timezone.now() - timedelta(days=13))

    assert [line["id"] for line in my_lines().json()["lines"]] == [recent["id"]]


def test_pages_follow_one_another_by_the_cursor_with_nothing_missed_or_twice(push, my_lines, mirror, monkeypatch):
    monkeypatch.setattr(mylines, "PAGE", 3)
    results = pushed(push, 8)
    age_all_lines()
    # same change time for some lines: the position is (updated_at, id), not the time alone
    Transaction.objects.filter(pk__in=[r["id"] for r in results[2:6]]).update(
        updated_at=timezone.now() - timedelta(minutes=5)
    )

    seen, cursor, answers = [], None, []
    while True:
        body = my_lines(cursor).json()
        answers.append(body)
        seen += [line["id"] for line in body["lines"]]
        cursor = body["cursor"]
        if not body["more"]:
            break

    assert [len(a["lines"]) for a in answers] == [3, 3, 2]
    assert sorted(seen) == sorted(r["id"] for r in results) and len(seen) == len(set(seen))
    stamps = [line["updated_at"] for a in answers for line in a["lines"]]
    assert stamps == sorted(stamps)
    assert my_lines(cursor).json()["lines"] == []


def test_a_line_changed_in_the_minute_before_is_sent_again_not_missed(push, my_lines, mirror):
    [result] = pushed(push)

    first = my_lines().json()
    again = my_lines(first["cursor"]).json()

    assert [line["id"] for line in first["lines"]] == [result["id"]]
    assert [line["id"] for line in again["lines"]] == [result["id"]]  # changed under a minute ago


def test_a_line_stamped_before_the_last_page_but_committed_after_it_is_not_missed(push, my_lines, mirror, monkeypatch):
    """A change is stamped before its transaction commits: one that becomes visible after a pass
    read past its stamp comes in the next pass."""
    monkeypatch.setattr(mylines, "PAGE", 2)
    results = pushed(push, 4)
    now = timezone.now()
    for seconds, result in zip((0, 50, 40, 30), results):
        Transaction.objects.filter(pk=result["id"]).update(updated_at=now - timedelta(seconds=seconds))
    late = results[0]["id"]
    Transaction.objects.filter(pk=late).update(updated_at=now - timedelta(days=30))  # as if not committed yet

    page1 = my_lines().json()
    page2 = my_lines(page1["cursor"]).json()
    assert page1["more"] and not page2["more"]
    assert late not in [line["id"] for line in page1["lines"] + page2["lines"]]
    # ...now the late change commits, stamped while the pass was reading: before both pages' last lines
    Transaction.objects.filter(pk=late).update(status="rejected", review_reason="Late", updated_at=now - timedelta(seconds=45))

    following = my_lines(page2["cursor"]).json()

    assert late in [line["id"] for line in following["lines"]]


@pytest.mark.parametrize("since", [
    "not-a-cursor",
    "x" * 257,
    base64.urlsafe_b64encode(b'{"v":1,"k":"lines","t":"2026-12-02T10:00:00","i":1}').decode(),  # no offset
    base64.urlsafe_b64encode(b'{"v":1,"k":"lines","t":"2026-12-02T10:00:00+00:00","i":"1"}').decode(),
    base64.urlsafe_b64encode(b'{"v":1,"k":"lines","t":"2026-12-02T10:00:00+00:00","i":true}').decode(),
    base64.urlsafe_b64encode(b'{"v":1,"k":"lines","t":"2026-12-02T10:00:00+00:00","i":1,"i":2}').decode(),
    base64.urlsafe_b64encode(b'{"v":1,"k":"lines","t":[1],"i":1}').decode(),
    base64.urlsafe_b64encode(b'[1, 2]').decode(),
])
def test_a_cursor_this_endpoint_did_not_make_is_a_400(my_lines, since):
    response = my_lines(since)

    assert response.status_code == 400
    assert response.json() == {"detail": "since is not a cursor of this endpoint; ask without since to start over."}


def test_a_master_data_cursor_is_not_a_my_lines_cursor(my_lines):
    assert my_lines(masterdata_cursor(timezone.now())).status_code == 400


def test_the_cursors_it_makes_are_short_and_read_back(push, my_lines, mirror, monkeypatch):
    monkeypatch.setattr(mylines, "PAGE", 1)
    pushed(push, 2)
    cursor = my_lines().json()["cursor"]

    assert len(cursor) <= mylines.MAX_CURSOR_CHARS
    assert mylines.read_cursor(cursor).restart is not None  # a pass is going on


def test_a_missing_or_revoked_token_is_a_401(my_lines, device, administrator):
    assert my_lines(auth="").status_code == 401
    revoke_device(device, by=administrator)

    response = my_lines()

    assert response.status_code == 401 and response.json()["detail"].startswith("This handheld was revoked")


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/sync/v1/openapi.json").json()

    operation = document["paths"]["/api/sync/v1/transactions"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401"}
    assert [p["name"] for p in operation["parameters"]] == ["since"]
    line = document["components"]["schemas"]["LineState"]["properties"]
    assert set(line) == {"client_txn_id", "id", "status", "reason", "decided_at", "updated_at"}
    assert "post" in document["paths"]["/api/sync/v1/transactions"]  # the push is still there


def test_the_query_is_served_by_the_device_changes_index_without_a_sort(device):
    """At millions of lines the answer must come from the (device, updated_at, id) index, in its order."""
    since = timezone.now() - timedelta(days=1)
    from django.db.models import Q

    queryset = (
        Transaction.objects.filter(device=device, updated_at__gte=since)
        .filter(Q(updated_at__gt=since) | Q(updated_at=since, id__gt=5)).order_by("updated_at", "id")
        .values_list("id")[:1001]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = queryset.query.sql_with_params()
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql, params)
        plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())

    assert "reviews_txn_device_changes" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
