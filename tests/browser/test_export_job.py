"""Send to MAS of a large selection in Chromium: the supervisor confirms, the page says the lines go
in the background, and it turns into the batch once the cluster has made it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from batches import jobs
from batches.models import ExportBatch, ExportJob
from tests.factories import TransactionFactory
from transactions.models import Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_send_runs_in_the_background_and_its_page_turns_into_the_batch(
    page, sign_in, supervisor, export_dir, monkeypatch
):
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 3)
    monkeypatch.setattr(jobs, "enqueue", lambda job_id: None)  # the cluster takes it up below, while the page waits
    lines = [TransactionFactory(status="approved", work_order="0001042") for _ in range(5)]
    sign_in(supervisor)
    page.goto("/batches/send/")
    page.get_by_role("button", name="Send 5 lines to MAS").click()

    expect(page.get_by_text("5 lines are sent to MAS in the background")).to_be_visible()
    expect(page.get_by_test_id("job-state")).to_have_text("Queued")
    expect(page.get_by_test_id("job-bar")).to_be_visible()
    job = ExportJob.objects.get()

    assert "5 lines" in jobs.run(job.pk)

    expect(page.get_by_test_id("job-state")).to_have_text("Finished", timeout=10_000)
    batch = ExportBatch.objects.get()
    expect(page.get_by_test_id("job-summary")).to_contain_text(f"{batch} holds the 5 lines")
    expect(page.get_by_test_id("job-bar")).to_have_count(0)
    page.get_by_role("link", name=str(batch)).click()
    expect(page).to_have_url(f"{page.url.split('/batches/')[0]}/batches/{batch.number}/")
    assert set(Transaction.objects.filter(pk__in=[t.pk for t in lines]).values_list("status", flat=True)) == {"exported"}
