"""In Chromium: a supervisor reverses a posted labor line from its page (issue 14 item 7)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from audit.models import AuditEntry
from batches.models import BatchLine, BatchStatus, ExportBatch
from tests.factories import TransactionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reverses_a_posted_line_from_its_page(page, sign_in, supervisor, tmp_path):
    original = TransactionFactory(status="exported", hours=Decimal("11.5"), qty_completed=Decimal("2"))
    batch = ExportBatch.objects.create(number=41, status=BatchStatus.POSTED)
    BatchLine.objects.create(batch=batch, transaction=original, line_no=1, type="labor", hours=original.hours)
    sign_in(supervisor)

    page.goto(original.get_absolute_url())
    page.get_by_test_id("reverse").click()
    expect(page.get_by_test_id("planned")).to_contain_text("-8")
    expect(page.get_by_test_id("planned")).to_contain_text("-3.5")
    page.get_by_label("Reason").fill("Booked on the wrong work order")
    page.screenshot(path=str(tmp_path / "reverse-confirm.png"))
    page.get_by_test_id("confirm-reverse").click()

    expect(page.get_by_role("alert").first).to_contain_text(f"Reversed line #{original.pk}")
    expect(page.get_by_test_id("reversed-by")).to_contain_text("Reversed by line #")
    lines = list(original.reversals.order_by("pk"))
    assert [line.hours for line in lines] == [Decimal(-8), Decimal("-3.5")]
    assert AuditEntry.objects.filter(object_id=str(original.pk), action="reversed").count() == 1
    page.get_by_test_id("reversed-by").get_by_role("link").first.click()
    expect(page.get_by_test_id("reverses")).to_contain_text(f"line #{original.pk}")
    expect(page.get_by_test_id("status")).to_have_text("Flagged")  # the empty mirror: unknown work order
    page.screenshot(path=str(tmp_path / "reversal-line.png"), full_page=True)
    print(tmp_path)
