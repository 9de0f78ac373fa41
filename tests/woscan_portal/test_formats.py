"""One date and date-time format in plant time; yes/no filters in words; export cells made plain."""
from __future__ import annotations

from datetime import date, datetime, timezone as tz
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import format_html

from tests.factories import ItemFactory
from kernel.export import plain_value

JULY = datetime(2026, 7, 1, 19, 30, 5, 123456, tzinfo=tz.utc)  # 14:30 in Chicago (CDT)


def test_it_shows_every_date_and_time_in_one_format_in_plant_time():
    shown = Template(
        '{{ when }}|{{ when|date }}|{{ when|date:"DATETIME_FORMAT" }}|{{ day }}|{{ day|date:"SHORT_DATE_FORMAT" }}'
    )

    text = shown.render(Context({"when": JULY, "day": date(2026, 6, 27)}))

    assert text == "2026-07-01 14:30|2026-07-01|2026-07-01 14:30|2026-06-27|2026-06-27"


@pytest.mark.parametrize("value, plain", [
    (format_html('<a href="/review/transactions/52/">{}</a>', 52), "52"),
    (format_html('<span class="badge text-bg-dark">{}</span>', "Exported"), "Exported"),
    (format_html("<b>{}</b>", "Tom & Jerry's"), "Tom & Jerry's"),
    ("—", None),
    (Decimal("2.500"), Decimal("2.5")),
    (Decimal("100.0000"), Decimal("100")),
    (True, "Yes"),
    (JULY, "2026-07-01 14:30"),
    (date(2026, 6, 27), "2026-06-27"),
    (7, 7),
])
def test_an_export_cell_holds_the_plain_value(value, plain):
    assert plain_value(value) == plain
    assert str(plain_value(value)) == str(plain)  # never 1E+2


@pytest.mark.django_db
def test_the_yes_no_filters_read_any_yes_no_under_a_label_people_understand(client, supervisor):
    ItemFactory(code="OLD-1", mas_inactive=True)
    ItemFactory(code="NEW-1")
    client.force_login(supervisor)

    response = client.get(reverse("mas:item_list"), {"mas_inactive": "true"})

    form = response.context["filter"].form
    assert form["mas_inactive"].label == "Inactive in MAS" and form["active"].label == "In MAS"
    assert [label for _, label in form.fields["mas_inactive"].widget.choices] == ["Any", "Yes", "No"]
    assert [label for _, label in form.fields["item_type"].choices][:3] == ["Any", "Regular (1)", "Charge (3)"]
    assert [row.record.code for row in response.context["table"].paginated_rows] == ["OLD-1"]
    page = response.content.decode()
    assert "Unknown" not in page and "Mas inactive" not in page
