""""Approve/reject all that match" beyond what one request decides: a job of the cluster.

Through the real path: the queue's bulk form posted with the client, the confirmation page, the
job handed to django-q2 (run in-process by the test settings' ``sync``) after the commit, and its
progress page and JSON. Chunks are made small so that a few lines make several chunks.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from audit.models import AuditEntry
from reviews import bulk, services
from reviews.models import BulkDecision
from tests.factories import TransactionFactory
from transactions.models import Finding, Transaction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_validation")]
APPROVE = reverse("reviews:transaction_bulk_approve")
REJECT = reverse("reviews:transaction_bulk_reject")


@pytest.fixture(autouse=True)
def small_jobs(monkeypatch):
    monkeypatch.setattr(bulk, "SYNC_LIMIT", 3)
    monkeypatch.setattr(bulk, "chunk_size", lambda: 2)


def _lines(n, **kwargs):
    return [TransactionFactory(work_order="0001001", **kwargs) for _ in range(n)]


def _apply(client, capture, url=APPROVE, carried="", **extra):
    """The confirmation page, then the apply with what it carried; returns (confirm, response)."""
    shown_at = extra.pop("shown_at", timezone.now().isoformat())
    confirm = client.post(url, {"_all": "1", "_filter": carried, "shown_at": shown_at})
    assert confirm.status_code == 200
    hidden = dict(confirm.context["hidden"])
    with capture(execute=True):
        response = client.post(url, {**hidden, "_apply": "1", **extra})
    return confirm, response


def _states(lines):
    return dict(Transaction.objects.filter(pk__in=[t.pk for t in lines]).values_list("pk", "status"))


def test_approve_all_beyond_the_sync_limit_confirms_with_counts_then_runs_as_a_job(
    client, supervisor, django_capture_on_commit_callbacks
):
    waiting = _lines(5)
    exported = _lines(1, status="exported")
    with_error = _lines(1, status="flagged")
    Finding.objects.create(transaction=with_error[0], severity="error", code="wo_closed", message="Closed")
    client.force_login(supervisor)

    confirm, response = _apply(client, django_capture_on_commit_callbacks, carried=urlencode({"work_order": "1001"}))

    assert confirm.context["selected"] == 7 and confirm.context["will_change"] == 5
    assert {k: n for k, _, n in confirm.context["skipped"]} == {"exported": 1, "error_finding": 1}
    assert "runs in the background" in confirm.content.decode()
    job = BulkDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reviews:bulkdecision_detail", args=[job.pk])
    assert (job.state, job.total, job.done, job.skipped) == ("finished", 7, 5, 2)
    assert job.skipped_by_reason == {"exported": 1, "error_finding": 1}
    assert job.attempts == 1 and job.created_by == supervisor and job.upto_id == max(t.pk for t in with_error)
    assert set(_states(waiting).values()) == {"approved"}
    assert _states(exported + with_error) == {exported[0].pk: "exported", with_error[0].pk: "flagged"}
    rows = AuditEntry.objects.filter(action="approved")
    assert sorted(int(r.object_id) for r in rows) == sorted(t.pk for t in waiting)
    assert {r.actor_id for r in rows} == {supervisor.pk}

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Approved 5 lines. Skipped 1 because it was exported" in text
    assert 'data-skip="error_finding"' in text
    status = client.get(reverse("reviews:bulkdecision_status", args=[job.pk])).json()
    shown = (status["state"], status["seen"], status["total"], status["done"], status["percent"])
    assert shown == ("finished", 7, 7, 5, 100)


def test_lines_collected_after_the_confirmation_are_not_touched(client, supervisor, django_capture_on_commit_callbacks):
    before = _lines(4)
    client.force_login(supervisor)
    confirm = client.post(APPROVE, {"_all": "1", "_filter": "", "shown_at": timezone.now().isoformat()})
    later = _lines(2)  # a device pushes while the supervisor reads the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPROVE, {**dict(confirm.context["hidden"]), "_apply": "1"})

    assert set(_states(before).values()) == {"approved"}
    assert set(_states(later).values()) == {"needs_review"}
    assert BulkDecision.objects.get().total == 4


def test_lines_changed_since_the_queue_was_shown_are_skipped_as_today(
    client, supervisor, django_capture_on_commit_callbacks
):
    old = _lines(4)
    Transaction.objects.filter(pk__in=[t.pk for t in old]).update(updated_at=timezone.now() - timedelta(minutes=5))
    shown_at = (timezone.now() - timedelta(minutes=1)).isoformat()
    changed = old[1]
    Transaction.objects.filter(pk=changed.pk).update(updated_at=timezone.now())  # someone corrected it meanwhile
    client.force_login(supervisor)

    _apply(client, django_capture_on_commit_callbacks, shown_at=shown_at)

    job = BulkDecision.objects.get()
    assert (job.done, job.skipped_by_reason) == (3, {"stale": 1})
    assert _states([changed]) == {changed.pk: "needs_review"}
    assert "3 lines. Skipped 1 because someone else changed it" in bulk.summary(job)


def test_reject_all_as_a_job_needs_a_reason_and_keeps_it_on_every_audit_row(
    client, supervisor, django_capture_on_commit_callbacks
):
    lines = _lines(4)
    client.force_login(supervisor)

    _, refused = _apply(client, django_capture_on_commit_callbacks, url=REJECT, reason="")
    assert refused.status_code == 200 and not BulkDecision.objects.exists()
    _apply(client, django_capture_on_commit_callbacks, url=REJECT, reason="Double scans from the bad wedge")

    assert set(_states(lines).values()) == {"rejected"}
    assert set(AuditEntry.objects.filter(action="rejected").values_list("reason", flat=True)) == {
        "Double scans from the bad wedge"}


def test_a_selection_within_the_sync_limit_is_decided_at_once_without_a_job(client, supervisor):
    lines = _lines(3)
    client.force_login(supervisor)

    response = client.post(APPROVE, {"_all": "1", "_filter": "", "_apply": "1"}, follow=True)

    assert not BulkDecision.objects.exists()
    assert set(_states(lines).values()) == {"approved"}
    assert "Approved 3 lines." in response.content.decode()


def test_a_failed_chunk_leaves_it_and_the_rest_untouched_and_resume_finishes_the_job(
    client, supervisor, django_capture_on_commit_callbacks, monkeypatch
):
    lines = _lines(6)
    real, calls = services.approve, []

    def approve(txns, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            real(txns, **kwargs)  # written, then the chunk fails: it must be rolled back
            raise RuntimeError("the database went away")
        return real(txns, **kwargs)

    monkeypatch.setattr(services, "approve", approve)
    client.force_login(supervisor)

    _apply(client, django_capture_on_commit_callbacks)

    job = BulkDecision.objects.get()
    first, rest = lines[:2], lines[2:]
    assert (job.state, job.done, job.cursor) == ("failed", 2, first[-1].pk)
    assert f"Stopped at the lines after #{first[-1].pk}: the database went away" in job.error
    assert set(_states(first).values()) == {"approved"} and set(_states(rest).values()) == {"needs_review"}
    assert AuditEntry.objects.filter(action="approved").count() == 2
    page = client.get(reverse("reviews:bulkdecision_detail", args=[job.pk])).content.decode()
    assert "the database went away" in page and 'data-testid="job-resume"' in page

    monkeypatch.setattr(services, "approve", real)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:bulkdecision_resume", args=[job.pk]))

    job.refresh_from_db()
    assert (job.state, job.done, job.error, job.attempts) == ("finished", 6, "", 2)
    assert set(_states(lines).values()) == {"approved"}
    assert AuditEntry.objects.filter(action="approved").count() == 6  # one per line, none twice


def test_a_role_taken_away_mid_way_stops_the_job_with_that_chunk_rolled_back(
    client, supervisor, administrator, django_capture_on_commit_callbacks, monkeypatch
):
    lines = _lines(6)
    real, calls = services.approve, []

    def approve(txns, **kwargs):
        calls.append(1)
        outcome = real(txns, **kwargs)
        if len(calls) == 1:  # an administrator takes the role away while the first chunk is written
            accounts.update_user(supervisor, by=administrator, roles=[])
        return outcome

    monkeypatch.setattr(services, "approve", approve)
    client.force_login(supervisor)

    _apply(client, django_capture_on_commit_callbacks)

    job = BulkDecision.objects.get()
    assert job.state == "failed" and job.done == 0
    assert "may no longer approve or reject" in job.error
    assert set(_states(lines).values()) == {"needs_review"}
    assert not AuditEntry.objects.filter(action="approved").exists()


def test_a_job_whose_process_stopped_shows_so_and_only_its_creator_may_resume_it(
    client, supervisor, other_supervisor, django_capture_on_commit_callbacks
):
    lines = _lines(4)
    old = timezone.now() - bulk.STALE_AFTER - timedelta(seconds=5)
    job = BulkDecision.objects.create(
        action="approve", created_by=supervisor, upto_id=lines[-1].pk, total=4, state="running",
        holder="plant-01 pid 4242 dead", started_at=old, beat_at=old, attempts=1,
    )
    client.force_login(other_supervisor)
    page = client.get(reverse("reviews:bulkdecision_detail", args=[job.pk])).content.decode()
    assert "stopped without finishing" in page and 'data-testid="job-resume"' not in page
    assert client.post(reverse("reviews:bulkdecision_resume", args=[job.pk])).status_code == 403

    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:bulkdecision_resume", args=[job.pk]))

    job.refresh_from_db()
    assert (job.state, job.done, job.attempts) == ("finished", 4, 2)
    assert set(_states(lines).values()) == {"approved"}


def test_a_task_delivered_again_leaves_a_finished_or_running_job_alone(supervisor):
    lines = _lines(2)
    finished = BulkDecision.objects.create(action="approve", created_by=supervisor, upto_id=lines[-1].pk, total=2,
                                           state="finished")
    running = BulkDecision.objects.create(action="approve", created_by=supervisor, upto_id=lines[-1].pk, total=2,
                                          state="running", holder="elsewhere", beat_at=timezone.now(), attempts=1)

    assert "not taken up" in bulk.run(finished.pk) and "not taken up" in bulk.run(running.pk)
    assert set(_states(lines).values()) == {"needs_review"}


def test_an_accountant_cannot_see_a_job(client, accountant, supervisor):
    job = BulkDecision.objects.create(action="approve", created_by=supervisor, upto_id=0, total=0)
    client.force_login(accountant)

    assert client.get(reverse("reviews:bulkdecision_detail", args=[job.pk])).status_code == 403
    assert client.get(reverse("reviews:bulkdecision_status", args=[job.pk])).status_code == 403
