"""The audit list: every change, filterable, for supervisors, accountants and administrators."""
from __future__ import annotations

import pytest
from django.urls import reverse

from audit.actions import AuditAction
from audit.log import record
from reviews import services
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
LIST = reverse("audit:auditentry_list")


def test_it_filters_by_action_and_links_to_the_line(client, accountant, supervisor):
    a, b = TransactionFactory(), TransactionFactory()
    services.approve([a], by=supervisor)
    services.reject([b], by=supervisor, reason="Duplicate")
    client.force_login(accountant)

    response = client.get(LIST, {"action": "rejected"})

    rows = list(response.context["table"].page.object_list)
    assert [row.record.object_id for row in rows] == [str(b.pk)]
    html = response.content.decode()
    assert b.get_absolute_url() in html and "Duplicate" in html and "State: Needs review → Rejected" in html


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "Handheld 7"}, {"collected"}),
    ({"q": "typo"}, {"edit"}),
])
def test_the_free_text_search_finds_the_actor_or_the_reason(client, administrator, query, expected):
    txn = TransactionFactory()
    record([txn], "collected", actor_label="Handheld 7")
    record([txn], "edit", actor_label="someone", reason="typo")
    client.force_login(administrator)

    response = client.get(LIST, query)

    assert {row.record.action for row in response.context["table"].page.object_list} == expected


@pytest.mark.parametrize("rows", [2, 40])
def test_the_list_costs_a_constant_number_of_queries(client, supervisor, django_assert_max_num_queries, rows):
    for txn in TransactionFactory.create_batch(rows):
        record([txn], "collected", by=supervisor, changes={"hours": [None, "2"]})
    client.force_login(supervisor)

    with django_assert_max_num_queries(10):
        response = client.get(LIST)

    assert len(response.context["table"].page.object_list) == rows


def test_the_list_links_only_to_pages_the_reader_may_open(client, accountant, administrator):
    from audit.log import record
    from syncconfig.models import PullRun

    run = PullRun.objects.create(trigger="manual", status="succeeded")
    record([run], AuditAction.PULL_REQUESTED, by=administrator, changes={"table": [None, "all"]})
    url = reverse("syncconfig:pullrun_detail", args=[run.pk])

    client.force_login(accountant)
    as_accountant = client.get(reverse("audit:auditentry_list")).content.decode()
    client.force_login(administrator)
    as_administrator = client.get(reverse("audit:auditentry_list")).content.decode()

    assert f'href="{url}"' not in as_accountant and str(run) in as_accountant
    assert f'href="{url}"' in as_administrator


def test_the_kind_filter_names_each_kind_in_words(client, administrator):
    """The Kind list reads "Device", "Transaction", "User" — not "Collected transactions: the core
    (lines, findings, validation, processing options) | device"."""
    from django.contrib.contenttypes.models import ContentType

    from transactions.models import Device

    device = Device.objects.create(name="HH-07 Weld bay", token_hash="x" * 64, token_prefix="abcdefgh")
    record([device], "revoked", by=administrator)
    client.force_login(administrator)

    response = client.get(LIST)

    labels = [label for _, label in response.context["filter"].form.fields["content_type"].choices]
    assert {"Device", "Transaction", "User", "Pull run", "Server config"} <= set(labels)
    assert not any("|" in str(label) for label in labels)
    kind = ContentType.objects.get_for_model(Device).pk
    rows = client.get(LIST, {"content_type": kind}).context["table"].page.object_list
    assert [row.record.object_repr for row in rows] == ["HH-07 Weld bay"]


def test_a_changed_moment_reads_in_plant_time_like_the_rest_of_the_page(client, administrator):
    """Revoking a handheld on the Devices page records revoked_at; the audit list shows it as
    the plant's clock reads it, not as UTC text with microseconds."""
    from kernel.display import plant_datetime
    from transactions.models import Device

    device = Device.objects.create(name="HH-07 Weld bay", token_hash="x" * 64, token_prefix="abcdefgh")
    client.force_login(administrator)
    assert client.post(reverse("intake:device_revoke", args=[device.pk])).status_code == 302
    device.refresh_from_db()

    response = client.get(LIST, {"action": "revoked"})

    html = response.content.decode()
    assert f"<div>Revoked at: — → {plant_datetime(device.revoked_at)}</div>" in html
    assert "+00:00" not in html
    export = client.get(LIST, {"action": "revoked", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    export = export.content.decode()
    assert f"Revoked at: — → {plant_datetime(device.revoked_at)}" in export
