"""The timesheet: one person's day in time order, its total, gaps and overlaps, and approving or
rejecting whole days through the review service."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import EmployeeFactory, TransactionFactory
from transactions.models import Finding, Transaction

pytestmark = pytest.mark.django_db
DAY = timezone.localdate() - timedelta(days=1)


def at(hour, minute=0, day=DAY):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))


def line(employee="0000042", start=(7, 0), stop=(9, 0), **kwargs):
    s, e = at(*start), at(*stop)
    hours = Decimal((e - s).total_seconds() / 3600).quantize(Decimal("0.001"))
    kwargs.setdefault("collected_at", e)
    return TransactionFactory(employee=employee, start=s, stop=e, hours=hours, **kwargs)


@pytest.fixture
def moreno_day():
    EmployeeFactory(number="0000042", first_name="Thomas", last_name="Moreno")
    lines = [
        line(start=(7, 0), stop=(9, 0)),
        line(start=(9, 30), stop=(12, 0)),  # a 30 min gap before it
        line(start=(11, 45), stop=(14, 0)),  # overlaps by 15 min
        line(start=(14, 0), stop=(15, 30), status="flagged"),
    ]
    Finding.objects.create(transaction=lines[3], severity="warning", code="long_step", message="More hours than the step's standard")
    return lines


def page(client, **params):
    params.setdefault("day_from", DAY.isoformat())
    params.setdefault("day_to", params["day_from"])
    return client.get(reverse("reviews:timesheet"), params)


def test_it_groups_the_day_with_its_total_and_the_employees_name(client, supervisor, moreno_day):
    line(employee="0000043", start=(8, 0), stop=(10, 0))
    line(employee="0000042", start=(8, 0), stop=(9, 0), collected_at=at(9) - timedelta(days=2))  # another day
    client.force_login(supervisor)

    response = page(client)

    days = response.context["days"]
    assert [(d.key, d.name) for d in days] == [("0000042", "Thomas Moreno"), ("0000043", "")]
    assert days[0].total_hours == Decimal("8.250") and len(days[0].lines) == 4
    assert "Thomas Moreno" in response.content.decode()


def test_the_day_page_lists_lines_in_time_order_and_marks_gaps_and_overlaps(client, supervisor, moreno_day):
    client.force_login(supervisor)

    response = page(client, key="42".zfill(7))

    day = response.context["day"]
    assert [l.pk for l in day.lines] == [t.pk for t in moreno_day]
    assert [(m.kind, m.minutes) for m in (day.gaps + day.overlaps)] == [("gap", 30), ("overlap", 15)]
    body = response.content.decode()
    assert "Gap of 30 min" in body and "Overlaps the line before by 15 min" in body
    assert "More hours than the step&#x27;s standard" in body


def test_a_rejected_line_is_left_out_of_the_total_and_the_timeline(client, supervisor, moreno_day):
    Transaction.objects.filter(pk=moreno_day[2].pk).update(status="rejected")
    client.force_login(supervisor)

    day = page(client, key="0000042").context["day"]

    assert day.total_hours == Decimal("6.000")
    assert [(m.kind, m.minutes) for m in day.gaps + day.overlaps] == [("gap", 30), ("gap", 120)]


def test_it_approves_a_whole_day_through_the_review_service(client, supervisor, moreno_day):
    exported = line(start=(16, 0), stop=(17, 0), status="exported")
    client.force_login(supervisor)
    shown = page(client, key="0000042").context

    response = client.post(reverse("reviews:timesheet_approve"), {
        "_filter": shown["filter_query"], "_all": "1", "shown_at": shown["shown_at"]})

    assert response.status_code == 302
    states = dict(Transaction.objects.values_list("pk", "status"))
    assert [states[t.pk] for t in moreno_day] == ["approved"] * 4 and states[exported.pk] == "exported"
    audited = set(AuditEntry.objects.filter(action="approved").values_list("object_id", flat=True))
    assert {str(t.pk) for t in moreno_day} <= {str(pk) for pk in audited} and len(audited) == 4


def test_a_line_changed_after_the_page_was_shown_is_skipped_and_said(client, supervisor, moreno_day):
    client.force_login(supervisor)
    shown = page(client, key="0000042").context
    Transaction.objects.filter(pk=moreno_day[0].pk).update(version=5, updated_at=timezone.now() + timedelta(seconds=1))  # as every move stamps it

    response = client.post(reverse("reviews:timesheet_approve"), {
        "_filter": shown["filter_query"], "_all": "1", "shown_at": shown["shown_at"]}, follow=True)

    assert Transaction.objects.get(pk=moreno_day[0].pk).status == "needs_review"
    assert Transaction.objects.filter(status="approved").count() == 3
    assert "Skipped 1 because someone else changed it" in response.content.decode()


def test_it_rejects_ticked_days_with_a_reason_and_refuses_without(client, supervisor, moreno_day):
    other = line(employee="0000043", start=(8, 0), stop=(10, 0))
    client.force_login(supervisor)
    shown = page(client).context
    data = {"_filter": shown["filter_query"], "day": f"0000043|{DAY.isoformat()}", "shown_at": shown["shown_at"]}

    client.post(reverse("reviews:timesheet_reject"), data)
    assert Transaction.objects.get(pk=other.pk).status == "needs_review"

    client.post(reverse("reviews:timesheet_reject"), {**data, "reason": "not on shift"})
    assert Transaction.objects.get(pk=other.pk).status == "rejected"
    assert Transaction.objects.filter(status="rejected").count() == 1
    assert AuditEntry.objects.filter(action="rejected").count() == 1


@pytest.mark.parametrize("persona", ["accountant", "administrator", "floor_desktop", "outsider"])
def test_it_refuses_anyone_but_a_supervisor(request, client, persona, moreno_day):
    client.force_login(request.getfixturevalue(persona))

    assert page(client).status_code == 403
    assert client.post(reverse("reviews:timesheet_approve"), {"_all": "1"}).status_code == 403
    assert not Transaction.objects.filter(status="approved").exists()


@pytest.mark.parametrize("params", [{"day_from": "2026-13-45"}, {"group": "nonsense", "show": "x"}, {"key": "Ä" * 40}])
def test_odd_input_never_gives_a_500(client, supervisor, params):
    client.force_login(supervisor)

    assert page(client, **params).status_code == 200


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "9999"}, {"page": "x"}, {"page": "-1"}])
def test_odd_page_numbers_show_a_page_that_exists(client, supervisor, moreno_day, params):
    client.force_login(supervisor)

    response = page(client, **params)

    assert response.status_code == 200 and [d.key for d in response.context["days"]] == ["0000042"]


def test_many_days_are_paged_and_only_the_pages_lines_are_read(
    client, supervisor, monkeypatch, django_assert_max_num_queries
):
    from reviews import timesheet_views

    monkeypatch.setattr(timesheet_views, "DAYS_PER_PAGE", 3)
    for n in range(7):  # 7 employees × 2 days with lines to review, and one whose day is decided
        for day in (DAY - timedelta(days=1), DAY):
            line(employee=f"{n + 1:07d}", start=(7, 0), stop=(9, 0), collected_at=at(9, day=day))
    line(employee="0000099", start=(7, 0), stop=(9, 0), status="approved")
    client.force_login(supervisor)
    params = {"day_from": (DAY - timedelta(days=1)).isoformat(), "day_to": DAY.isoformat()}

    with django_assert_max_num_queries(12):
        first = page(client, **params)
    second = page(client, page="2", **params)
    last = page(client, page="9", **params)  # past the end: the last page (5: days 13–14)
    everything = page(client, show="all", page="9", **params)

    assert first.context["total_days"] == 14
    assert [(d.day, d.key) for d in first.context["days"]] == [(DAY - timedelta(days=1), f"{n:07d}") for n in (1, 2, 3)]
    assert [(d.day, d.key) for d in second.context["days"]] == [
        (DAY - timedelta(days=1), f"{n:07d}") for n in (4, 5, 6)]
    assert [(d.day, d.key) for d in last.context["days"]] == [(DAY, "0000006"), (DAY, "0000007")]
    assert everything.context["total_days"] == 15 and everything.context["days"][-1].key == "0000099"
    text = first.content.decode()
    assert "Days 1–3 of 14" in text and "Approve all 14 days" in text and "page=2" in text
    assert all(len(d.lines) == 1 and d.total_hours == Decimal("2.000") for d in first.context["days"])


def test_approving_all_days_of_a_paged_filter_decides_every_page(client, supervisor, monkeypatch):
    from reviews import timesheet_views

    monkeypatch.setattr(timesheet_views, "DAYS_PER_PAGE", 2)
    lines = [line(employee=f"{n + 1:07d}") for n in range(5)]
    client.force_login(supervisor)
    shown = page(client)

    client.post(reverse("reviews:timesheet_approve"), {
        "_filter": shown.context["filter_query"], "shown_at": shown.context["shown_at"], "_all": "1"})

    assert set(Transaction.objects.filter(pk__in=[t.pk for t in lines]).values_list("status", flat=True)) == {"approved"}
    assert AuditEntry.objects.filter(action="approved").count() == 5
