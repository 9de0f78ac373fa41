"""The supervisor's landing page charts in Chromium, on a plant with two weeks of lines: the four
charts are drawn under the counts, read at 1366×768, and a bar opens the queue on its lines.

The plant: six work centers, 14 plant days of about 150 lines each (2,100 lines), the last three
days mostly waiting with findings of several kinds, the older ones decided (made with the
project's factory, written with one bulk_create)."""
from __future__ import annotations

import os
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kernel.filters import start_of_day
from tests.factories import TransactionFactory, WorkCenterFactory
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTERS = {"WELD": "Welding", "ASM": "Assembly", "PAINT": "Powder coat", "CUT": "Laser cut", "BEND": "Press brake",
           "PACK": "Packing"}
FINDINGS = (("closed_work_order", "error"), ("unknown_employee", "error"), ("work_order_on_hold", "warning"),
            ("over_shift_maximum", "warning"), ("near_duplicate", "warning"), ("hours_disagree_with_times", "warning"))


@pytest.fixture
def plant(db):
    rng = random.Random(14)
    for code, description in CENTERS.items():
        WorkCenterFactory(code=code, description=description)
    lines = []
    today = timezone.localdate()
    for back in range(14):
        start = start_of_day(today - timedelta(days=back)) + timedelta(hours=6)
        for i in range(150):
            if back <= 2:
                status = rng.choice(["needs_review"] * 3 + ["flagged", "approved"])
            else:
                status = rng.choices(["exported", "rejected", "approved"], weights=[88, 4 + back % 5, 4])[0]
            lines.append(TransactionFactory.build(
                work_center=rng.choice(list(CENTERS)), status=status, employee=f"{1 + i % 40:07d}",
                collected_at=min(start + timedelta(minutes=4 * i), timezone.now()),
                hours=Decimal(rng.randrange(1, 33)) / 4,
            ))
    Transaction.objects.bulk_create(lines)
    findings = [Finding(transaction=line, code=code, severity=severity, message="")
                for line in lines if line.status in ("needs_review", "flagged") and rng.random() < 0.4
                for code, severity in [rng.choice(FINDINGS)]]
    Finding.objects.bulk_create(findings)
    return lines


def test_the_supervisor_reads_the_charts_and_a_bar_opens_its_lines(page, sign_in, supervisor, plant):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(supervisor)

    for title in ("Waiting by age", "Findings on the lines waiting", "Hours by work center, last 7 days",
                  "Rejection rate, last 14 days"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    for chart in ("ages", "findings", "hours", "rejections"):
        expect(page.get_by_test_id(f"chart-{chart}")).to_be_visible()
    expect(page.locator('[data-testid="chart-hours"] svg[role="img"] rect[fill]')).not_to_have_count(0)
    expect(page.locator('[data-testid="chart-hours"] .chart-legend li')).to_have_count(6)
    expect(page.get_by_test_id("chart-rejections").locator("svg text").first).to_be_visible()
    # The counts come first: the cards are above the fold, the charts start below them.
    cards_bottom = page.get_by_test_id("count-exported").bounding_box()
    charts_top = page.get_by_test_id("chart-ages").bounding_box()
    assert cards_bottom["y"] + cards_bottom["height"] < 768 and charts_top["y"] > cards_bottom["y"]
    screenshots = os.environ.get("WOSCAN_SCREENSHOTS")
    if screenshots:
        page.screenshot(path=os.path.join(screenshots, "supervisor-landing-charts.png"))
        page.screenshot(path=os.path.join(screenshots, "supervisor-landing-charts-full.png"), full_page=True)
        page.set_viewport_size({"width": 794, "height": 1123})  # an A4 sheet at 96 dpi, as printed
        page.emulate_media(media="print")
        page.screenshot(path=os.path.join(screenshots, "supervisor-landing-charts-print.png"), full_page=True)
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1366, "height": 768})

    waiting_2_3 = Transaction.objects.filter(
        status__in=("needs_review", "flagged"), collected_at__gte=start_of_day(timezone.localdate() - timedelta(days=3)),
        collected_at__lt=start_of_day(timezone.localdate() - timedelta(days=1))).count()
    bar = page.get_by_test_id("bar-ages-2-3")
    expect(bar).to_contain_text(f"{waiting_2_3:,}")
    bar.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")
    expect(page.get_by_test_id("range")).to_have_text(f"1–50 of {waiting_2_3:,}")
    assert "collected_before=" in page.url and "collected_after=" in page.url

    page.go_back()
    finding = page.get_by_test_id("bar-findings-closed_work_order")
    n = Finding.objects.filter(code="closed_work_order", transaction__status__in=("needs_review", "flagged")).count()
    expect(finding).to_contain_text("Work order is closed in MAS")
    expect(finding).to_contain_text(f"{n:,}")
    finding.click()
    expect(page.get_by_test_id("range")).to_have_text(f"1–{min(n, 50)} of {n:,}")
