"""A database made by the previous main (the transaction core still in reviews and intake), with
real rows, migrates forward and keeps every row: reachable through the core's models, its
permissions still granted, its audit rows still about the same objects.

The database is taken back to the previous main's leaf migrations with Django's
``MigrationExecutor`` (the core's migrations are state only, so its tables are exactly
those main made), filled through the historical models, then migrated forward as a deployment
does: ``manage.py migrate``, with its post_migrate step.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.log import history, record
from audit.models import AuditEntry
from batches.models import BatchLine, ExportBatch
from transactions.models import Device, Finding, IntakeSettings, ProcessingOption, Transaction

pytestmark = pytest.mark.django_db(transaction=True)

# The leaf migrations of the previous main in the apps the move touches (audit and accounts hold
# rows pointing at the moved models' content types).
PREVIOUS_MAIN = [
    ("reviews", "0004_device_and_entered_by_queue_indexes"),
    ("intake", "0002_intake_settings"),
    ("batches", "0004_publishing_marker"),
    ("audit", "0002_fewer_indexes"),
    ("accounts", "0002_signin_attempt"),
]
MOVED = {  # model -> the app it was in
    "transaction": "reviews", "finding": "reviews",
    "device": "intake", "processingoption": "intake", "intakesettings": "intake",
}
# The tables of the rows the test makes, by (app, model) in main: each must hold the same rows
# after the move. (Pairs, not dotted labels: /work/core-move.sh rewrites those.)
TABLES = {
    ("reviews", "Transaction"): Transaction, ("reviews", "Finding"): Finding, ("intake", "Device"): Device,
    ("intake", "ProcessingOption"): ProcessingOption, ("intake", "IntakeSettings"): IntakeSettings,
    ("batches", "ExportBatch"): ExportBatch, ("batches", "BatchLine"): BatchLine, ("audit", "AuditEntry"): AuditEntry,
}


def back_to_previous_main():
    """Unapply the core's migrations (and all built on them); the models as main had them."""
    executor = MigrationExecutor(connection)
    executor.migrate([("transactions", None), *PREVIOUS_MAIN])
    executor.loader.build_graph()
    return executor.loader.project_state(PREVIOUS_MAIN).apps


def make_rows(apps) -> dict:
    """A plant's rows, written through main's models: a device, lines of several types and states
    with findings, an exported batch with its lines, an audit row on a line, a group holding the
    review permission, a user holding a device permission of their own."""
    ContentType_ = apps.get_model("contenttypes", "ContentType")
    Permission_ = apps.get_model("auth", "Permission")
    User = apps.get_model("auth", "User")
    Group_ = apps.get_model("auth", "Group")
    Device_ = apps.get_model("intake", "Device")
    Transaction_ = apps.get_model("reviews", "Transaction")
    Finding_ = apps.get_model("reviews", "Finding")
    ExportBatch_ = apps.get_model("batches", "ExportBatch")
    BatchLine_ = apps.get_model("batches", "BatchLine")
    AuditEntry_ = apps.get_model("audit", "AuditEntry")

    old_types = {model: ContentType_.objects.get(app_label=app, model=model) for model, app in MOVED.items()}
    review = Permission_.objects.get(content_type=old_types["transaction"], codename="review_transaction")
    change_device = Permission_.objects.get(content_type=old_types["device"], codename="change_device")
    leads = Group_.objects.create(name="Night shift leads")
    leads.permissions.add(review)
    lead = User.objects.create(username="nina.lead")
    lead.groups.add(leads)
    keeper = User.objects.create(username="dev.keeper")
    keeper.user_permissions.add(change_device)

    device = Device_.objects.create(name="Handheld 07", token_prefix="abcd1234", token_hash="f" * 64)
    apps.get_model("intake", "ProcessingOption").objects.create(type="completion", mode="automatic")
    apps.get_model("intake", "IntakeSettings").objects.create(pk=1, shift_max_hours=Decimal("10.50"))
    now = timezone.now().replace(microsecond=0)

    def line(type_, status, **fields):
        return Transaction_.objects.create(
            client_txn_id=uuid.uuid4(), type=type_, status=status, source=fields.pop("source", "device"),
            device=fields.pop("device", device), collected_at=now - timedelta(hours=2), content_hash="0" * 64,
            raw={"type": type_}, work_order="0001001", **fields,
        )

    waiting = line("labor", "needs_review", step="0010", employee="0000001", hours=Decimal("2.000"))
    flagged = line("material_issue", "flagged", item_code="PART-0001", warehouse="000", quantity=Decimal("3"))
    Finding_.objects.create(transaction=flagged, severity="error", code="closed_work_order", field="work_order",
                            message="Work order 0001001 is closed in MAS.")
    Finding_.objects.create(transaction=flagged, severity="warning", code="item_not_on_material_list",
                            field="item_code", message="Item PART-0001 is not on the material list.")
    approved = line("completion", "approved", qty_completed=Decimal("5"), reviewed_by=lead, reviewed_at=now)
    rejected = line("crew_labor", "rejected", source="user", device=None, entered_by=lead, crew="C001",
                    step="0020", hours=Decimal("1.500"), review_reason="Entered twice.")
    exported = line("labor", "exported", step="0020", employee="0000001", hours=Decimal("4.000"))
    batch = ExportBatch_.objects.create(number=1, status="exported", lines=1, total_hours=Decimal("4.000"))
    BatchLine_.objects.create(batch=batch, transaction=exported, line_no=1, type="labor", hours=Decimal("4.000"))
    AuditEntry_.objects.create(
        actor=lead, action="approved", content_type=old_types["transaction"], object_id=str(approved.pk),
        object_repr="Completion 0001001", changes={"status": ["needs_review", "approved"]},
    )
    return {
        "types": {model: ct.pk for model, ct in old_types.items()},
        "review_permission": review.pk,
        "lines": {name: txn.pk for name, txn in (("waiting", waiting), ("flagged", flagged), ("approved", approved),
                                                  ("rejected", rejected), ("exported", exported))},
        "rows": {label: list(apps.get_model(*label).objects.order_by("pk").values()) for label in TABLES},
    }


def assert_everything_kept(before: dict) -> None:
    ContentType.objects.clear_cache()
    for label, model in TABLES.items():
        # Every row and every value it had; columns added since (the decision's source) aside.
        kept = before["rows"][label]
        columns = kept[0].keys() if kept else ()
        now = [{c: row[c] for c in columns} for row in model.objects.order_by("pk").values()]
        assert now == kept, label

    # Reachable through the core's models and their relations.
    lines = {name: Transaction.objects.get(pk=pk) for name, pk in before["lines"].items()}
    assert {name: txn.status for name, txn in lines.items()} == {
        "waiting": "needs_review", "flagged": "flagged", "approved": "approved", "rejected": "rejected",
        "exported": "exported",
    }
    assert lines["waiting"].device == Device.objects.get(name="Handheld 07")
    # A decision a supervisor made (reviewed_by) is stored as theirs; an undecided line has none.
    assert (lines["approved"].decision_source, lines["waiting"].decision_source) == ("supervisor", "")
    assert sorted(f.code for f in lines["flagged"].findings.all()) == ["closed_work_order", "item_not_on_material_list"]
    assert lines["approved"].reviewed_by.username == "nina.lead"
    assert lines["rejected"].entered_by.username == "nina.lead"
    line_in_batch = BatchLine.objects.select_related("transaction", "batch").get()
    assert isinstance(line_in_batch.transaction, Transaction) and line_in_batch.transaction == lines["exported"]
    assert list(lines["exported"].batch_lines.values_list("batch__number", flat=True)) == [1]
    assert IntakeSettings.current().shift_max_hours == Decimal("10.50")
    assert ProcessingOption.objects.get(type="completion").mode == "automatic"

    # The content types were renamed, not created anew: same ids, no stale rows, no duplicates.
    for model, pk in before["types"].items():
        assert ContentType.objects.get(app_label="transactions", model=model).pk == pk
    # None of the moved models is left under its old app (intake has models of its own since: enrolment).
    assert not ContentType.objects.filter(app_label__in=["reviews", "intake"], model__in=list(MOVED)).exists()
    moved_types = ContentType.objects.filter(app_label="transactions")
    codenames = list(Permission.objects.filter(content_type__in=moved_types).values_list("codename", flat=True))
    assert len(codenames) == len(set(codenames))

    # The grants hold, under the new names.
    review = Permission.objects.get(pk=before["review_permission"])
    assert f"{review.content_type.app_label}.{review.codename}" == "transactions.review_transaction"
    assert list(Group.objects.get(name="Night shift leads").permissions.all()) == [review]
    user_model = Group.objects.get(name="Night shift leads").user_set.model
    assert user_model.objects.get(username="nina.lead").has_perm("transactions.review_transaction")
    assert user_model.objects.get(username="dev.keeper").has_perm("transactions.change_device")
    assert review in Group.objects.get(name="Supervisor").permissions.all()  # the role map, applied after migrate

    # The audit row is still about the approved line.
    entry = AuditEntry.objects.get(action="approved")
    assert entry.content_type.model_class() is Transaction
    assert entry.content_type.natural_key() == ("transactions", "transaction")
    assert list(history(lines["approved"])) == [entry]


def test_a_database_made_by_the_previous_main_migrates_forward_and_keeps_every_row():
    before = make_rows(back_to_previous_main())

    call_command("migrate", verbosity=0)

    assert_everything_kept(before)


def test_content_types_made_between_the_two_steps_are_folded_into_the_old_ones():
    """``migrate transactions 0001`` and its post_migrate step make (transactions, transaction)
    and its permissions beside the old rows, and the role groups get those; a group is granted
    one and something is audited in between. The full migrate then keeps the old rows' ids and
    moves all that onto them."""
    before = make_rows(back_to_previous_main())
    call_command("migrate", "transactions", "0001_models_from_reviews_and_intake", verbosity=0)
    ContentType.objects.clear_cache()
    made = ContentType.objects.get(app_label="transactions", model="transaction")
    assert made.pk != before["types"]["transaction"]
    assert Group.objects.get(name="Supervisor").permissions.filter(content_type=made).exists()
    weekend = Group.objects.create(name="Weekend leads")
    weekend.permissions.add(Permission.objects.get(content_type=made, codename="review_transaction"))
    # Between the two steps the line has no decision_source (transactions 0003) nor reverses (0006) column yet.
    waiting = Transaction.objects.defer("decision_source", "reverses").get(pk=before["lines"]["waiting"])
    record([waiting], "edited", actor_label="between the two steps", changes={"comment": ["", "checked"]})

    call_command("migrate", verbosity=0)

    between = AuditEntry.objects.get(action="edited")
    before["rows"][("audit", "AuditEntry")].append(
        {**AuditEntry.objects.filter(pk=between.pk).values().get(), "content_type_id": before["types"]["transaction"]}
    )
    assert_everything_kept(before)
    assert not ContentType.objects.filter(pk=made.pk).exists()
    assert list(weekend.permissions.values_list("pk", flat=True)) == [before["review_permission"]]
    assert list(history(waiting)) == [between]
