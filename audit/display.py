"""A recorded change in words: the field's own name ("Qty completed", "State"), a code as its
label ("Needs review"), a number as people write it (2.18, not 2.180), a moment in plant time."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from kernel.display import number_text, value_text

WORDS = {"status": "State", "batch": "Batch"}  # the names the pages use for these
_AWARE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def show(value, field=None) -> str:
    """A recorded value (as JSON keeps it: text for dates, numbers and booleans of some rows) in
    the words of the field it belongs to; the rest as every page shows values."""
    if value is None or value == "":
        return "—"
    if field is not None and field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField) and value in ("True", "true", "False", "false"):
        return value_text(value in ("True", "true"))
    if isinstance(field, models.DecimalField) or isinstance(value, float):
        try:
            return number_text(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if isinstance(value, str) and _AWARE_DATETIME.match(value):
        value = datetime.fromisoformat(value)
    return value_text(value)


def change_rows(entry) -> list[tuple[str, str, str]]:
    """(label, before, after) of each change of an audit row, by label."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, change in (entry.changes or {}).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if not isinstance(field, models.Field):  # a reverse relation named like a change: no field
                field = None
        label = WORDS.get(name) or (capfirst(field.verbose_name) if field is not None and hasattr(field, "verbose_name")
                                     else capfirst(name.replace("_", " ")))
        before, after = (list(change) + [None, None])[:2] if isinstance(change, (list, tuple)) else (None, change)
        rows.append((label, show(before, field), show(after, field)))
    return sorted(rows)
