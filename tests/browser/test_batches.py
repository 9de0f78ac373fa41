"""Export batches in Chromium: the accountant follows a batch from exported to posted, and the
whole journey from a handheld push to a posted batch."""
from __future__ import annotations

import json
import sqlite3
import urllib.request
import uuid
from contextlib import closing
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from batches.models import ExportBatch
from batches.reconcile import reconcile
from demo.importer import import_from_folder
from demo.journal import post_batch
from tests.factories import TransactionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(own_mas_company):
    return own_mas_company


def expect_batch(page, status: str, lines: str, hours: str, quantity: str, mas: tuple[str, str, str] | None) -> None:
    page.reload()
    expect(page.get_by_test_id("batch-status")).to_have_text(status)
    expect(page.get_by_test_id("total-lines")).to_have_text(lines)
    expect(page.get_by_test_id("total-hours")).to_have_text(hours)
    expect(page.get_by_test_id("total-quantity")).to_have_text(quantity)
    if mas:
        expect(page.get_by_test_id("mas-lines")).to_have_text(mas[0])
        expect(page.get_by_test_id("mas-hours")).to_have_text(mas[1])
        expect(page.get_by_test_id("mas-quantity")).to_have_text(mas[2])
    expect(page.get_by_test_id("discrepancies")).to_have_count(0)


def test_an_accountant_follows_a_batch_from_exported_to_imported_to_posted(
    page, sign_in, accountant, supervisor, export_dir, company
):
    TransactionFactory(status="approved", work_order="0001042", step="0010", hours=Decimal("2.500"), qty_completed=Decimal("1"))
    TransactionFactory(status="approved", type="completion", work_order="0001042", step="", employee="", hours=None,
                       qty_completed=Decimal("1"))
    sign_in(supervisor)
    page.goto("/batches/")
    page.get_by_role("link", name="Send to MAS").click()
    expect(page.get_by_test_id("total-lines")).to_have_text("2")
    page.get_by_role("button", name="Send 2 lines to MAS").click()
    expect(page.get_by_role("alert").first).to_contain_text("Batch 000001 sent to MAS: 2 lines")
    page.get_by_role("button", name="Sign out").click()

    sign_in(accountant)
    page.get_by_role("link", name="All batches").click()
    expect(page.get_by_test_id("batch-status")).to_have_text(["Exported"])
    page.get_by_role("link", name="000001").click()
    expect_batch(page, "Exported", "2", "2.5", "2", None)
    expect(page.get_by_test_id("totals-by-type")).to_contain_text("Completion")

    assert import_from_folder(company, export_dir, 1).status == "imported"
    reconcile()
    expect_batch(page, "Imported into MAS", "2", "2.5", "2", ("2", "2.5", "2"))

    post_batch(company, 1)
    reconcile()
    expect_batch(page, "Posted in MAS", "2", "2.5", "2", ("2", "2.5", "2"))
    expect(page.get_by_test_id("history")).to_contain_text("Posted in MAS")


def _active_employee(company) -> str:
    with closing(sqlite3.connect(company)) as con:
        return con.execute(
            "SELECT EmployeeNo FROM PR_Employee WHERE EmployeeStatus = 'A' ORDER BY EmployeeNo LIMIT 1"
        ).fetchone()[0].strip()


def test_a_handheld_line_goes_all_the_way_to_posted(
    page, sign_in, live_server, supervisor, accountant, export_dir, company
):
    """Handheld push → supervisor approves → Send to MAS → the stand-in imports → the pull shows
    imported → the stand-in posts → the pull shows posted; the totals match at each step."""
    pull = pytest.importorskip("afterpull.followups")
    devices = pytest.importorskip("intake.devices")
    from syncconfig.models import ServerConfig

    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
    assert pull.pull_now().status == "succeeded"  # the mirror, so the pushed line checks clean
    _device, token = devices.register_device("Handheld 7")
    body = {"transactions": [{
        "client_txn_id": str(uuid.uuid4()), "type": "labor", "collected_at": timezone.now().isoformat(),
        "work_order": "0001042", "step": "0010", "employee": _active_employee(company), "hours": 1.75,
        "qty_completed": 1,
    }]}
    request = urllib.request.Request(
        f"{live_server.url}/api/sync/v1/transactions", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["results"][0]["status"] == "accepted"

    sign_in(supervisor)
    page.get_by_role("link", name="Open the queue").click()
    page.wait_for_load_state()  # the queue's script ticks the rows for "select all"; a loaded CI machine runs it late
    page.get_by_label("Select all rows on this page").check()
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_role("button", name="Approve 1").click()
    expect(page.get_by_role("alert").first).to_contain_text("Approved 1 line")
    page.goto("/batches/send/")
    expect(page.get_by_test_id("total-hours")).to_have_text("1.75")
    page.get_by_role("button", name="Send 1 line to MAS").click()
    expect(page.get_by_role("alert").first).to_contain_text("Batch 000001 sent to MAS: 1 lines")
    page.get_by_role("button", name="Sign out").click()

    sign_in(accountant)
    page.goto("/batches/1/")
    expect_batch(page, "Exported", "1", "1.75", "1", None)

    assert import_from_folder(company, export_dir, 1).status == "imported"
    assert pull.pull_now().status == "succeeded"
    expect_batch(page, "Imported into MAS", "1", "1.75", "1", ("1", "1.75", "1"))

    post_batch(company, 1)
    assert pull.pull_now().status == "succeeded"
    expect_batch(page, "Posted in MAS", "1", "1.75", "1", ("1", "1.75", "1"))
    assert ExportBatch.objects.get().status == "posted"
