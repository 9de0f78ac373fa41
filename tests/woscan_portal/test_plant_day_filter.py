"""Date filters pick plant days by comparing the datetime column itself (an index serves a day
1,000 days back as fast as today's): the day's lines from its first to its last moment, none of
the next day's, whatever the server's time zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.actions import AuditAction
from audit.log import record
from audit.models import AuditEntry
from kernel.filters import start_of_day
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
DAY = date(2023, 3, 1)  # far back: the filter must not depend on how recent the day is


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


def test_a_plant_day_runs_from_its_midnight_to_the_next(client, supervisor):
    midnight = start_of_day(DAY)
    before, first, last, after = (
        TransactionFactory(status="needs_review", collected_at=moment)
        for moment in (midnight - timedelta(seconds=1), midnight, midnight + timedelta(hours=23, minutes=59, seconds=59),
                       midnight + timedelta(days=1))
    )
    client.force_login(supervisor)

    one_day = client.get(reverse("reviews:transaction_list"),
                         {"collected_after": DAY.isoformat(), "collected_before": DAY.isoformat()})
    from_day = client.get(reverse("reviews:transaction_list"), {"collected_after": DAY.isoformat()})
    to_day = client.get(reverse("reviews:transaction_list"), {"collected_before": DAY.isoformat()})

    assert listed(one_day) == {first.pk, last.pk}
    assert listed(from_day) == {first.pk, last.pk, after.pk}
    assert listed(to_day) == {before.pk, first.pk, last.pk}


def test_the_day_is_the_plants_not_utcs():
    moment = start_of_day(DAY)
    assert timezone.localtime(moment).replace(tzinfo=None) == datetime(2023, 3, 1, 0, 0)
    assert moment.tzinfo is not None


def test_the_queue_compares_the_column_and_never_casts_it_to_a_date(client, supervisor):
    TransactionFactory(status="needs_review", collected_at=start_of_day(DAY) + timedelta(hours=8))
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:transaction_list"),
                              {"collected_after": DAY.isoformat(), "collected_before": DAY.isoformat()})

    assert response.status_code == 200 and len(listed(response)) == 1
    sql = " ".join(q["sql"] for q in queries.captured_queries if "collected_at" in q["sql"]).lower()
    assert sql and "cast_date" not in sql and "::date" not in sql and "at time zone" not in sql


def test_the_audit_trail_filters_plant_days_the_same_way(client, administrator):
    midnight = start_of_day(DAY)
    inside_line, outside_line = TransactionFactory(), TransactionFactory()
    record([inside_line], AuditAction.CORRECTED, actor_label="test", changes={"comment": ["", "a"]})
    record([outside_line], AuditAction.CORRECTED, actor_label="test", changes={"comment": ["", "b"]})
    inside, outside = (AuditEntry.objects.get(object_id=str(t.pk)) for t in (inside_line, outside_line))
    AuditEntry.objects.filter(pk=inside.pk).update(at=midnight + timedelta(hours=12))
    AuditEntry.objects.filter(pk=outside.pk).update(at=midnight + timedelta(days=1))
    client.force_login(administrator)

    response = client.get(reverse("audit:auditentry_list"), {"at_after": DAY.isoformat(), "at_before": DAY.isoformat()})

    assert listed(response) == {inside.pk}
