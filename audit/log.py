"""Writing the audit trail: one row per object changed, in bulk, never edited afterwards."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEntry
from woscan_portal.middleware import current_request_id


def record(
    objects: Iterable[models.Model],
    action: str,
    *,
    by=None,
    actor_label: str = "",
    reason: str = "",
    changes: Mapping[Any, Mapping[str, list]] | Mapping[str, list] | None = None,
) -> list[AuditEntry]:
    """Write one audit row per object.

    ``changes`` is either one ``{field: [before, after]}`` for every object, or a mapping
    from an object's pk to its own ``{field: [before, after]}``. ``by`` is the user who
    acted; ``actor_label`` names a device, the schedule or a command when no user did.
    """
    objects = list(objects)
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0])
    per_object = bool(changes) and all(not isinstance(v, list) for v in changes.values())
    request_id = current_request_id()
    entries = [
        AuditEntry(
            actor=by if getattr(by, "is_authenticated", False) else None,
            actor_label=actor_label or (by.get_username() if getattr(by, "is_authenticated", False) else ""),
            request_id="" if request_id == "-" else request_id,
            action=action,
            content_type=content_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            changes=_jsonable((changes or {}).get(obj.pk, {}) if per_object else (changes or {})),
            reason=reason,
        )
        for obj in objects
    ]
    return AuditEntry.objects.bulk_create(entries, batch_size=1000)


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
