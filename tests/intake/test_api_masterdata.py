"""The master-data pull of PRODUCT.md §5: everything, then what changed since a cursor."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from intake import masterdata
from intake.masterdata import make_cursor
from mas.models import Item
from syncconfig.models import PullRun, ServerConfig
from tests.factories import EmployeeFactory, ItemFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db
URL = "/api/sync/v1/masterdata"


@pytest.fixture
def pull(client, token):
    def _pull(**params):
        response = client.get(URL, params, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        return json.loads(b"".join(response.streaming_content))

    return _pull


def test_without_a_cursor_it_sends_everything_with_the_pull_sleep_time(pull, mirror, device):
    config = ServerConfig.load()
    config.pull_sleep_time = timedelta(hours=1, minutes=2, seconds=3)
    config.save()

    data = pull()

    assert data["pull_sleep_time"] == "01:02:03"
    assert [w["number"] for w in data["work_orders"]] == ["0001001"]
    assert {s["step"] for s in data["steps"]} == {"0010", "0020"}
    assert data["employees"] == [{"number": "0000001", "first_name": "Jane", "last_name": "Doe",
                                  "default_work_center": "", "active": True}]
    assert [m["item_code"] for m in data["materials"]] == ["PART-0001"]
    assert {"items", "warehouses", "crews", "crew_members", "cursor"} <= set(data)
    device.refresh_from_db()
    assert device.last_seen_at is not None


def test_with_a_cursor_it_sends_only_what_changed_since_and_inactive_rows_say_so(pull, mirror):
    long_ago = timezone.now() - timedelta(days=2)
    WorkOrderFactory(number="0002000", last_changed_at=long_ago)
    cursor = make_cursor(timezone.now() - timedelta(days=1))
    ItemFactory(code="GONE-1", active=False)
    EmployeeFactory(number="0000050", mas_inactive=True)

    data = pull(since=cursor)

    assert "0002000" not in {w["number"] for w in data["work_orders"]}
    assert "0001001" in {w["number"] for w in data["work_orders"]}
    assert {i["code"]: i["active"] for i in data["items"]}["GONE-1"] is False
    assert {e["number"]: e["active"] for e in data["employees"]}["0000050"] is False


def test_a_row_stamped_in_the_same_instant_as_the_cursor_is_sent_again_not_missed(pull, mirror):
    first = pull()
    WorkOrderFactory(number="0003000", last_changed_at=timezone.now() - timedelta(seconds=1))

    data = pull(since=first["cursor"])

    assert "0003000" in {w["number"] for w in data["work_orders"]}


def test_the_cursor_never_passes_a_pull_still_running(pull, mirror, client, token):
    PullRun.objects.create(status="running", trigger="schedule")
    run_started = PullRun.objects.get().started_at
    data = pull()
    WorkOrderFactory(number="0004000", last_changed_at=run_started + timedelta(milliseconds=5))

    assert "0004000" in {w["number"] for w in pull(since=data["cursor"])["work_orders"]}


def test_a_cursor_the_server_did_not_make_is_a_400(client, token):
    response = client.get(URL, {"since": "yesterday"}, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_the_pull_needs_a_token(client):
    assert client.get(URL).status_code == 401


def test_a_mirror_larger_than_a_page_is_sent_whole_once_each_row(pull, mirror, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(masterdata, "PAGE", 7)
    ItemFactory.create_batch(30, mas_inactive=False)  # 31 items with the mirror's: five pages, the last short
    Item.objects.filter(code="PART-0001").update(mas_inactive=True)

    with django_assert_max_num_queries(30):
        data = pull()

    codes = [i["code"] for i in data["items"]]
    assert len(codes) == len(set(codes)) == Item.objects.count() == 31
    assert codes == list(Item.objects.order_by("pk").values_list("code", flat=True))
    assert {i["code"]: i["active"] for i in data["items"]}["PART-0001"] is False
    assert all("mas_inactive" not in i for i in data["items"])
    assert data["crew_members"] == [] and data["warehouses"] == [{"code": "000", "description": "Main warehouse", "active": True}]


def test_a_page_boundary_on_the_last_row_ends_the_table_cleanly(pull, mirror, monkeypatch):
    monkeypatch.setattr(masterdata, "PAGE", 2)
    ItemFactory()  # two items: exactly one full page, then an empty read

    assert len(pull()["items"]) == 2


def test_a_client_that_accepts_gzip_gets_the_same_document_gzipped(client, token, pull, mirror):
    import gzip

    plain = pull()
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    zipped = json.loads(gzip.decompress(b"".join(response.streaming_content)))
    assert {k: v for k, v in zipped.items() if k != "cursor"} == {k: v for k, v in plain.items() if k != "cursor"}
