"""Changing the processing options and the intake settings: one service, one audit row per change."""
from __future__ import annotations

from django.db import transaction

from audit.actions import AuditAction
from audit.log import record
from transactions.models import IntakeSettings, ProcessingMode, ProcessingOption

SETTINGS_FIELDS = ("shift_max_hours", "near_duplicate_minutes")


def save_processing_options(modes: dict[str, str], settings_values: dict, *, by) -> int:
    """Set each type's processing mode and the intake settings; returns how many changed.
    A change applies to the next line collected (the options are read on every push)."""
    changed = 0
    with transaction.atomic():
        current = {option.type: option for option in ProcessingOption.objects.select_for_update()}
        for type_, mode in modes.items():
            option = current.get(type_)
            if option is None:
                # A type without a row is reviewed by hand (lifecycle.admit): storing that mode
                # changes nothing and is not audited; any other mode is a change from it.
                option = ProcessingOption.objects.create(type=type_, mode=mode)
                if mode != ProcessingMode.REVIEW_BY_HAND:
                    record([option], AuditAction.CHANGED, by=by, changes={"mode": [ProcessingMode.REVIEW_BY_HAND.value, mode]})
                    changed += 1
            elif option.mode != mode:
                before, option.mode = option.mode, mode
                option.save(update_fields=["mode", "updated_at"])
                record([option], AuditAction.CHANGED, by=by, changes={"mode": [before, mode]})
                changed += 1
        settings_row = IntakeSettings.objects.select_for_update().get(pk=IntakeSettings.load().pk)
        changes = {}
        for name in SETTINGS_FIELDS:
            before, after = getattr(settings_row, name), settings_values[name]
            if before != after:
                changes[name] = [before, after]
                setattr(settings_row, name, after)
        if changes:
            settings_row.save()
            record([settings_row], AuditAction.CHANGED, by=by, changes=changes)
            changed += len(changes)
    return changed
