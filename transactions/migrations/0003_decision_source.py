"""The decision's source stored on the line, and no ``collected`` state.

- ``Transaction.decision_source``: who made the line's current decision (a supervisor, the
  automatic processing option, "ready at once"), stored with the decision instead of being
  inferred from an empty ``reviewed_by``. Stored lines get it from what is known of them
  (``backfill_decision_source``).
- ``collected`` is no longer a state: a line is checked before it is stored and arrives in the
  state its processing option gives it. The choice goes (the column does not change); a line
  still in it, which nothing made, goes where its findings say.
"""
from django.db import migrations, models
from django.db.models import Exists, OuterRef

CHUNK = 500
DECIDED = ("approved", "rejected", "exported")
# What the audit row of a line's arrival said when its processing option approved it.
ARRIVAL_REASONS = {
    "Processing option: ready at once.": "ready_at_once",
    "Processing option: process automatically; no findings, approved.": "automatic",
}


def backfill_decision_source(apps, schema_editor):
    """The source of each stored decision: ``supervisor`` when a user decided (``reviewed_by``);
    else what the line's audit rows say — arrival approved by a processing option (its reason
    names it), or a decision with no user (``system``); else ``automatic``, what the export
    schedule took such a line for until now. Undecided lines keep none. Set-based, in chunks."""
    Transaction = apps.get_model("transactions", "Transaction")
    Finding = apps.get_model("transactions", "Finding")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")

    never_checked = Transaction.objects.filter(status="collected")
    never_checked.filter(Exists(Finding.objects.filter(transaction_id=OuterRef("pk")))).update(status="flagged")
    never_checked.update(status="needs_review")

    decided = Transaction.objects.filter(status__in=DECIDED)
    decided.filter(reviewed_by__isnull=False).update(decision_source="supervisor")
    rest = list(decided.filter(reviewed_by__isnull=True).order_by("pk").values_list("pk", flat=True))
    content_type = ContentType.objects.filter(app_label="transactions", model="transaction").first()
    source = dict.fromkeys(rest, "automatic")
    for start in range(0, len(rest) if content_type else 0, CHUNK):
        ids = [str(pk) for pk in rest[start:start + CHUNK]]
        rows = AuditEntry.objects.filter(
            content_type=content_type, object_id__in=ids, action__in=("collected", "approve", "reject", "approved", "rejected")
        ).order_by("at", "id").values_list("object_id", "action", "actor_id", "reason", "changes")
        for object_id, action, actor_id, reason, changes in rows:  # the last decision wins
            pk = int(object_id)
            if action == "collected":
                if (changes or {}).get("status", [None, None])[-1] == "approved" and reason in ARRIVAL_REASONS:
                    source[pk] = ARRIVAL_REASONS[reason]
            else:
                source[pk] = "supervisor" if actor_id else "system"
    by_source = {}
    for pk, value in source.items():
        by_source.setdefault(value, []).append(pk)
    for value, pks in by_source.items():
        for start in range(0, len(pks), CHUNK):
            Transaction.objects.filter(pk__in=pks[start:start + CHUNK]).update(decision_source=value)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_fewer_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("transactions", "0002_content_types_from_reviews_and_intake"),
    ]

    operations = [
        migrations.AddField(
            model_name="transaction",
            name="decision_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not decided"),
                    ("supervisor", "A supervisor"),
                    ("automatic", "The processing option: process automatically"),
                    ("ready_at_once", "The processing option: ready at once"),
                    ("system", "The portal (before decisions named their source)"),
                ],
                default="",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="status",
            field=models.CharField(
                choices=[
                    ("needs_review", "Needs review"),
                    ("flagged", "Flagged"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("exported", "Exported"),
                ],
                default="needs_review",
                max_length=16,
            ),
        ),
        migrations.RunPython(backfill_decision_source, migrations.RunPython.noop),
    ]
