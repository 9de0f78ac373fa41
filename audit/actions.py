"""The audit trail's one vocabulary: what happened to the object of a row, as a past-tense verb.

An action names no object (``approved``, not ``transaction.approved``): the row's content type says
what the object is. Rows written before this vocabulary keep the code they were written with (an
audit row is never edited); ``LEGACY`` says which action each old code means, so that the pages
show the same label and the action filter finds old and new rows alike.
"""
from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # collected lines
    COLLECTED = "collected", "Collected"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CORRECTED = "corrected", "Corrected"
    REVALIDATED = "revalidated", "Re-validated"
    EXPORTED = "exported", "Exported"
    RETURNED = "returned", "Returned for review"
    FILLED_IN = "filled_in", "Filled in"
    REVERSED = "reversed", "Reversed"  # an exported line, by reversal lines the portal made
    # export batches
    WRITTEN = "written", "Files written"
    REWRITTEN = "rewritten", "Files rewritten"
    FILES_RETIRED = "files_retired", "Files retired"
    IMPORTED = "imported", "Imported into MAS"
    IMPORT_REFUSED = "import_refused", "Import refused"
    POSTED = "posted", "Posted in MAS"
    DELETED_IN_MAS = "deleted_in_mas", "Deleted in MAS"
    VOIDED = "voided", "Voided"
    REEXPORTED = "reexported", "Re-exported"
    DISCREPANCIES_FOUND = "discrepancies_found", "Discrepancies found"
    # users, sign-in, roles and grants, devices and importer tokens, settings
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    PASSWORD_SET = "password_set", "Password set"
    LOCKED_OUT = "locked_out", "Locked out"
    UNLOCKED = "unlocked", "Unlocked"
    GRANTED = "granted", "Granted"
    REGISTERED = "registered", "Registered"
    REVOKED = "revoked", "Revoked"
    ROTATED = "rotated", "Rotated"
    ENROLMENT_CODE_ISSUED = "enrolment_code_issued", "Enrolment code issued"
    # pulls from MAS
    PULL_REQUESTED = "pull_requested", "Pull requested"


# Codes written by earlier versions of the portal → the action each means. Never remove one: rows
# carrying it stay in the trail for good.
LEGACY: dict[str, AuditAction] = {
    # lines
    "approve": AuditAction.APPROVED,
    "reject": AuditAction.REJECTED,
    "edit": AuditAction.CORRECTED,
    "export": AuditAction.EXPORTED,
    "unexport": AuditAction.RETURNED,  # a voided batch's lines, back to review
    "reexport": AuditAction.REEXPORTED,  # a re-exported batch and each of its lines
    # statuses written as actions
    "needs_review": AuditAction.RETURNED,
    "flagged": AuditAction.REVALIDATED,
    # batches
    "create": AuditAction.CREATED,  # a new batch (and an importer token, by create_importer_token)
    "void": AuditAction.VOIDED,
    "discrepancies": AuditAction.DISCREPANCIES_FOUND,
    # users and sign-in
    "user.created": AuditAction.CREATED,
    "user.changed": AuditAction.CHANGED,
    "user.password_set": AuditAction.PASSWORD_SET,
    "user.password_reset": AuditAction.PASSWORD_RESET,
    "signin.locked_out": AuditAction.LOCKED_OUT,
    "signin.unlocked": AuditAction.UNLOCKED,
    # grants and tokens
    "grant": AuditAction.GRANTED,
    "revoke": AuditAction.REVOKED,
    "rotate": AuditAction.ROTATED,
    # settings and pulls
    "serverconfig.changed": AuditAction.CHANGED,
    "autosynctable.changed": AuditAction.CHANGED,
    "pull.requested": AuditAction.PULL_REQUESTED,
}
_LABELS = dict(AuditAction.choices)


def action_of(code: str) -> AuditAction | None:
    """The action a stored code means (new or legacy), or None for a code the portal never wrote."""
    if code in _LABELS:
        return AuditAction(code)
    return LEGACY.get(code)


def label_of(code: str) -> str:
    """How a stored code reads on a page: its action's label, else the code as it is."""
    action = action_of(code)
    return action.label if action is not None else code


def codes_of(action: AuditAction | str) -> list[str]:
    """Every stored code meaning ``action``: its own and the legacy ones (for a filter)."""
    action = AuditAction(action)
    return [action.value, *sorted(code for code, meant in LEGACY.items() if meant == action)]
