"""The server-drawn charts' layout (kernel.charts) and the day buckets they are grouped by
(kernel.counting.bucket): the stack of a column is its total, the longest bar is the full width,
every series has its own pattern, and a value on a range's first moment falls in that range."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from kernel.charts import Bar, BarList, Column, ColumnChart, DataTable, nice_ceiling, styles_for
from kernel.counting import bucket
from kernel.filters import start_of_day
from tests.factories import TransactionFactory
from transactions.models import Transaction


@pytest.mark.parametrize(("value", "top"), [(0, 1), (Decimal("0.7"), 1), (3, 5), (7.3, 10), (12, 20), (100, 100), (101, 200)])
def test_a_scale_ends_on_1_2_or_5_times_a_power_of_ten(value, top):
    assert nice_ceiling(value) == Decimal(top)


def test_a_columns_segments_stack_up_to_its_share_of_the_plot():
    chart = ColumnChart(id="c", series=["A", "B"], empty="", columns=[
        Column(label="Mon", values=[Decimal(30), Decimal(10)]), Column(label="Tue", values=[Decimal(20), None]),
    ])

    first, second = chart.drawn()

    assert sum(s.height for s in first.segments) == pytest.approx(chart.plot_height)  # the largest total: full height
    assert sum(s.height for s in second.segments) == pytest.approx(chart.plot_height / 2)
    assert first.segments[1].y + first.segments[1].height == pytest.approx(first.segments[0].y)  # B sits on A
    assert len(second.segments) == 1 and first.x < second.x


def test_a_fixed_scale_and_nothing_to_draw():
    chart = ColumnChart(id="c", series=["Rate"], empty="none", scale_top=Decimal(10),
                        columns=[Column(label="Mon", values=[Decimal(5)]), Column(label="Tue", values=[None])])
    assert chart.drawn()[0].segments[0].height == pytest.approx(chart.plot_height / 2)
    assert ColumnChart(id="e", series=["Rate"], empty="none", columns=[Column(label="Mon", values=[0])]).is_empty
    assert not ColumnChart(id="z", series=["Rate"], empty="", figures=True, columns=[Column(label="Mon", values=[0])]).is_empty


def test_each_series_has_its_own_colour_and_pattern_and_other_is_grey():
    styles = styles_for("hours", 6, other=True)
    assert len({(s.colour, s.pattern) for s in styles}) == 6
    assert styles[-1].colour == "#bbbbbb" and styles[0].ref.startswith("#") and styles[1].ref == "url(#hours-s1)"


def test_the_longest_bar_is_the_full_width_and_an_empty_list_says_so():
    bars = BarList(id="b", empty="Nothing", bars=[Bar("x", "X", 40, "40"), Bar("y", "Y", 10, "10", style=1)])
    assert [bar.percent for bar in bars.bars] == [100.0, 25.0]
    assert bars.bars[1].fill == "url(#b-s1)"
    assert BarList(id="e", empty="Nothing", bars=[Bar("x", "X", 0, "0")]).is_empty


def test_the_templates_draw_without_style_attributes_and_write_coordinates_plainly(settings):
    settings.USE_THOUSAND_SEPARATOR = True  # a coordinate is never written "1,234.5"
    chart = ColumnChart(id="c", series=["A", "B"], empty="", columns=[Column(label="Mon", values=[Decimal(1500), Decimal(5)])],
                        table=DataTable(head=["", "Mon"], rows=[["A", "1500"]]))
    html = render_to_string("charts/columns.html", {"chart": chart, "caption": "What it counts"})
    bars = render_to_string("charts/bars.html", {"chart": BarList(id="b", empty="", bars=[Bar("x", "X", 3, "3", url="/q?a=1")]),
                                                  "caption": "Bars"})

    assert "style=" not in html + bars
    assert 'viewBox="0 0 600 210"' in html and 'width="100%"' in bars and 'href="/q?a=1"' in bars
    assert 'aria-labelledby="c-caption"' in html and 'id="c-caption">What it counts</figcaption>' in html
    assert '<table class="chart-data' in html


@pytest.mark.django_db
def test_a_line_on_a_days_first_moment_is_in_that_day_and_one_just_before_in_the_one_before():
    today = timezone.localdate()
    starts = [start_of_day(today - timedelta(days=n)) for n in (2, 1, 0)]
    for moment in (starts[0] - timedelta(microseconds=1), starts[0], starts[1] - timedelta(seconds=1), starts[1],
                   starts[2], timezone.now()):
        TransactionFactory(collected_at=moment)

    counts = dict(Transaction.objects.order_by().values_list(bucket("collected_at", starts)).annotate(n=Count("id")))

    assert counts == {-1: 1, 0: 2, 1: 1, 2: 2}
