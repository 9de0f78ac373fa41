"""Writing the audit trail: one row per object changed, in bulk, never edited afterwards."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from audit.models import AuditEntry
from kernel.bulk import insert_rows
from kernel.middleware import current_request_id


def record(
    objects: Iterable[models.Model],
    action: str,
    *,
    by=None,
    actor_label: str = "",
    reason: str = "",
    changes: Mapping[Any, Mapping[str, list]] | Mapping[str, list] | None = None,
) -> int:
    """Write one audit row per object; return how many were written.

    ``changes`` is either one ``{field: [before, after]}`` for every object, or a mapping
    from an object's pk to its own ``{field: [before, after]}``. ``by`` is the user who
    acted; ``actor_label`` names a device, the schedule or a command when no user did.
    All rows of one call share one timestamp. They are written in bulk (``kernel.bulk``)
    rather than as model instances, so approving or exporting thousands of lines costs little
    more than the lines themselves.
    """
    objects = list(objects)
    if not objects:
        return 0
    meta = AuditEntry._meta
    names = ("at", "actor", "actor_label", "request_id", "action", "content_type", "object_id", "object_repr",
             "changes", "reason")
    fields = [meta.get_field(name) for name in names]
    changes_field = meta.get_field("changes")
    per_object = bool(changes) and all(not isinstance(v, list) for v in changes.values())
    shared = None if per_object else changes_field.get_db_prep_save(_jsonable(changes or {}), connection)
    request_id = current_request_id()
    user = by if getattr(by, "is_authenticated", False) else None
    at = meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    content_type_id = ContentType.objects.get_for_model(objects[0]).pk
    label = actor_label or (user.get_username() if user else "")
    rid = "" if request_id == "-" else request_id
    rows = [
        (
            at, user.pk if user else None, label, rid, action, content_type_id, str(obj.pk), str(obj)[:200],
            changes_field.get_db_prep_save(_jsonable(changes.get(obj.pk, {})), connection) if per_object else shared,
            reason,
        )
        for obj in objects
    ]
    insert_rows(meta.db_table, [f.column for f in fields], rows)
    return len(rows)


def history(obj: models.Model):
    """The audit rows of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def _jsonable(changes: Mapping[str, list]) -> dict[str, list]:
    def plain(value):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        return str(value)

    return {field: [plain(before), plain(after)] for field, (before, after) in changes.items()}
