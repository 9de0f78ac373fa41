"""The review pages: the queue's filters, bulk decisions, detail and edit, permissions, query caps."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.log import history
from audit.models import AuditEntry
from transactions.models import Finding, Transaction
from tests.factories import (
    EmployeeFactory, TransactionFactory, WorkCenterFactory, WorkOrderFactory, WorkOrderStepFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_validation")]
LIST = reverse("reviews:transaction_list")
APPROVE = reverse("reviews:transaction_bulk_approve")
REJECT = reverse("reviews:transaction_bulk_reject")


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


def error_on(txn):
    Finding.objects.create(transaction=txn, severity="error", code="closed_work_order", message="Closed order")


# --- the queue --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "expected"), [
    ({"work_order": "1001"}, {"a"}),
    ({"status": ["flagged"]}, {"b"}),
    ({"status": ["needs_review", "flagged"]}, {"a", "b"}),
    ({"type": ["material_issue"]}, {"c"}),
    ({"employee": "0000007"}, {"b"}),
    ({"employee": "7"}, {"b"}),
    ({"crew": "c001"}, {"c"}),
    ({"step": "20"}, {"b"}),
    ({"work_center": "WELD"}, {"b"}),
    ({"finding": "closed_work_order"}, {"a"}),
    ({"severity": "error"}, {"a"}),
    ({"severity": "warning"}, {"b"}),
    ({"severity": "none"}, {"c"}),
    ({"collected_after": "2026-03-02", "collected_before": "2026-03-02"}, {"b"}),
    ({"q": "BOLT"}, {"c"}),
    ({"source": "user"}, {"c"}),
])
def test_the_filters_narrow_the_queue(client, supervisor, query, expected):
    WorkCenterFactory(code="WELD", description="Welding")
    WorkOrderStepFactory(work_order="0001002", step="0020", work_center="WELD")
    day = timezone.make_aware(timezone.datetime(2026, 3, 1, 10))
    lines = {
        "a": TransactionFactory(work_order="0001001", status="needs_review", collected_at=day),
        "b": TransactionFactory(work_order="0001002", step="0020", work_center="WELD", employee="0000007",
                                status="flagged", collected_at=day + timedelta(days=1)),
        "c": TransactionFactory(work_order="0001003", type="material_issue", step="", employee="", hours=None,
                                item_code="BOLT-10", warehouse="000", status="approved", source="user", crew="C001",
                                entered_by=supervisor, collected_at=day + timedelta(days=2)),
    }
    error_on(lines["a"])
    Finding.objects.create(transaction=lines["b"], severity="warning", code="long_shift", message="Long")
    client.force_login(supervisor)

    response = client.get(LIST, query)

    assert response.status_code == 200
    assert listed(response) == {lines[k].pk for k in expected}


def test_the_work_center_filter_reads_the_lines_stored_work_center(client, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    WorkCenterFactory(code="WELD", description="Welding")
    WorkOrderStepFactory(work_order="0001002", step="0020", work_center="WELD")
    stored = TransactionFactory(work_order="0001001", step="0010", work_center="WELD")
    not_stored = TransactionFactory(work_order="0001002", step="0020", work_center="")  # the mirror says WELD
    error_on(stored)
    error_on(not_stored)
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"work_center": "WELD", "severity": "error"})

    assert listed(response) == {stored.pk}
    # The filter never asks the mirror's steps (the page reads the steps' names of its rows only).
    assert not any("mas_workorderstep" in q["sql"] and "reviews_transaction" in q["sql"] for q in captured)


def test_the_queue_shows_errors_and_warnings_apart(client, supervisor):
    txn = TransactionFactory()
    error_on(txn)
    Finding.objects.create(transaction=txn, severity="warning", code="long_shift", message="Long shift")
    client.force_login(supervisor)

    html = client.get(LIST).content.decode()

    assert 'data-severity="error"' in html and "text-bg-danger" in html
    assert 'data-severity="warning"' in html and "text-bg-warning" in html


def test_the_queue_exports_the_filtered_list_as_csv_and_xlsx(client, accountant):
    TransactionFactory(work_order="0001001")
    TransactionFactory(work_order="0002002")
    client.force_login(accountant)

    csv = client.get(LIST, {"work_order": "1001", "_export": "csv"})
    xlsx = client.get(LIST, {"_export": "xlsx"})

    assert csv.status_code == 200 and "0001001" in csv.content.decode() and "0002002" not in csv.content.decode()
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_export_reads_in_chunks_keeping_order_and_findings(client, supervisor, monkeypatch):
    from reviews import views

    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)
    lines = [TransactionFactory(work_order=f"{1000 + i:07d}") for i in range(5)]
    for txn in lines:
        error_on(txn)
    client.force_login(supervisor)

    body = client.get(LIST, {"sort": "work_order", "_export": "csv"}).content.decode().splitlines()

    assert len(body) == 6 and "Findings" in body[0]
    assert [line.split(",")[4] for line in body[1:]] == [t.work_order for t in lines]
    assert all("Error: Closed order" in line for line in body[1:])


def test_an_accountant_sees_the_queue_without_bulk_actions(client, accountant):
    TransactionFactory()
    client.force_login(accountant)

    html = client.get(LIST).content.decode()

    assert "Approve selected" not in html and 'name="pk"' not in html


# What PostgreSQL runs around each timed count (kernel.counting.deadline): its savepoint and its
# statement_timeout, set and put back — no rows read.
DEADLINE_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL STATEMENT_TIMEOUT")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_queue_costs_a_constant_number_of_queries(client, supervisor, rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for txn in TransactionFactory.create_batch(rows):
        error_on(txn)
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"status": ["needs_review", "flagged"], "work_center": ""})

    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(DEADLINE_STATEMENTS)]
    # 12 for the page (the employees' names among them), one for each other kind of name beside a
    # key (crews, work orders, steps: mas.names), one capped count per state (the tabs), one capped
    # count-and-sums; the user's saved filters (the menu) and their single-key switch.
    assert len(reads) <= 12 + 3 + 5 + 1 + 2, "\n".join(reads)
    assert len(listed(response)) == rows


def test_the_queue_never_counts_all_rows(client, supervisor, django_assert_max_num_queries):
    """Its counts (tabs, "1–50 of …", totals) each stop at COUNT_CAP + 1 lines (the decided states'
    tabs at DECIDED_CAP + 1): a LIMIT inside."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TransactionFactory.create_batch(3)
    client.force_login(supervisor)

    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)

    counts = [q["sql"].upper() for q in queries.captured_queries
              if "COUNT(" in q["sql"].upper() and "reviews_transaction" in q["sql"]]
    assert counts and all(" LIMIT 10001" in sql or " LIMIT 1001)" in sql for sql in counts)


# --- bulk decisions -----------------------------------------------------------------------------------
def test_bulk_approve_of_a_selection_asks_for_confirmation_then_applies(client, supervisor):
    a, b, done = TransactionFactory(), TransactionFactory(), TransactionFactory(status="exported")
    client.force_login(supervisor)
    shown_at = timezone.now().isoformat()

    confirm = client.post(APPROVE, {"pk": [a.pk, b.pk, done.pk], "shown_at": shown_at})
    assert confirm.status_code == 200
    assert confirm.context["will_change"] == 2
    assert [(key, n) for key, _, n in confirm.context["skipped"]] == [("exported", 1)]
    assert Transaction.objects.filter(status="approved").count() == 0

    response = client.post(APPROVE, {"pk": [a.pk, b.pk, done.pk], "shown_at": shown_at, "_apply": "1"}, follow=True)

    assert set(Transaction.objects.filter(status="approved").values_list("pk", flat=True)) == {a.pk, b.pk}
    assert AuditEntry.objects.filter(action="approved").count() == 2
    assert "Approved 2 lines. Skipped 1 because it was exported" in response.content.decode()


def test_bulk_all_matching_touches_exactly_the_filtered_permitted_lines(client, supervisor):
    matching = TransactionFactory.create_batch(3, work_order="0001001")
    other_order = TransactionFactory(work_order="0009999")
    already = TransactionFactory(work_order="0001001", status="approved")
    client.force_login(supervisor)
    carried = urlencode({"work_order": "1001", "status": "needs_review"})

    client.post(APPROVE, {"_all": "1", "_filter": carried, "_apply": "1", "pk": [other_order.pk]})

    assert set(Transaction.objects.filter(status="approved").values_list("pk", flat=True)) == (
        {t.pk for t in matching} | {already.pk}
    )
    assert {int(e.object_id) for e in AuditEntry.objects.filter(action="approved")} == {t.pk for t in matching}


def test_bulk_reject_needs_a_reason(client, supervisor):
    txn = TransactionFactory()
    client.force_login(supervisor)

    refused = client.post(REJECT, {"pk": [txn.pk], "_apply": "1", "reason": ""})
    client.post(REJECT, {"pk": [txn.pk], "_apply": "1", "reason": "Duplicate scan"})

    assert refused.status_code == 200 and "A reason is required to reject." in refused.content.decode()
    txn.refresh_from_db()
    assert txn.status == "rejected" and history(txn).get().reason == "Duplicate scan"


def test_lines_changed_since_the_queue_was_shown_are_skipped_and_reported(client, supervisor, other_supervisor):
    shown_at = timezone.now().isoformat()
    stale, fresh = TransactionFactory(), TransactionFactory()
    Transaction.objects.filter(pk=fresh.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    from reviews import services
    services.reject([stale], by=other_supervisor, reason="Wrong order")
    Transaction.objects.filter(pk=stale.pk).update(status="needs_review")  # reopened meanwhile
    client.force_login(supervisor)

    response = client.post(APPROVE, {"pk": [stale.pk, fresh.pk], "shown_at": shown_at, "_apply": "1"}, follow=True)

    assert Transaction.objects.get(pk=fresh.pk).status == "approved"
    assert Transaction.objects.get(pk=stale.pk).status == "needs_review"
    assert "someone else changed it since the page was shown" in response.content.decode()


def test_an_accountant_cannot_approve(client, accountant):
    txn = TransactionFactory()
    client.force_login(accountant)

    response = client.post(APPROVE, {"pk": [txn.pk], "_apply": "1"})

    txn.refresh_from_db()
    assert response.status_code == 403 and txn.status == "needs_review"
    assert not AuditEntry.objects.exists()


def test_a_supervisor_cannot_approve_over_an_error_without_the_permission(client, supervisor):
    txn = TransactionFactory(status="flagged")
    error_on(txn)
    client.force_login(supervisor)

    response = client.post(APPROVE, {"pk": [txn.pk], "version": txn.version, "_apply": "1",
                                     "reason": "Looks fine to me"}, follow=True)

    txn.refresh_from_db()
    assert txn.status == "flagged"
    assert "you may not approve over errors" in response.content.decode()


def test_a_lead_supervisor_approves_over_an_error_with_a_reason(client, lead_supervisor):
    txn = TransactionFactory(status="flagged")
    error_on(txn)
    client.force_login(lead_supervisor)

    client.post(APPROVE, {"pk": [txn.pk], "version": txn.version, "_apply": "1", "reason": "Reopened in MAS"})

    txn.refresh_from_db()
    assert txn.status == "approved" and txn.review_reason == "Reopened in MAS"


def test_approving_from_the_detail_page_with_a_stale_version_is_skipped(client, supervisor, other_supervisor):
    txn = TransactionFactory()
    from reviews import services
    services.edit(txn, by=other_supervisor, changes={"step": "0020"}, expected_version=1)
    client.force_login(supervisor)

    response = client.post(APPROVE, {"pk": [txn.pk], "version": "1", "_apply": "1"}, follow=True)

    txn.refresh_from_db()
    assert txn.status == "needs_review"
    assert "Approved 0 lines" in response.content.decode()


# --- detail and edit -----------------------------------------------------------------------------------
def test_the_detail_page_shows_the_mirror_facts_findings_and_history(client, supervisor, django_assert_max_num_queries):
    WorkOrderFactory(number="0001001", item_description="Bracket assembly", qty_ordered=100, qty_complete=40)
    WorkOrderStepFactory(work_order="0001001", step="0010", description="Weld frame", work_center="WELD")
    EmployeeFactory(number="0000001", first_name="Rosa", last_name="Diaz")
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001")
    error_on(txn)
    from audit.log import record
    record([txn], "collected", actor_label="Handheld 7", changes={"hours": [None, "2.000"]})
    client.force_login(supervisor)

    with django_assert_max_num_queries(20):
        html = client.get(txn.get_absolute_url()).content.decode()

    for text in ("Bracket assembly", "remaining 60", "Weld frame", "Rosa Diaz", "Closed order", "Handheld 7",
                 "collected", 'data-key="approve"', 'data-key="edit"'):
        assert text in html


def test_the_detail_page_of_an_exported_line_says_it_is_locked(client, supervisor):
    txn = TransactionFactory(status="exported")
    client.force_login(supervisor)

    html = client.get(txn.get_absolute_url()).content.decode()

    assert 'data-testid="locked"' in html
    assert 'data-key="approve"' not in html and 'data-key="edit"' not in html


@pytest.mark.parametrize("source, said", [
    ("automatic", "The processing option: process automatically"),
    ("ready_at_once", "The processing option: ready at once"),
    ("system", "The portal (before decisions named their source)"),
])
def test_the_detail_page_names_who_decided_from_the_stored_source(client, supervisor, source, said):
    """Not inferred from an empty ``reviewed_by``: the decision's stored source says who it was."""
    txn = TransactionFactory(status="approved", decision_source=source, reviewed_at=timezone.now())
    client.force_login(supervisor)

    html = client.get(txn.get_absolute_url()).content.decode()

    assert f"<th>Decided</th><td colspan=\"2\">{said} at" in html


def test_the_detail_page_names_the_supervisor_who_decided(client, supervisor, other_supervisor):
    txn = TransactionFactory(status="rejected", decision_source="supervisor", reviewed_by=other_supervisor,
                             reviewed_at=timezone.now(), review_reason="Entered twice")
    client.force_login(supervisor)

    html = client.get(txn.get_absolute_url()).content.decode()

    assert f"<th>Decided</th><td colspan=\"2\">{other_supervisor.get_username()} at" in html


def test_exported_lines_cannot_be_edited(client, supervisor):
    txn = TransactionFactory(status="exported", step="0010")
    client.force_login(supervisor)
    url = reverse("reviews:transaction_edit", args=[txn.pk])

    page = client.get(url)
    post = client.post(url, {"work_order": txn.work_order, "step": "0020", "version": txn.version})

    txn.refresh_from_db()
    assert page.status_code == 302 and post.status_code == 302
    assert txn.step == "0010" and not history(txn).exists()


def test_an_edit_saves_and_rechecks_the_line(client, supervisor):
    txn = TransactionFactory(step="0010")
    client.force_login(supervisor)
    url = reverse("reviews:transaction_edit", args=[txn.pk])
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}

    response = client.post(url, {**data, "step": "20", "employee": "42", "reason": "Wrong step"})

    txn.refresh_from_db()
    assert response.status_code == 302
    assert (txn.step, txn.employee) == ("0020", "0000042")  # typed short, stored as MAS keys them
    row = history(txn).get()
    assert row.action == "corrected" and row.reason == "Wrong step" and row.changes["step"][0] == "0010"
    assert client.get(reverse("reviews:transaction_list"), {"employee": "42"}).context["table"].page.object_list


def test_a_stale_edit_is_refused_with_who_changed_it(client, supervisor, other_supervisor):
    txn = TransactionFactory(step="0010", hours="2.000")
    from reviews import services
    services.edit(txn, by=other_supervisor, changes={"step": "0030"}, expected_version=1)
    client.force_login(supervisor)

    response = client.post(reverse("reviews:transaction_edit", args=[txn.pk]), {
        "work_order": txn.work_order, "step": "0020", "employee": txn.employee, "hours": "2.000", "version": "1",
    })

    txn.refresh_from_db()
    assert response.status_code == 409
    assert "changed by Sam Second at" in response.content.decode()
    assert txn.step == "0030"


def test_bulk_of_picked_lines_refuses_more_lines_than_the_limit(client, supervisor, monkeypatch):
    """Picked lines are decided in the request; "all that match" of any size runs as a job
    (tests/reviews/test_bulk_job.py)."""
    from reviews import views

    monkeypatch.setattr(views, "BULK_LIMIT", 2)
    lines = TransactionFactory.create_batch(3)
    client.force_login(supervisor)

    response = client.post(APPROVE, {"pk": [t.pk for t in lines], "_apply": "1"}, follow=True)

    assert "More than 2 lines were picked" in response.content.decode()
    assert not Transaction.objects.filter(status="approved").exists()


def test_an_accountant_cannot_edit(client, accountant):
    txn = TransactionFactory()
    client.force_login(accountant)

    response = client.post(reverse("reviews:transaction_edit", args=[txn.pk]), {"step": "0020", "version": 1})

    assert response.status_code == 403


def test_a_line_flagged_by_a_pull_after_the_queue_was_shown_is_not_approved_from_that_page(client, supervisor):
    from transactions.revalidation import recheck_open
    from mas.models import WorkOrder

    WorkOrderFactory(number="0001001")
    WorkOrderStepFactory(work_order="0001001", step="0010")
    EmployeeFactory(number="0000001")
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000001", status="needs_review")
    client.force_login(supervisor)
    shown_at = client.get(reverse("reviews:transaction_list"), {"status": ["needs_review"]}).context["shown_at"]
    WorkOrder.objects.filter(number="0001001").update(on_hold=True)  # a pull puts the order on hold
    recheck_open()

    response = client.post(reverse("reviews:transaction_bulk_approve"),
                           {"pk": [txn.pk], "shown_at": shown_at, "_apply": "1"}, follow=True)

    txn.refresh_from_db()
    assert (txn.status, txn.version) == ("flagged", 2)
    assert "changed" in response.content.decode()
    assert not history(txn).filter(action="approved").exists()


def test_the_reject_confirmation_says_how_many_will_be_rejected(client, supervisor):
    a, b = TransactionFactory(), TransactionFactory()
    client.force_login(supervisor)

    page = client.post(reverse("reviews:transaction_bulk_reject"), {"pk": [a.pk, b.pk]}).content.decode()

    assert "<strong>2</strong> of the 2 selected lines will be rejected." in page


@pytest.mark.parametrize("shown_at", ["2026-13-45T00:00:00", "2026-11-25T08:00:00", "yesterday"])
def test_a_shown_at_time_that_is_not_one_does_not_break_the_decision(client, supervisor, shown_at):
    txn = TransactionFactory(status="needs_review")
    client.force_login(supervisor)

    response = client.post(reverse("reviews:transaction_bulk_approve"), {"pk": [txn.pk], "shown_at": shown_at})

    assert response.status_code == 200 and "will be approved" in response.content.decode()
