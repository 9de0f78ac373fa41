"""Who may do what: the one statement of the portal's permissions (PRODUCT.md §2).

- ``ACTIONS``: for each model (by its label), each action a page or a service does to its rows
  and the permission that action needs. Every check reads it (``permission_for``); no view
  writes a permission's name.
- ``ROLE_PERMISSIONS``: each role's permissions, written as actions of ``ACTIONS``. After every
  ``migrate`` the role groups are set to exactly this map (``accounts.roles``).
- ``restrict``: the rows of a model a user may see or change for one action. The view mixin
  (``kernel.mixins.ObjectPermissionMixin``) applies it to every page; a model's
  queryset narrows it further by defining ``narrow_for(user, action)``.

This module imports no app: models are named by their label.
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Role(models.TextChoices):
    SUPERVISOR = "Supervisor"
    ACCOUNTANT = "Accountant"
    ADMINISTRATOR = "Administrator"
    FLOOR_DESKTOP = "Floor desktop"  # Direct Connect desktops: enter collected lines, nothing else


MIRROR_MODELS = (
    "workorder", "workorderstep", "materialline", "item", "itemwarehouse", "warehouse",
    "workcenter", "operationcode", "employee", "crew", "crewmember",
)
SETTINGS = "syncconfig.change_serverconfig"  # the sync settings: Server Configs and Auto-sync Tables

# model label -> action -> the permission it needs
ACTIONS: dict[str, dict[str, str]] = {
    "transactions.transaction": {
        "view": "transactions.view_transaction",
        "change": "transactions.change_transaction",  # correct a line
        "review": "transactions.review_transaction",  # approve or reject
        "approve_over_error": "transactions.approve_over_error",  # granted per person, in no role
        "export": "transactions.export_transactions",  # Send to MAS
        "enter": "transactions.enter_transactions",  # Direct entry
        "reverse": "transactions.reverse_transaction",  # a negative line for an exported one
    },
    # a bulk decision run as a job: seen and taken up again by those who may approve and reject
    "reviews.bulkdecision": {"view": "transactions.review_transaction", "review": "transactions.review_transaction"},
    # a reviewer's own saved filters of the queue: anyone who may approve and reject keeps theirs
    # (the rows are the owner's alone: SavedFilterQuerySet.narrow_for)
    "reviews.savedfilter": {
        action: "transactions.review_transaction" for action in ("view", "add", "change", "delete")
    },
    # a user's own settings of the review pages (the single-key switch): anyone who reads them
    "reviews.reviewpreferences": {"change": "transactions.view_transaction"},
    "batches.exportbatch": {
        "view": "batches.view_exportbatch",
        "reexport": "batches.reexport_batch",  # re-export or void a batch deleted in MAS
    },
    "batches.batchline": {"view": "batches.view_exportbatch"},
    # Send to MAS run as a job: seen by those who may send
    "batches.exportjob": {"view": "transactions.export_transactions"},
    "transactions.device": {"view": "transactions.view_device", "add": "transactions.add_device", "change": "transactions.change_device"},
    "transactions.processingoption": {
        "view": "transactions.view_processingoption", "change": "transactions.change_processingoption",
    },
    "syncconfig.serverconfig": {"view": "syncconfig.view_serverconfig", "change": SETTINGS},
    "syncconfig.autosynctable": {"view": SETTINGS, "change": SETTINGS},
    "syncconfig.pullrun": {"view": "syncconfig.view_pullrun", "run": "syncconfig.run_pull"},
    "audit.auditentry": {"view": "audit.view_auditentry"},
    "auth.user": {"view": "auth.view_user", "add": "auth.add_user", "change": "auth.change_user"},
    **{f"mas.{name}": {"view": f"mas.view_{name}"} for name in MIRROR_MODELS},
}


def permission_for(model, action: str) -> str:
    """The permission ``action`` on ``model`` (a model class or its label) needs."""
    label = model if isinstance(model, str) else model._meta.label_lower
    try:
        return ACTIONS[label][action]
    except KeyError:
        raise ImproperlyConfigured(f"kernel.permissions.ACTIONS has no action {action!r} on {label}.") from None


def _can(label: str, *actions: str) -> set[str]:
    return {permission_for(label, action) for action in actions}


MIRROR_VIEW = set().union(*(_can(f"mas.{name}", "view") for name in MIRROR_MODELS))

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.SUPERVISOR: {
        *_can("transactions.transaction", "view", "enter", "change", "review", "export", "reverse"),
        *_can("batches.exportbatch", "view"),
        *_can("audit.auditentry", "view"),
        *MIRROR_VIEW,
    },
    Role.ACCOUNTANT: {
        *_can("transactions.transaction", "view"),
        *_can("batches.exportbatch", "view", "reexport"),
        *_can("audit.auditentry", "view"),
    },
    Role.ADMINISTRATOR: {
        *_can("transactions.transaction", "view"),
        *_can("batches.exportbatch", "view"),
        *_can("syncconfig.serverconfig", "view", "change"),
        *_can("syncconfig.pullrun", "view", "run"),
        *_can("transactions.device", "view", "add", "change"),
        *_can("transactions.processingoption", "view", "change"),
        *_can("audit.auditentry", "view"),
        *MIRROR_VIEW,
        *_can("auth.user", "view", "add", "change"),
    },
    Role.FLOOR_DESKTOP: _can("transactions.transaction", "enter"),
}


def may(user, model, action: str) -> bool:
    """Whether ``user`` holds the permission ``action`` on ``model`` needs."""
    return user is not None and user.has_perm(permission_for(model, action))


def restrict(rows, user, action: str) -> models.QuerySet:
    """The rows (a model or a queryset) that ``user`` may ``action``: none without the action's
    permission; with it, what the queryset's own ``narrow_for(user, action)`` keeps (all, for a
    queryset without one)."""
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows.all()
    if not may(user, queryset.model, action):
        return queryset.none()
    narrow = getattr(queryset, "narrow_for", None)
    return narrow(user, action) if narrow is not None else queryset


RECOUNT_CHUNK = 900  # ids per query of the re-count (SQLite's cautious limit of parameters)


def recount(rows, user, action: str, touched, *, refused: str) -> None:
    """After a bulk write, inside its ``atomic()`` block: every touched row (of ``rows``, a model
    or a queryset) must be one ``user`` may still ``action``, their permissions read again from the
    database (taken away meanwhile, say). Raises ``PermissionDenied(refused)`` otherwise, which
    rolls the write back (a 403 in a view)."""
    from django.core.exceptions import PermissionDenied

    ids = sorted(set(touched))
    if not ids:
        return
    allowed = restrict(rows, fresh(user), action)
    found = sum(allowed.filter(pk__in=ids[i:i + RECOUNT_CHUNK]).count() for i in range(0, len(ids), RECOUNT_CHUNK))
    if found != len(ids):
        raise PermissionDenied(refused)


def fresh(user):
    """The user as the database has them now, permissions read again (a user's permissions are
    cached on the object for the request): for the re-count after a bulk write."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    if user is None or not user.is_authenticated:
        return AnonymousUser()
    return get_user_model()._default_manager.filter(pk=user.pk).first() or AnonymousUser()
