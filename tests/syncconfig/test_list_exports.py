"""The pull runs' and Auto-sync Tables' CSV and XLSX hold the rows the pages show: tables by their
label, states by their word, plant time."""
from __future__ import annotations

from datetime import datetime, timezone as tz

import pytest
from django.urls import reverse

from syncconfig.autosync import ensure_default_tables
from syncconfig.models import PullRun
from tests.woscan_portal.exports import compare_exports

pytestmark = pytest.mark.django_db


def test_it_exports_the_pull_runs_as_the_page_shows_them(client, administrator):
    ensure_default_tables()
    PullRun.objects.create(status="failed", trigger="manual", requested_by=administrator,
                           only_table="work_order_steps", error="MAS did not answer within 30 s.")
    PullRun.objects.create(status="succeeded", trigger="schedule")
    PullRun.objects.update(started_at=datetime(2026, 7, 1, 19, 30, 0, 999, tzinfo=tz.utc),
                           finished_at=datetime(2026, 7, 1, 19, 31, 12, tzinfo=tz.utc))
    client.force_login(administrator)

    tables = compare_exports(client, reverse("syncconfig:pullrun_list"), params={"sort": "id"},
                             numbers=("Pull",))

    page, in_csv = tables["page"], tables["csv"]
    assert page[0]["Table"] == in_csv[0]["Table"] == "Work order steps"
    assert page[1]["Table"] == in_csv[1]["Table"] == "Every enabled table"
    assert page[0]["Status"] == "Failed" and page[0]["Trigger"] == in_csv[0]["Trigger"] == "Pull now"
    assert page[0]["Started"] == in_csv[0]["Started"] == "2026-07-01 14:30"
    assert in_csv[0]["By"] == administrator.username


def test_it_exports_the_autosync_tables_as_the_page_shows_them(client, administrator):
    client.force_login(administrator)

    tables = compare_exports(client, reverse("syncconfig:autosynctable_list"))

    page = tables["page"]
    assert "Work order steps" in [row["Table"] for row in page]
    assert {row["Enabled"] for row in tables["csv"]} <= {"Yes", "No"}
    assert {row["Mode"] for row in page} <= {"Full", "Incremental"}


def test_a_runs_page_names_its_tables_by_their_label(client, administrator):
    ensure_default_tables()
    run = PullRun.objects.create(status="succeeded", trigger="manual", only_table="work_order_steps")
    run.tables.create(name="work_order_steps", mas_table="WO3_WorkOrderOperationDetail", mode="full",
                      status="succeeded", started_at=run.started_at)
    client.force_login(administrator)

    page = client.get(run.get_absolute_url()).content.decode()

    assert "<dd class=\"col-sm-10\">Work order steps</dd>" in page  # the run's tables
    assert "<td >Work order steps</td>" in page or "<td>Work order steps</td>" in page  # its table row
    assert ">work_order_steps<" not in page
