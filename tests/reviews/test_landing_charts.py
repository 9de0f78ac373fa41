"""The charts of the supervisor's landing page (issue 14 item 8): their figures against a small known
set of lines, their plant-day boundaries, their links into the queue, their empty states, and the
bounded, grouped queries they cost."""
from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kernel.filters import start_of_day
from tests.factories import TransactionFactory, WorkCenterFactory
from transactions.models import Finding

pytestmark = pytest.mark.django_db
LANDING = "/review/"


class _Tables(HTMLParser):
    """The rows (cell texts) of each ``<table data-testid=…>`` of a page."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-testid" in attrs:
            self._table = self.tables.setdefault(attrs["data-testid"], [])
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


BAR = re.compile(r'<(a|span) class="chart-bar"(?: href="([^"]*)")? data-testid="bar-(\w+)-([\w-]+)">(.*?)</\1>\s*</li>', re.S)


def bars(page: str, chart: str) -> dict[str, tuple[str, str, str]]:
    """{key: (label, value, href)} of a bar chart's rows."""
    found = {}
    for _, href, chart_id, key, inner in BAR.findall(page):
        if chart_id == chart:
            label = re.search(r'chart-bar-label">([^<]*)', inner).group(1).strip()
            value = re.search(r'chart-bar-value">([^<]*)<', inner).group(1)
            found[key] = (html_lib.unescape(label), value, html_lib.unescape(href))
    return found


def landing(client, user) -> str:
    client.force_login(user)
    response = client.get(LANDING)
    assert response.status_code == 200
    return response.content.decode()


def opened(client, href: str) -> set[int]:
    """The lines the queue shows at ``href`` (one page holds them all here)."""
    response = client.get(href)
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def _days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


# --- hours by work center and day ---------------------------------------------------------------
def test_hours_are_summed_per_work_center_and_plant_day_without_rejected_or_untimed_lines(client, supervisor):
    WorkCenterFactory(code="WELD", description="Welding")
    today, oldest = start_of_day(_days_ago(0)), start_of_day(_days_ago(6))
    for hours, at, status in (("2", today, "needs_review"), ("1.5", today + timedelta(hours=3), "approved")):
        TransactionFactory(work_center="WELD", hours=Decimal(hours), collected_at=at, status=status)
    TransactionFactory(work_center="WELD", hours=Decimal("3"), collected_at=today - timedelta(seconds=1),
                       status="exported")  # the last second of yesterday
    TransactionFactory(type="crew_labor", crew="C001", employee="", work_center="ASM", hours=Decimal("4"),
                       collected_at=today + timedelta(hours=1))
    TransactionFactory(work_center="ASM", hours=Decimal("1.25"), collected_at=oldest)  # the first moment of the window
    TransactionFactory(work_center="", hours=Decimal("0.5"), collected_at=today)  # its step is not in the mirror
    # Not counted: rejected, a material issue (no hours), and the day before the window.
    TransactionFactory(work_center="WELD", hours=Decimal("5"), collected_at=today, status="rejected")
    TransactionFactory(type="material_issue", work_center="WELD", hours=None, item_code="STEEL", warehouse="000",
                       quantity=Decimal("3"), collected_at=today)
    TransactionFactory(work_center="WELD", hours=Decimal("9"), collected_at=oldest - timedelta(seconds=1))

    page = landing(client, supervisor)

    head, *rows, foot = tables(page)["chart-hours-table"]
    assert head[0] == "Work center" and head[-1] == "Total" and len(head) == 9
    assert head[-2].startswith("Today") and head[1] == " ".join([_days_ago(6).strftime("%a"), _days_ago(6).strftime("%b %-d")])
    assert rows == [
        ["WELD · Welding", "0", "0", "0", "0", "0", "3", "3.5", "6.5"],
        ["ASM", "1.25", "0", "0", "0", "0", "0", "4", "5.25"],
        ["No work center", "0", "0", "0", "0", "0", "0", "0.5", "0.5"],
    ]
    assert foot == ["All work centers", "1.25", "0", "0", "0", "0", "3", "8", "12.25"]
    assert ">8 h</text>" in page and ">3 h</text>" in page  # the day totals written above the columns
    assert "Hours by work center, last 7 days" in page


def test_past_five_work_centers_the_quietest_are_one_other_series_and_the_table_keeps_them_all(client, supervisor):
    for n in range(7):
        TransactionFactory(work_center=f"WC{n}", hours=Decimal(10 - n), collected_at=timezone.now())

    page = landing(client, supervisor)

    assert "Other (2 work centers)" in page
    assert [row[0] for row in tables(page)["chart-hours-table"][1:-1]] == [f"WC{n}" for n in range(7)]


# --- lines waiting by age -----------------------------------------------------------------------
@pytest.mark.parametrize("zone", ["America/Chicago", "Pacific/Kiritimati"])
def test_waiting_lines_fall_in_their_age_by_the_plants_calendar_and_each_bar_opens_them(client, supervisor, settings, zone):
    settings.TIME_ZONE = zone
    second = timedelta(seconds=1)
    at = {
        "today": [start_of_day(_days_ago(0)), timezone.now()],
        "1": [start_of_day(_days_ago(0)) - second, start_of_day(_days_ago(1))],
        "2-3": [start_of_day(_days_ago(1)) - second, start_of_day(_days_ago(3))],
        "4-7": [start_of_day(_days_ago(3)) - second, start_of_day(_days_ago(7))],
        "older": [start_of_day(_days_ago(7)) - second, start_of_day(_days_ago(400))],
    }
    lines = {key: {TransactionFactory(collected_at=moment, status="flagged" if i else "needs_review").pk
                   for i, moment in enumerate(moments)} for key, moments in at.items()}
    for moments in at.values():  # decided lines (and approved ones, waiting only to be sent) are not waiting
        for status in ("approved", "rejected", "exported"):
            TransactionFactory(collected_at=moments[0], status=status)

    page = landing(client, supervisor)

    found = bars(page, "ages")
    assert {key: (label, value) for key, (label, value, _) in found.items()} == {
        "today": ("Today", "2"), "1": ("1 day", "2"), "2-3": ("2–3 days", "2"), "4-7": ("4–7 days", "2"),
        "older": ("Older", "2"),
    }
    for key, (_, _, href) in found.items():
        assert "status=needs_review&status=flagged" in href
        assert opened(client, href) == lines[key], key


def test_an_age_with_no_line_shows_0_and_is_no_link(client, supervisor):
    TransactionFactory(collected_at=timezone.now())

    found = bars(landing(client, supervisor), "ages")

    assert found["today"][1] == "1" and found["today"][2]
    assert found["older"] == ("Older", "0", "")


# --- findings by kind ---------------------------------------------------------------------------
def _finding(line, code, severity):
    Finding.objects.create(transaction=line, code=code, severity=severity, message=f"{code} on this line")


def test_findings_are_counted_per_kind_on_waiting_lines_in_plain_words_each_a_link_to_those_lines(client, supervisor):
    both, closed, repeat = (TransactionFactory(status="flagged"), TransactionFactory(status="flagged"),
                            TransactionFactory(status="needs_review"))
    _finding(both, "closed_work_order", "error")
    _finding(both, "work_order_on_hold", "warning")
    _finding(closed, "closed_work_order", "error")
    _finding(closed, "closed_work_order", "error")  # twice on one line: one line
    _finding(repeat, "near_duplicate", "warning")
    _finding(repeat, "retired_check", "warning")  # a check since removed: counted, no filter to open
    decided = TransactionFactory(status="rejected")
    _finding(decided, "closed_work_order", "error")  # decided: not waiting
    TransactionFactory(status="needs_review")  # no finding

    page = landing(client, supervisor)

    found = bars(page, "findings")
    assert list(found) == ["closed_work_order", "near_duplicate", "retired_check", "work_order_on_hold"]
    assert {key: (label, value) for key, (label, value, _) in found.items()} == {
        "closed_work_order": ("Work order is closed in MAS", "2"),
        "near_duplicate": ("Looks like a repeat of another line", "1"),
        "work_order_on_hold": ("Work order is on hold", "1"),
        "retired_check": ("Retired check", "1"),
    }
    assert 'data-testid="bar-findings-closed_work_order">' in page and ">Error</span>" in page  # the word, not only a colour
    assert opened(client, found["closed_work_order"][2]) == {both.pk, closed.pk}
    assert opened(client, found["work_order_on_hold"][2]) == {both.pk}
    assert found["retired_check"][2] == ""


def test_past_the_kinds_shown_the_chart_says_how_many_there_are(client, supervisor, monkeypatch):
    from reviews import charts

    monkeypatch.setattr(charts, "FINDINGS_SHOWN", 2)
    line = TransactionFactory(status="flagged")
    for code in ("closed_work_order", "unknown_step", "near_duplicate"):
        _finding(line, code, "error" if code != "near_duplicate" else "warning")

    page = landing(client, supervisor)

    assert list(bars(page, "findings")) == ["closed_work_order", "unknown_step"]  # errors first at a tie
    assert "The 2 commonest of 3 kinds" in page


# --- rejection rate -----------------------------------------------------------------------------
def test_the_rejection_rate_is_rejected_over_decided_per_plant_day_and_a_day_without_decisions_has_none(client, supervisor):
    yesterday, three_back = start_of_day(_days_ago(1)) + timedelta(hours=8), start_of_day(_days_ago(3))
    for status in ("rejected", "exported", "exported", "approved"):
        TransactionFactory(status=status, collected_at=yesterday)
    TransactionFactory.create_batch(2, status="rejected", collected_at=three_back)
    TransactionFactory(status="needs_review", collected_at=timezone.now())  # today: nothing decided
    TransactionFactory(status="rejected", collected_at=start_of_day(_days_ago(14)))  # before the 14 days

    page = landing(client, supervisor)

    head, *rows, foot = tables(page)["chart-rejections-table"]
    assert head == ["Day collected", "Rejected", "Decided", "Rejection rate"] and len(rows) == 14
    by_day = {row[0]: row[1:] for row in rows}
    label = lambda n: " ".join([_days_ago(n).strftime("%a"), _days_ago(n).strftime("%b %-d")])  # noqa: E731
    assert by_day[label(1)] == ["1", "4", "25%"]
    assert by_day[label(3)] == ["2", "2", "100%"]
    assert by_day[next(k for k in by_day if k.startswith("Today"))] == ["0", "0", "–"]
    assert foot == ["All 14 days", "3", "6", "50%"]


def test_nothing_decided_is_an_empty_chart_not_a_division_by_zero(client, supervisor):
    TransactionFactory.create_batch(3, status="needs_review")

    page = landing(client, supervisor)

    assert "Nothing collected in the last 14 days has been decided yet." in page
    assert "chart-rejections-table" not in page


# --- every chart -----------------------------------------------------------------------------------
def test_an_empty_portal_shows_each_charts_empty_state(client, supervisor):
    page = landing(client, supervisor)

    for chart, text in (("ages", "Nothing waiting."), ("findings", "Nothing waiting."),
                        ("hours", "No hours collected in the last 7 days."),
                        ("rejections", "Nothing collected in the last 14 days has been decided yet.")):
        assert f'data-testid="chart-{chart}-empty">{text}</p>' in page, chart


def test_waiting_lines_without_findings_say_so(client, supervisor):
    TransactionFactory(status="needs_review")

    assert 'data-testid="chart-findings-empty">No findings on the lines waiting.</p>' in landing(client, supervisor)


def test_a_chart_not_read_in_time_says_so_and_the_page_still_answers(client, supervisor, settings):
    TransactionFactory(status="flagged")
    settings.WOSCAN_CHART_BUDGET = 0

    page = landing(client, supervisor)

    for chart in ("ages", "findings", "hours", "rejections"):
        assert f'data-testid="chart-{chart}-unknown"' in page
    assert 'data-testid="count-flagged"' in page


def test_each_chart_is_one_grouped_query_over_a_bounded_window(client, supervisor):
    TransactionFactory(status="flagged")
    TransactionFactory(status="exported")
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(LANDING).status_code == 200

    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 4, grouped
    for sql in grouped:
        # a window of days, the waiting states, or the waiting lines' ids read just before
        bounded = (re.search(r'"collected_at" >= ', sql) or re.search(r'"status" IN \(', sql)
                   or re.search(r'"transaction_id" (IN \(SELECT value FROM json_each|= ANY)', sql))
        assert bounded, sql
    assert all("django_datetime" not in sql for sql in grouped)  # no date function per row: the column is compared


def test_the_charts_hold_no_inline_style_and_no_script(client, supervisor):
    TransactionFactory(status="flagged", work_center="WELD")
    TransactionFactory(status="rejected")

    page = landing(client, supervisor)

    assert not re.search(r"\sstyle\s*=", page) and "<script>" not in page
    assert page.count('role="img"') == 2  # the column charts; the bar charts are text and links


def test_the_charts_of_past_days_are_kept_a_minute_and_the_waiting_ones_are_read_afresh(
    client, supervisor, settings, django_assert_max_num_queries
):
    """Hours and rejection rate (days of history) are kept per user for WOSCAN_CHART_CACHE_SECONDS;
    the counts and the waiting lines' charts are read on every visit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    settings.WOSCAN_CHART_CACHE_SECONDS = 60
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("reviews:dashboard")).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 200 and response.context["hours"] is not None
    assert len(second.captured_queries) < len(first.captured_queries)
    def history(queries):  # the rejection rate's grouped query: decided states bucketed by day
        return [q["sql"] for q in queries.captured_queries if "'rejected'" in q["sql"] and "CASE" in q["sql"]]

    assert history(first) and not history(second)
    cache.clear()
