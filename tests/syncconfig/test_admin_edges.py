"""The administrator's pages at their edges: mappings the pull cannot use, pauses it cannot outlive, stale pages, empty audit rows."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.roles import Role
from audit.log import history
from mas.models import Warehouse
from syncconfig.forms import PullNowForm
from syncconfig.models import AutoSyncTable, PullRun, PullStatus, ServerConfig
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pause")]
SETTINGS = reverse("syncconfig:serverconfig_edit")
PULL_NOW = reverse("syncconfig:pull_now")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def other_admin_client(db):
    other = UserFactory(username="other.admin", roles=[Role.ADMINISTRATOR])
    browser = Client()
    browser.force_login(other)
    browser.user = other
    return browser


def settings_form(**values) -> dict:
    return {
        "interval_type": "time", "interval_option": "30", "time_between_syncs": "5", "pull_sleep_time": "00:05:00",
        **values,
    }


def mapping_form(table: AutoSyncTable, **values) -> dict:
    data = {"enabled": "on" if table.enabled else "", "mas_table": table.mas_table, "mode": table.mode}
    data |= {f"key__{f}": c for f, c in table.key_columns.items()}
    data |= {f"col__{f}": c for f, c in table.columns.items()}
    return {name: value for name, value in {**data, **values}.items() if value != ""}


def form_as_shown(page) -> dict:
    """What the browser posts back for a page's form, as it was rendered."""
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False or value == "" or value == []:
            continue
        data[name] = "on" if value is True else field.prepare_value(value) if not isinstance(value, list) else value
    return data


def _pull(client, table: str, capture) -> PullRun:
    with capture(execute=True):
        client.post(PULL_NOW, {"table": table})
    return PullRun.objects.latest("pk")


# --- Auto-sync Tables: a mapping the form accepts must be one the pull can use -------------------
def test_a_mapping_that_puts_text_into_a_number_field_is_refused_or_pulls(
    admin_client, company, django_capture_on_commit_callbacks
):
    table = AutoSyncTable.objects.get(name="items")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])

    # ItemCodeDesc (VARCHAR) into standard_unit_cost (a decimal): discovery knows both types
    response = admin_client.post(url, mapping_form(table, col__standard_unit_cost="ItemCodeDesc"))

    if response.status_code == 302:  # accepted: then the pull must be able to use it
        run = _pull(admin_client, "items", django_capture_on_commit_callbacks)
        assert run.status == PullStatus.SUCCEEDED, run.error


def test_two_key_fields_mapped_to_one_mas_column_are_refused_or_pull(
    admin_client, company, django_capture_on_commit_callbacks
):
    table = AutoSyncTable.objects.get(name="operation_codes")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])

    response = admin_client.post(url, mapping_form(table, key__code="WorkCenter"))

    if response.status_code == 302:
        run = _pull(admin_client, "operation_codes", django_capture_on_commit_callbacks)
        assert run.status == PullStatus.SUCCEEDED, run.error


def test_a_key_column_wider_than_the_mirror_key_is_refused_not_truncated(
    admin_client, company, django_capture_on_commit_callbacks
):
    table = AutoSyncTable.objects.get(name="warehouses")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])
    mas_values = {row[0] for row in company.query("SELECT WarehouseDesc FROM IM_Warehouse")}

    # WarehouseDesc is VARCHAR(30); the mirror's key `code` holds 3 characters
    response = admin_client.post(url, mapping_form(table, key__code="WarehouseDesc"))

    if response.status_code == 302:
        run = _pull(admin_client, "warehouses", django_capture_on_commit_callbacks)
        keys = set(Warehouse.objects.filter(active=True).values_list("code", flat=True))
        assert keys <= {v.rstrip() for v in mas_values}, f"keys cut to {sorted(keys)} (run {run.status})"


def test_pull_now_does_not_pull_a_table_the_administrator_switched_off(
    admin_client, company, django_capture_on_commit_callbacks
):
    company.execute("DROP TABLE WO_LaborCrew")  # this site has no crews: the admin switches the table off
    table = AutoSyncTable.objects.get(name="crews")
    switched_off = admin_client.post(
        reverse("syncconfig:autosynctable_edit", args=[table.pk]), mapping_form(table, enabled="")
    )
    assert switched_off.status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(PULL_NOW, {"table": "crews"})

    assert not PullRun.objects.filter(only_table="crews").exists()
    assert response.status_code in (200, 302)
    assert not PullNowForm().fields["table"].queryset.filter(name="crews").exists()  # not offered


# --- Server Configs: values the pull cannot live with ----------------------------------------------
def test_time_between_syncs_cannot_make_a_pull_outlast_the_task_timeout(admin_client):
    admin_client.post(SETTINGS, settings_form(time_between_syncs="600"))

    pauses = (AutoSyncTable.objects.filter(enabled=True).count() - 1) * ServerConfig.load().time_between_syncs
    # django-q2 kills the task at Q_CLUSTER["timeout"]: a pull that only sleeps that long never finishes
    assert pauses < settings.Q_CLUSTER["timeout"]


# --- another administrator's change is not silently undone ------------------------------------------
def test_saving_a_stale_server_configs_form_keeps_the_other_admins_change(admin_client, other_admin_client):
    page = admin_client.get(SETTINGS)  # admin A opens the page
    other_admin_client.post(SETTINGS, settings_form(pull_sleep_time="00:20:00"))  # admin B saves meanwhile

    assert 'name="seen"' in page.content.decode()  # the page carries what it showed
    shown = form_as_shown(page)
    response = admin_client.post(SETTINGS, {**shown, "interval_option": "45"})  # A changes only the interval

    config = ServerConfig.load()
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    assert config.pull_sleep_time.total_seconds() == 20 * 60 and config.interval_option != 45


def test_saving_a_stale_mapping_form_keeps_the_other_admins_change(admin_client, other_admin_client, company):
    table = AutoSyncTable.objects.get(name="items")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])
    page = admin_client.get(url)  # admin A opens the mapping
    other_admin_client.post(url, mapping_form(table, col__description="ProductType"))  # B remaps meanwhile

    assert 'name="seen"' in page.content.decode()
    response = admin_client.post(url, {**form_as_shown(page), "mode": "full"})  # A changes only the mode

    table.refresh_from_db()
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    assert table.columns["description"] == "ProductType" and table.mode != "full"


def test_saving_a_stale_user_form_keeps_the_role_another_admin_gave(admin_client, other_admin_client):
    sue = UserFactory(username="sue", roles=[Role.SUPERVISOR])
    url = reverse("accounts:user_edit", args=[sue.pk])
    page = admin_client.get(url)  # admin A opens Sue's page
    services.update_user(sue, by=other_admin_client.user, roles=[Role.SUPERVISOR, Role.ACCOUNTANT])  # B adds a role

    assert 'name="seen"' in page.content.decode()
    response = admin_client.post(url, {**form_as_shown(page), "email": "sue@example.com"})  # A fixes the email

    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    assert services.role_names(sue) == ["Supervisor", "Accountant"]


# --- the audit trail: one row per change ---------------------------------------------------------
def test_saving_a_mapping_without_a_change_writes_no_audit_row(admin_client, company):
    table = AutoSyncTable.objects.get(name="items")

    response = admin_client.post(reverse("syncconfig:autosynctable_edit", args=[table.pk]), mapping_form(table))

    assert response.status_code == 302
    assert [(e.action, e.changes) for e in history(table)] == []


def test_saving_server_configs_without_a_change_writes_no_audit_row(admin_client):
    config = ServerConfig.load()
    admin_client.post(SETTINGS, settings_form(interval_option=str(config.interval_option), time_between_syncs=str(config.time_between_syncs)))

    assert [(e.action, e.changes) for e in history(config)] == []
