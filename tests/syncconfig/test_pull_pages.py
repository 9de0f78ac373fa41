"""Pull now, the run history and the administrator's landing page."""
from __future__ import annotations

import pytest
from django.urls import reverse

from audit.actions import AuditAction
from audit.log import history
from mas.models import WorkOrder
from syncconfig.models import AutoSyncTable, PullRun, PullStatus, PullTrigger
from afterpull.followups import pull_now
from syncconfig.pull_run import request_pull

pytestmark = [pytest.mark.usefixtures("no_pause"), pytest.mark.mas_drivers]
PULL_NOW = reverse("syncconfig:pull_now")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_pull_now_runs_the_pull_in_the_background_and_shows_the_run(
    admin_client, administrator, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = admin_client.post(PULL_NOW, {"table": ""})

    run = PullRun.objects.get()
    assert len(queued) == 1  # the task is queued once the request's writes commit
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert (run.status, run.trigger, run.requested_by) == (PullStatus.SUCCEEDED, PullTrigger.MANUAL, administrator)
    assert WorkOrder.objects.count() == 60
    entry = history(run).get()
    assert entry.action == AuditAction.PULL_REQUESTED and entry.actor == administrator

    page = admin_client.get(run.get_absolute_url())
    assert page.context["run"] == run
    rows = {t.name: t for t in page.context["tables_table"].data}
    assert (rows["work_orders"].read, rows["work_orders"].inserted) == (60, 60)

    status = admin_client.get(reverse("syncconfig:pullrun_status", args=[run.pk])).json()
    assert status["finished"] and status["status"] == "succeeded"
    assert {"name": "work_orders", "status": "succeeded", "read": 60, "inserted": 60, "updated": 0,
            "deactivated": 0, "unchanged": 0, "error": ""} in status["tables"]


def test_the_page_of_a_pull_that_has_not_run_yet_says_what_comes_not_that_nothing_matched(admin_client, company):
    response = admin_client.post(PULL_NOW, {"table": ""}, follow=True)  # the task waits for the cluster

    run = PullRun.objects.get()
    assert run.status == PullStatus.QUEUED and response.redirect_chain[-1][0] == run.get_absolute_url()
    html = response.content.decode()
    assert "Nothing matches these filters." not in html
    assert "follow-ups run only after a pull that succeeded" not in html
    assert "No table pulled yet" in html
    assert "the re-check of open lines and the batch reconciliation run once the pull has succeeded" in html


def test_pull_now_can_pull_one_table(admin_client, company, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(PULL_NOW, {"table": "employees"})

    run = PullRun.objects.get()
    assert run.only_table == "employees"
    assert list(run.tables.values_list("name", "inserted")) == [("employees", 40)]


def test_pull_now_while_a_pull_runs_says_so_and_starts_nothing(admin_client, company):
    running = request_pull(trigger=PullTrigger.SCHEDULE, enqueue=False)

    response = admin_client.post(PULL_NOW, {"table": ""}, follow=True)

    assert list(PullRun.objects.all()) == [running]
    assert f"A pull is already running (pull {running.pk}), started at" in response.content.decode()
    assert response.redirect_chain[-1][0] == running.get_absolute_url()


def test_the_run_history_lists_runs_and_their_errors(admin_client, company, settings):
    pull_now()
    settings.WOSCAN_MAS_ODBC = "Driver={No Such MAS Driver};Database=nowhere"
    failed = pull_now()

    response = admin_client.get(reverse("syncconfig:pullrun_list"), {"status": "failed"})

    assert [run.pk for run in response.context["table"].data] == [failed.pk]
    assert "MAS connection failed" in response.content.decode()


def test_the_landing_page_shows_last_pull_next_pull_and_failures_since_success(admin_client, company, settings):
    pull_now()
    settings.WOSCAN_MAS_ODBC = "Driver={No Such MAS Driver};Database=nowhere"
    pull_now(), pull_now()

    response = admin_client.get(reverse("syncconfig:dashboard"))

    health = response.context["health"]
    assert health.last_pull.status == PullStatus.FAILED and health.failures_since_success == 2
    assert health.next_pull_at is not None
    assert "2 failed since the last success" in response.content.decode()
    assert "MAS connection failed" in response.content.decode()


def test_a_one_table_pull_that_works_does_not_hide_whole_pulls_that_fail(admin_client, company, no_pause):
    pull_now()
    company.execute("ALTER TABLE WO_LaborCrew RENAME TO WO_LaborCrewGone")  # one table keeps failing
    pull_now(), pull_now()
    pull_now(table=AutoSyncTable.objects.get(name="items"))  # an administrator pulls items alone: fine

    health = admin_client.get(reverse("syncconfig:dashboard")).context["health"]

    assert health.last_pull.only_table == "items" and health.last_pull.status == PullStatus.SUCCEEDED
    assert health.failures_since_success == 2 and health.last_success.only_table == ""


def test_pull_now_with_the_broker_down_fails_the_run_with_a_message_and_frees_the_lock(
    admin_client, company, django_capture_on_commit_callbacks, monkeypatch
):
    import django_q.tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(django_q.tasks, "async_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(PULL_NOW, {"table": ""})

    run = PullRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == PullStatus.FAILED
    assert "could not be handed to the background cluster" in run.error and "Connection refused" in run.error
    assert "did not answer" in admin_client.get(run.get_absolute_url()).content.decode()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(PULL_NOW, {"table": ""})  # the broker is back: not "already running"

    assert PullRun.objects.latest("pk").status == PullStatus.SUCCEEDED


def test_sync_health_says_in_a_sentence_that_no_cluster_has_run(client, administrator):
    """The cluster card's words start as sentences do (an administrator reads it, not a developer)."""
    client.force_login(administrator)

    html = client.get(reverse("syncconfig:dashboard")).content.decode()

    card = html[html.index('data-testid="cluster"'):]
    card = card[:card.index("</div></div>")]
    assert "Not running" in card and "No heartbeat yet." in card
