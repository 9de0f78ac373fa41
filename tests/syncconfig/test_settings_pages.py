"""Server Configs, Auto-sync Tables and discovery, through the administrator's pages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from audit.actions import AuditAction
from audit.log import history
from syncconfig.models import AutoSyncTable, IntervalType, ServerConfig
from syncconfig.schedules import PULL

SETTINGS = reverse("syncconfig:serverconfig_edit")


def settings_form(**values) -> dict:
    return {
        "interval_type": "time", "interval_option": "30", "time_between_syncs": "5", "pull_sleep_time": "00:05:00",
        **values,
    }


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_saving_server_configs_reschedules_the_one_pull_schedule(admin_client, administrator):
    response = admin_client.post(SETTINGS, settings_form(interval_option="30"), follow=True)

    schedule = Schedule.objects.get(name=PULL)
    assert (schedule.schedule_type, schedule.minutes, schedule.func) == (
        Schedule.MINUTES, 30, "afterpull.tasks.scheduled_pull"
    )
    soon = timezone.now() + timedelta(minutes=30)
    assert soon - timedelta(minutes=1) < schedule.next_run <= soon
    assert "The pull is rescheduled" in response.content.decode()

    admin_client.post(SETTINGS, settings_form(interval_type="hour"))
    admin_client.post(SETTINGS, settings_form(interval_option="45"))
    admin_client.post(SETTINGS, settings_form(interval_type="hour", interval_option="90"))

    assert Schedule.objects.filter(name=PULL).count() == 1
    assert Schedule.objects.filter(func="afterpull.tasks.scheduled_pull").count() == 1
    schedule.refresh_from_db()
    assert schedule.schedule_type == Schedule.HOURLY
    config = ServerConfig.load()
    assert (config.interval_type, config.interval_option, config.updated_by) == (IntervalType.HOUR, 90, administrator)
    entries = list(history(config))
    assert len(entries) == 4 and entries[0].action == AuditAction.CHANGED and entries[0].actor == administrator
    assert entries[0].changes["interval_option"] == [45, 90]


def test_the_page_shows_the_next_run(admin_client):
    admin_client.post(SETTINGS, settings_form(interval_option="20"))
    next_run = Schedule.objects.get(name=PULL).next_run

    page = admin_client.get(SETTINGS).content.decode()

    assert f"Next pull: <strong>{timezone.localtime(next_run):%Y-%m-%d %H:%M}</strong>" in page


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("interval_option", "0", "greater than or equal to 1"),
        ("interval_option", "1441", "less than or equal to 1440"),
        ("time_between_syncs", "-1", "greater than or equal to 0"),
        ("pull_sleep_time", "5 minutes", "hh:mm:ss"),
        ("pull_sleep_time", "00:00:03", "At least 00:00:10"),
        ("interval_type", "day", "Select a valid choice"),
    ],
)
def test_bad_values_are_refused_with_the_reason(admin_client, field, value, reason):
    before = Schedule.objects.filter(name=PULL).values("minutes", "next_run").first()

    response = admin_client.post(SETTINGS, settings_form(**{field: value}))

    assert response.status_code == 200
    assert reason in response.context["form"].errors[field][0]
    assert Schedule.objects.filter(name=PULL).values("minutes", "next_run").first() == before
    assert ServerConfig.load().interval_option == 15


def test_an_interval_under_fifteen_minutes_is_saved_with_a_warning(admin_client):
    response = admin_client.post(SETTINGS, settings_form(interval_option="5"), follow=True)

    assert "more often than the suggested 15" in response.content.decode()
    assert Schedule.objects.get(name=PULL).minutes == 5
    assert ServerConfig.load().pull_sleep_time == timedelta(minutes=5)


def mapping_form(table: AutoSyncTable, **values) -> dict:
    data = {"enabled": "on" if table.enabled else "", "mas_table": table.mas_table, "mode": table.mode}
    data |= {f"key__{f}": c for f, c in table.key_columns.items()}
    data |= {f"col__{f}": c for f, c in table.columns.items()}
    return {**data, **values}


def test_a_mapping_naming_a_column_mas_lacks_is_refused_naming_it(admin_client, company):
    table = AutoSyncTable.objects.get(name="items")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])

    response = admin_client.post(url, mapping_form(table, col__description="ItemDescription"))

    assert response.status_code == 200
    assert response.context["form"].errors["col__description"] == [
        "MAS table CI_Item has no column 'ItemDescription'."
    ]
    table.refresh_from_db()
    assert table.columns["description"] == "ItemCodeDesc"


def test_incremental_needs_a_date_updated_column(admin_client, company):
    table = AutoSyncTable.objects.get(name="work_orders")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])

    response = admin_client.post(url, mapping_form(table, mode="incremental"))

    assert "has no DateUpdated column" in response.context["form"].errors["mode"][0]


def test_an_administrator_remaps_a_table_and_the_change_is_audited(admin_client, administrator, company):
    table = AutoSyncTable.objects.get(name="items")
    AutoSyncTable.objects.filter(pk=table.pk).update(since=timezone.localdate())
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])

    response = admin_client.post(url, mapping_form(table, col__item_type="", col__description="ProductType"))

    assert response.status_code == 302
    table.refresh_from_db()
    assert table.columns["description"] == "ProductType" and "item_type" not in table.columns
    assert table.since is None  # the next pull reads the whole table again
    entry = history(table).get()
    assert entry.action == AuditAction.CHANGED and entry.actor == administrator
    assert entry.changes == {
        "columns.description": ["ItemCodeDesc", "ProductType"], "columns.item_type": ["ItemType", None]
    }


@pytest.mark.mas_drivers
def test_discovery_lists_the_tables_and_columns_mas_sees(admin_client, company):
    response = admin_client.get(reverse("syncconfig:discovery"), {"table": "CI_Item"})

    assert "innodb_table_stats" not in response.context["tables"]  # MariaDB's own, beside the company

    page = response.content.decode()
    assert "WO1_WorkOrderMaster" in response.context["tables"]
    assert [c[0] for c in response.context["columns"]][:3] == ["ItemCode", "ItemType", "ItemCodeDesc"]
    assert len(response.context["columns"]) == 110  # the real CI_Item layout
    assert "Mirrored as" in page and "DateUpdated" in page


def test_discovery_says_when_mas_cannot_be_reached(admin_client, settings):
    settings.WOSCAN_MAS_ODBC = "Driver={No Such MAS Driver};Database=nowhere"

    response = admin_client.get(reverse("syncconfig:discovery"))

    assert response.context["error"].startswith("MAS connection failed: ")


def test_a_mapping_is_not_saved_when_mas_cannot_check_it(admin_client, settings):
    settings.WOSCAN_MAS_ODBC = "Driver={No Such MAS Driver};Database=nowhere"
    table = AutoSyncTable.objects.get(name="crews")
    url = reverse("syncconfig:autosynctable_edit", args=[table.pk])

    response = admin_client.post(url, mapping_form(table, mas_table="WO_Crew"))

    assert response.context["form"].non_field_errors()[0].startswith(
        "Could not check the mapping with MAS: MAS connection failed: "
    )
    table.refresh_from_db()
    assert table.mas_table == "WO_LaborCrew"


def test_an_administrator_switches_off_a_table_this_site_does_not_have(admin_client, administrator, company):
    company.execute("DROP TABLE WO_LaborCrew")  # crews († in PRODUCT.md §3): not every site has them
    table = AutoSyncTable.objects.get(name="crews")

    response = admin_client.post(reverse("syncconfig:autosynctable_edit", args=[table.pk]), mapping_form(table, enabled=""))

    assert response.status_code == 302
    table.refresh_from_db()
    assert table.enabled is False
    assert history(table).get().actor == administrator

    switched_on = admin_client.post(reverse("syncconfig:autosynctable_edit", args=[table.pk]), mapping_form(table, enabled="on"))

    assert "MAS has no table" in switched_on.content.decode()  # checked again when switched back on
    table.refresh_from_db()
    assert table.enabled is False


def test_saving_only_the_pull_sleep_time_leaves_the_next_pull_where_it_was(admin_client):
    admin_client.post(SETTINGS, settings_form(interval_option="30"))
    Schedule.objects.filter(name=PULL).update(next_run=timezone.now() + timedelta(minutes=4))
    next_run = Schedule.objects.get(name=PULL).next_run

    admin_client.post(SETTINGS, settings_form(interval_option="30", pull_sleep_time="00:20:00"))

    assert Schedule.objects.get(name=PULL).next_run == next_run
    assert ServerConfig.load().pull_sleep_time == timedelta(minutes=20)


def test_the_tables_page_shows_the_day_an_incremental_table_last_pulled(admin_client, company, no_pause):
    from afterpull.followups import pull_now

    pull_now()
    items = AutoSyncTable.objects.get(name="items")
    assert items.since == timezone.localdate()

    response = admin_client.get(reverse("syncconfig:autosynctable_list"))

    assert response.status_code == 200
    row = next(row for row in response.context["table"].rows if row.record.pk == items.pk)
    assert row.get_cell("since") == f"{items.since:%Y-%m-%d}"


def test_the_mapping_page_spells_mas_as_mas(admin_client):
    table = AutoSyncTable.objects.get(name="items")

    html = admin_client.get(reverse("syncconfig:autosynctable_edit", args=[table.pk])).content.decode()

    labels = [" ".join(label.split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]
    assert "MAS inactive" in labels and "MAS date updated" in labels
    assert "Mas inactive" not in html and "Mas date updated" not in html
