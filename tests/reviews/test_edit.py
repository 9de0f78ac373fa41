"""Correcting a line on its edit page, as a browser sends the form (every field shown, changed or not)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.log import history
from tests.factories import EmployeeFactory, TransactionFactory, WorkOrderFactory, WorkOrderStepFactory

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would submit for the form with id ``form_id`` (inputs, selects, textareas)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "checkbox", "radio") and a.get("name"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n")


def browser_post(client, url, **changes):
    parser = FormValues("transaction-edit")
    parser.feed(client.get(url).content.decode())
    data = {k: v for k, v in parser.values.items() if k != "csrfmiddlewaretoken"}
    return client.post(url, {**data, **changes})


def aware(*args):
    return timezone.make_aware(datetime(*args))


def test_editing_only_the_comment_keeps_start_and_stop_to_the_second(client, supervisor, quiet_validation):
    txn = TransactionFactory(start=aware(2026, 3, 2, 7, 0, 30), stop=aware(2026, 3, 2, 9, 0, 45), hours=Decimal("2.000"))
    client.force_login(supervisor)

    response = browser_post(client, reverse("reviews:transaction_edit", args=[txn.pk]), comment="checked with lead")

    assert response.status_code == 302
    txn.refresh_from_db()
    assert txn.comment == "checked with lead"
    assert (txn.start, txn.stop) == (aware(2026, 3, 2, 7, 0, 30), aware(2026, 3, 2, 9, 0, 45))
    assert set(history(txn).get(action="corrected").changes) == {"comment"}


@pytest.fixture
def labor_mirror(db):
    WorkOrderFactory(number="0001001")
    WorkOrderStepFactory(work_order="0001001", step="0010")
    EmployeeFactory(number="0000001")


def test_the_edit_form_refuses_blanking_a_field_the_type_requires(client, supervisor, labor_mirror):
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001", hours=Decimal("2.000"))
    client.force_login(supervisor)

    response = browser_post(client, reverse("reviews:transaction_edit", args=[txn.pk]), employee="")

    assert response.status_code == 200
    assert response.context["form"].errors["employee"] == ["This field is required."]
    txn.refresh_from_db()
    assert (txn.employee, txn.version) == ("0000001", 1)
    assert not history(txn).filter(action="corrected").exists()


def test_clearing_the_hours_of_a_line_without_start_and_stop_is_refused(client, supervisor, labor_mirror):
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001", hours=Decimal("2.000"))
    client.force_login(supervisor)

    response = browser_post(client, reverse("reviews:transaction_edit", args=[txn.pk]), hours="")

    assert response.context["form"].errors["hours"] == ["Give the hours, or both start and stop."]
    txn.refresh_from_db()
    assert txn.hours == Decimal("2.000")


def test_correcting_the_stop_time_moves_hours_that_were_worked_out_from_the_times(client, supervisor, labor_mirror):
    # collected with start and stop only: the hours (8.000) were worked out on arrival
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001",
                             start=aware(2026, 3, 2, 7, 0), stop=aware(2026, 3, 2, 15, 0), hours=Decimal("8.000"),
                             raw={"start": "2026-03-02T07:00:00-06:00", "stop": "2026-03-02T15:00:00-06:00"})
    client.force_login(supervisor)

    browser_post(client, reverse("reviews:transaction_edit", args=[txn.pk]), stop="2026-03-02T14:00:00")

    txn.refresh_from_db()
    assert (txn.stop, txn.hours) == (aware(2026, 3, 2, 14, 0), Decimal("7.000"))
    assert history(txn).get(action="corrected").changes["hours"] == ["8.000", "7.000"]


def test_hours_the_device_sent_stay_when_a_time_is_corrected(client, supervisor, labor_mirror):
    # sent with hours (a break taken off): correcting the stop time does not overwrite them
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001",
                             start=aware(2026, 3, 2, 7, 0), stop=aware(2026, 3, 2, 15, 0), hours=Decimal("7.500"),
                             raw={"hours": 7.5, "start": "2026-03-02T07:00:00-06:00", "stop": "2026-03-02T15:00:00-06:00"})
    client.force_login(supervisor)

    browser_post(client, reverse("reviews:transaction_edit", args=[txn.pk]), stop="2026-03-02T14:00:00")

    txn.refresh_from_db()
    assert (txn.stop, txn.hours) == (aware(2026, 3, 2, 14, 0), Decimal("7.500"))


def test_a_corrected_time_reads_in_plant_time_on_the_line_history(client, supervisor, labor_mirror):
    """15:00 → 14:00 as the plant's clock reads both, not "21:00:00+00:00 → 14:00:00-06:00"."""
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001",
                             start=aware(2026, 3, 2, 7, 0), stop=aware(2026, 3, 2, 15, 0), hours=Decimal("8.000"))
    client.force_login(supervisor)

    browser_post(client, reverse("reviews:transaction_edit", args=[txn.pk]), stop="2026-03-02T14:00:00")

    html = client.get(txn.get_absolute_url()).content.decode()
    assert "<div>Stop: 2026-03-02 15:00 → 2026-03-02 14:00</div>" in html
    assert "+00:00" not in html and "-06:00" not in html
