"""transactions.lifecycle and batches.lifecycle: the tables (every allowed move, every refused one,
who may), the compare-and-set loser, one audit row per line, the follow-up after the commit, a
void back where the findings say, the system actor and the stored decision source."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from audit.log import history
from audit.models import AuditEntry
from batches import lifecycle as batch_states
from batches import services as batch_services
from batches.models import BatchLine, BatchStatus, ExportBatch
from transactions import revalidation
from transactions.models import ProcessingMode, ProcessingOption
from intake.services import collect
from reviews import services as review_services
from transactions.models import Finding, Transaction, TransactionStatus
from tests.factories import TransactionFactory, WorkOrderFactory
from tests.intake.conftest import device, device_and_token, labor, mirror  # noqa: F401 (fixtures)
from transactions import lifecycle
from transactions.lifecycle import BY_FINDINGS, TRANSITIONS, Actor

pytestmark = pytest.mark.django_db
S = TransactionStatus
SYSTEM = Actor.system("test system")
# Who makes each move of the table in these tests: a persona fixture, or the system.
MOVER = {"approve": "supervisor", "reject": "supervisor", "correct": "supervisor", "revalidate": None,
         "export": None, "return": "accountant", "reexport": "accountant", "reverse": "supervisor"}
VALUES = {"correct": {"comment": "checked"}, "return": {"review_reason": "voided"}}


def actor_for(name, request):
    persona = MOVER[name]
    return SYSTEM if persona is None else request.getfixturevalue(persona)


ALLOWED = [(name, source) for name, t in TRANSITIONS.items() for source in sorted(t.sources)]
REFUSED = [(name, status) for name, t in TRANSITIONS.items() for status in S.values if status not in t.sources]


# --- the table ----------------------------------------------------------------------------------
def test_the_table_covers_every_state_and_every_move_records_a_past_tense_action():
    assert {s for t in TRANSITIONS.values() for s in t.sources} == set(S.values)
    assert {t.action for t in TRANSITIONS.values()} == {
        "approved", "rejected", "corrected", "revalidated", "exported", "returned", "reexported", "reversed"
    }
    assert not {t.action for t in TRANSITIONS.values()} & {"approve", "reject", "edit", "export", "unexport"}


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_every_allowed_move_moves_the_line_and_writes_one_audit_row(request, name, source):
    txn = TransactionFactory(status=source)
    transition = TRANSITIONS[name]

    moved = lifecycle.move(name, [txn], by=actor_for(name, request), reason="because", values=VALUES.get(name))

    target = S.NEEDS_REVIEW if transition.to is BY_FINDINGS else transition.to  # no finding
    txn.refresh_from_db()
    assert moved.done == [txn.pk] and moved.refused == [] and moved.lost == []
    assert (txn.status, txn.version) == (target, 2)
    [row] = history(txn)
    assert row.action == transition.action and row.reason == "because"
    assert row.changes == ({"status": [source, target]} if source != target else {})


@pytest.mark.parametrize(("name", "status"), REFUSED)
def test_every_refused_move_leaves_the_line_and_writes_nothing(request, name, status):
    txn = TransactionFactory(status=status)

    moved = lifecycle.move(name, [txn], by=actor_for(name, request), values=VALUES.get(name))

    txn.refresh_from_db()
    assert moved.refused == [txn.pk] and moved.done == []
    assert (txn.status, txn.version) == (status, 1)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_who_may_is_the_tables(request, name, outsider):
    source = sorted(TRANSITIONS[name].sources)[0]
    txn = TransactionFactory(status=source)
    wrong = outsider if MOVER[name] is None else SYSTEM  # a user for a system move, the system for a user's

    with pytest.raises(PermissionDenied):
        lifecycle.move(name, [txn], by=wrong, values=VALUES.get(name))
    if MOVER[name] is not None:
        with pytest.raises(PermissionDenied):
            lifecycle.move(name, [txn], by=outsider, values=VALUES.get(name))
    with pytest.raises(ValueError):
        lifecycle.move(name, [txn], by=None, values=VALUES.get(name))

    txn.refresh_from_db()
    assert txn.version == 1 and not AuditEntry.objects.exists()


def test_a_move_sets_only_the_fields_its_row_names(supervisor):
    txn = TransactionFactory()

    with pytest.raises(ValueError):
        lifecycle.move("approve", [txn], by=supervisor, values={"hours": Decimal("9")})


# --- compare-and-set, in bulk -------------------------------------------------------------------
def test_a_line_changed_meanwhile_is_skipped_and_reported_never_overwritten(supervisor):
    seen = TransactionFactory.create_batch(3)
    Transaction.objects.filter(pk=seen[1].pk).update(version=F("version") + 1, comment="edited meanwhile")

    moved = lifecycle.move("approve", seen, by=supervisor)

    assert moved.done == [seen[0].pk, seen[2].pk] and moved.lost == [seen[1].pk]
    assert Transaction.objects.get(pk=seen[1].pk).status == S.NEEDS_REVIEW
    assert not history(seen[1]).exists()


def test_a_line_changed_after_the_page_was_shown_is_skipped(supervisor):
    from django.utils import timezone

    shown_at = timezone.now()
    txn = TransactionFactory()  # changed (created) after the page

    moved = lifecycle.move("approve", [txn], by=supervisor, seen_at=shown_at)

    assert moved.lost == [txn.pk] and Transaction.objects.get(pk=txn.pk).status == S.NEEDS_REVIEW


def test_thousands_of_lines_move_in_a_few_statements_with_one_audit_row_each(supervisor):
    lines = TransactionFactory.create_batch(2_000)

    with CaptureQueriesContext(connection) as queries:
        moved = lifecycle.move("approve", lines, by=supervisor)

    assert len(moved.done) == 2_000
    assert Transaction.objects.filter(status=S.APPROVED, version=2).count() == 2_000
    assert AuditEntry.objects.filter(action="approved").count() == 2_000
    assert len(queries.captured_queries) <= 12  # per chunk of ids, not per line


def test_the_follow_up_runs_after_the_commit_with_the_ids_moved(supervisor, django_capture_on_commit_callbacks):
    moved_now, gone = TransactionFactory(), TransactionFactory(status="exported")
    seen = []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lifecycle.move("approve", [moved_now, gone], by=supervisor, then=seen.append)
        lifecycle.move("approve", [gone], by=supervisor, then=seen.append)  # nothing moved: nothing to do

    assert seen == [] and len(callbacks) == 1
    callbacks[0]()
    assert seen == [[moved_now.pk]]


# --- where a line goes back -----------------------------------------------------------------------
@pytest.fixture
def deleted_batch(db):
    """Batch 1, deleted in MAS, with three exported lines: an error, a warning and a clean one."""
    error, warning, clean = TransactionFactory.create_batch(3, status="exported", decision_source="supervisor")
    Finding.objects.create(transaction=error, severity="error", code="closed_work_order", message="Closed.")
    Finding.objects.create(transaction=warning, severity="warning", code="long_shift", message="Long shift.")
    batch = ExportBatch.objects.create(number=1, status=BatchStatus.DELETED_IN_MAS, lines=3)
    for n, txn in enumerate((error, warning, clean), 1):
        BatchLine.objects.create(batch=batch, transaction=txn, line_no=n, type="labor")
    return batch, error, warning, clean


def test_a_void_puts_each_line_back_where_its_findings_say(accountant, deleted_batch):
    batch, error, warning, clean = deleted_batch

    batch_services.void(batch.pk, by=accountant, reason="Keyed by hand in MAS")

    states = dict(Transaction.objects.values_list("pk", "status"))
    assert (states[error.pk], states[warning.pk], states[clean.pk]) == ("flagged", "flagged", "needs_review")
    assert set(Transaction.objects.values_list("decision_source", flat=True)) == {""}  # undecided again
    rows = AuditEntry.objects.filter(action="returned", content_type__model="transaction")
    assert rows.count() == 3 and {r.actor for r in rows} == {accountant}
    assert history(error).get().changes == {"status": ["exported", "flagged"], "batch": ["000001", None]}
    assert history(ExportBatch.objects.get()).get().action == "voided"


def test_a_reexport_keeps_the_lines_exported_and_records_their_new_batch(accountant, deleted_batch, export_dir):
    batch, *lines = deleted_batch

    new = batch_services.reexport(batch.pk, by=accountant, reason="Deleted by mistake")

    assert set(Transaction.objects.values_list("status", "version")) == {("exported", 2)}
    assert history(lines[0]).get().changes == {"batch": ["000001", new.label]}
    assert history(lines[0]).get().action == "reexported"
    assert [r.action for r in history(new)] == ["created"]


def test_void_and_reexport_need_the_permission_and_an_actor(supervisor, deleted_batch):
    batch = deleted_batch[0]

    for service in (batch_services.void, batch_services.reexport):
        with pytest.raises(PermissionDenied):
            service(batch.pk, by=supervisor, reason="why not")
        with pytest.raises(ValueError):
            service(batch.pk, by=None, reason="why not")
    assert ExportBatch.objects.get().status == BatchStatus.DELETED_IN_MAS


# --- the system actor, arrival and the decision source ----------------------------------------------
def test_the_automatic_option_approves_clean_lines_on_arrival_but_never_over_an_error(mirror, device):  # noqa: F811
    ProcessingOption.objects.create(type="labor", mode=ProcessingMode.AUTOMATIC)

    clean, wrong = collect([labor(), labor(work_order="0009999")], device=device)

    clean, wrong = Transaction.objects.get(pk=clean.id), Transaction.objects.get(pk=wrong.id)
    assert (clean.status, clean.decision_source, clean.reviewed_by) == ("approved", "automatic", None)
    assert (wrong.status, wrong.decision_source) == ("flagged", "")
    assert wrong.findings.filter(severity="error").exists()
    row = history(clean).get()
    assert (row.action, row.actor, row.actor_label) == ("collected", None, "Handheld 01")
    assert row.changes == {"status": [None, "approved"]}


def test_the_schedule_exports_what_the_automatic_option_approved_not_what_was_ready_at_once(
    mirror, device, export_dir, django_capture_on_commit_callbacks,  # noqa: F811
):
    from batches.tasks import export_automatic

    ProcessingOption.objects.create(type="labor", mode=ProcessingMode.AUTOMATIC)
    ProcessingOption.objects.create(type="completion", mode=ProcessingMode.READY_AT_ONCE)
    [automatic] = collect([labor()], device=device)
    completion = {k: v for k, v in labor().items() if k in ("client_txn_id", "collected_at", "work_order")}
    [ready] = collect([{**completion, "type": "completion", "qty_completed": 1}], device=device)
    assert Transaction.objects.get(pk=ready.id).decision_source == "ready_at_once"

    with django_capture_on_commit_callbacks(execute=True):
        export_automatic()

    assert Transaction.objects.get(pk=automatic.id).status == "exported"
    assert Transaction.objects.get(pk=ready.id).status == "approved"  # a person sends it
    line_row = history(Transaction.objects.get(pk=automatic.id)).get(action="exported")
    assert (line_row.actor, line_row.actor_label) == (None, batch_services.SCHEDULE_LABEL)
    batch = ExportBatch.objects.get()
    assert (batch.created_by, batch.actor_label, batch.status) == (None, batch_services.SCHEDULE_LABEL, "exported")
    assert [r.action for r in history(batch)] == ["written", "created"]


def test_services_refuse_an_unnamed_actor(supervisor):
    txn = TransactionFactory()

    with pytest.raises(ValueError):
        review_services.edit(txn, by=None, changes={"comment": "x"}, expected_version=1)
    with pytest.raises(ValueError):
        batch_services.export_transactions(by=None)
    with pytest.raises(ValueError):
        Actor.system("")


def test_a_supervisors_decision_is_stored_as_theirs_and_a_correction_undoes_it(supervisor, monkeypatch):
    from transactions import validation

    monkeypatch.setattr(validation, "recheck", lambda txn: [])
    txn = TransactionFactory()

    review_services.approve([txn], by=supervisor)
    assert Transaction.objects.get(pk=txn.pk).decision_source == "supervisor"
    review_services.edit(txn, by=supervisor, changes={"comment": "one more"}, expected_version=2)

    txn.refresh_from_db()
    assert (txn.status, txn.decision_source) == ("needs_review", "")
    assert [r.action for r in history(txn)] == ["corrected", "approved"]


def test_revalidation_moves_lines_as_the_system_with_one_audit_row_each(mirror):  # noqa: F811
    fine = TransactionFactory(status="flagged")  # its finding is gone: the mirror has everything now
    Finding.objects.create(transaction=fine, severity="error", code="unknown_work_order", message="Unknown.")
    wrong = TransactionFactory(work_order="0009999")

    moved = revalidation.recheck_open()

    assert moved.changed == 2
    assert dict(Transaction.objects.values_list("pk", "status")) == {fine.pk: "needs_review", wrong.pk: "flagged"}
    for txn in (fine, wrong):
        row = history(txn).get()
        assert (row.action, row.actor, row.actor_label) == ("revalidated", None, "pull from MAS")


def test_the_warehouse_fill_is_audited_and_moves_the_version(db):
    line = TransactionFactory(type="completion", work_order="0004242", step="", employee="", hours=None,
                              qty_completed=Decimal("1"), warehouse="")
    WorkOrderFactory(number="0004242", parent_warehouse="002")

    assert revalidation.fill_default_warehouses() == 1

    line.refresh_from_db()
    assert (line.warehouse, line.version) == ("002", 2)
    row = history(line).get()
    assert (row.action, row.actor_label, row.changes) == ("filled_in", "pull from MAS", {"warehouse": ["", "002"]})


# --- batches ------------------------------------------------------------------------------------------
BATCH_MOVES = sorted(batch_states.TRANSITIONS)


@pytest.mark.parametrize(("source", "target"), BATCH_MOVES)
def test_every_batch_move_is_a_compare_and_set_with_one_audit_row(request, source, target):
    batch = ExportBatch.objects.create(number=7, status=source)
    transition = batch_states.TRANSITIONS[(source, target)]
    by = request.getfixturevalue("accountant") if transition.perms else SYSTEM

    assert batch_states.move(batch, target, by=by)

    batch.refresh_from_db()
    assert (batch.status, batch.version) == (target, 2)
    [row] = history(batch)
    assert row.action == transition.action
    assert row.changes == ({"status": [source, target]} if source != target else {})
    stale = ExportBatch(pk=batch.pk, number=7, status=source, version=1)  # as read before the move
    assert not batch_states.move(stale, target, by=by)  # lost: nothing written
    assert history(batch).count() == 1


@pytest.mark.parametrize("source", BatchStatus.values)
def test_a_batch_move_the_table_lacks_is_refused(source):
    batch = ExportBatch.objects.create(number=8, status=source)
    missing = [t for t in BatchStatus.values if (source, t) not in batch_states.TRANSITIONS]

    for target in missing:
        with pytest.raises(ValueError):
            batch_states.move(batch, target, by=SYSTEM)
    assert ExportBatch.objects.get().version == 1 and not history(batch).exists()


def test_the_accountants_batch_moves_refuse_the_system_and_the_systems_refuse_a_user(accountant):
    deleted = ExportBatch.objects.create(number=9, status=BatchStatus.DELETED_IN_MAS)
    writing = ExportBatch.objects.create(number=10, status=BatchStatus.WRITING)

    with pytest.raises(PermissionDenied):
        batch_states.move(deleted, BatchStatus.VOIDED, by=SYSTEM)
    with pytest.raises(PermissionDenied):
        batch_states.move(writing, BatchStatus.EXPORTED, by=accountant)
    assert not AuditEntry.objects.exists()
