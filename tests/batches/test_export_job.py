"""Send to MAS of more lines than one request should hold: a job of the cluster (``batches.jobs``).

Through the real path: the send page's confirmation posted with the client, the job handed to
django-q2 after the commit (run in-process by the test settings' ``sync``), the export it makes,
its page and its JSON. The limit is made small so that a few lines make a job.
"""
from __future__ import annotations

from datetime import timedelta

import django_q.tasks
import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from batches import jobs
from batches.models import ExportBatch, ExportJob
from tests.factories import TransactionFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db
SEND = reverse("batches:exportbatch_send")


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 3)


def _confirmed(client, **query) -> str:
    return client.get(SEND, query).context["selection"].fingerprint


def test_more_lines_than_the_limit_are_sent_by_the_cluster_and_the_page_shows_the_batch(
    client, supervisor, approved, on_commit, export_dir
):
    client.force_login(supervisor)
    fingerprint = _confirmed(client)

    response = on_commit(client.post, SEND, {"fingerprint": fingerprint})

    job = ExportJob.objects.get()
    batch = ExportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("batches:exportjob_detail", args=[job.pk])
    assert (job.state, job.total, job.batch, job.created_by, job.error) == ("finished", 4, batch, supervisor, "")
    assert job.holder and job.started_at and job.finished_at
    assert batch.created_by == supervisor and batch.lines == 4 and batch.status == "exported"
    assert set(Transaction.objects.values_list("status", flat=True)) == {"exported"}
    assert AuditEntry.objects.filter(action="exported").count() == 4
    assert (export_dir / f"{batch.file_stem}.ctl").exists()

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "4 approved lines confirmed by" in text
    assert f'href="/batches/{batch.number}/"' in text and "holds the 4 lines" in text
    assert "Send again" not in text and 'data-finished="1"' in text
    status = client.get(reverse("batches:exportjob_status", args=[job.pk])).json()
    assert (status["state"], status["finished"], status["batch"], status["error"]) == ("finished", True, batch.number, "")


def test_picked_lines_above_the_limit_are_the_only_ones_sent(client, supervisor, approved, on_commit):
    extra = [TransactionFactory(status="approved") for _ in range(2)]
    picked = [approved[0].pk, approved[1].pk, *(t.pk for t in extra)]
    client.force_login(supervisor)
    fingerprint = _confirmed(client, pk=picked)

    on_commit(client.post, SEND, {"fingerprint": fingerprint, "pk": picked})

    job = ExportJob.objects.get()
    assert job.ids == picked and job.batch.lines == 4
    assert set(Transaction.objects.filter(status="exported").values_list("pk", flat=True)) == set(picked)
    assert Transaction.objects.filter(status="approved").count() == 2


def test_lines_approved_after_the_confirmation_stop_the_job_and_nothing_is_sent(
    client, supervisor, approved, on_commit
):
    client.force_login(supervisor)
    fingerprint = _confirmed(client)
    TransactionFactory(status="approved")  # approved while the supervisor read the totals

    on_commit(client.post, SEND, {"fingerprint": fingerprint})

    job = ExportJob.objects.get()
    assert job.state == "failed" and "changed after you confirmed" in job.error and job.batch is None
    assert ExportBatch.objects.count() == 0
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}
    assert not AuditEntry.objects.filter(action="exported").exists()
    text = client.get(reverse("batches:exportjob_detail", args=[job.pk])).content.decode()
    assert "changed after you confirmed" in text and "Send again" in text


def test_an_export_share_out_of_reach_fails_the_job_saying_so(client, supervisor, approved, on_commit,
                                                              unreachable_share):
    client.force_login(supervisor)
    fingerprint = _confirmed(client)

    on_commit(client.post, SEND, {"fingerprint": fingerprint})

    job = ExportJob.objects.get()
    assert job.state == "failed" and "nothing was sent to MAS" in job.error
    assert ExportBatch.objects.count() == 0
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}


def test_a_broker_that_does_not_answer_fails_the_job_at_once(client, supervisor, approved, on_commit, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("connection refused")

    monkeypatch.setattr(django_q.tasks, "async_task", broker_down)
    client.force_login(supervisor)
    fingerprint = _confirmed(client)

    on_commit(client.post, SEND, {"fingerprint": fingerprint})

    job = ExportJob.objects.get()
    assert job.state == "failed" and "could not be handed to the background cluster" in job.error
    assert "connection refused" in job.error and "Nothing was sent" in job.error
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}


def test_a_user_who_lost_the_right_to_send_before_the_job_ran_sends_nothing(
    client, supervisor, approved, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    fingerprint = _confirmed(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(SEND, {"fingerprint": fingerprint})
    supervisor.groups.clear()  # the role is taken away while the job waits for the cluster
    for callback in callbacks:
        callback()

    job = ExportJob.objects.get()
    assert job.state == "failed" and "may not export" in job.error
    assert ExportBatch.objects.count() == 0


def test_a_job_delivered_twice_exports_once(client, supervisor, approved, on_commit):
    client.force_login(supervisor)
    on_commit(client.post, SEND, {"fingerprint": _confirmed(client)})
    job = ExportJob.objects.get()

    assert "not taken up" in jobs.run(job.pk)
    assert ExportBatch.objects.count() == 1


def test_a_job_whose_process_stopped_says_so_and_offers_to_send_again(client, supervisor, approved):
    job = ExportJob.objects.create(created_by=supervisor, fingerprint="x", total=4, state="running",
                                   holder="plant-server pid 4242 ab12cd34",
                                   started_at=timezone.now() - jobs.STALE_AFTER - timedelta(minutes=1))
    queued = ExportJob.objects.create(created_by=supervisor, fingerprint="x", total=4)
    ExportJob.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(supervisor)

    text = client.get(reverse("batches:exportjob_detail", args=[job.pk])).content.decode()
    status = client.get(reverse("batches:exportjob_status", args=[queued.pk])).json()

    assert "plant-server pid 4242" in text and "rolled back whole" in text and "Send again" in text
    assert 'data-finished="1"' in text  # the page stops polling
    assert "No cluster started it" in status["stopped"]


def test_under_the_limit_the_request_still_sends_itself(client, supervisor, approved, on_commit, monkeypatch):
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 4)
    client.force_login(supervisor)

    response = on_commit(client.post, SEND, {"fingerprint": _confirmed(client)})

    batch = ExportBatch.objects.get()
    assert response["Location"] == f"/batches/{batch.number}/" and not ExportJob.objects.exists()


def test_only_those_who_may_send_see_a_job(client, supervisor, accountant, administrator, approved):
    job = ExportJob.objects.create(created_by=supervisor, fingerprint="x", total=4)
    for user, expected in ((supervisor, 200), (accountant, 403), (administrator, 403)):
        client.force_login(user)
        assert client.get(reverse("batches:exportjob_detail", args=[job.pk])).status_code == expected
        assert client.get(reverse("batches:exportjob_status", args=[job.pk])).status_code == expected
    client.logout()
    assert client.get(reverse("batches:exportjob_detail", args=[job.pk])).status_code == 302
