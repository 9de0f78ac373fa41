"""The portal's roles and what each may do (PRODUCT.md §2).

This map is the single statement of the role permissions. The first migration created the
groups; after every ``migrate`` the groups are set to exactly this map again, so a change
here takes effect with the next deployment's ``migrate``.
"""
from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SUPERVISOR = "Supervisor"
    ACCOUNTANT = "Accountant"
    ADMINISTRATOR = "Administrator"
    FLOOR_DESKTOP = "Floor desktop"  # Direct Connect desktops: enter collected lines, nothing else


MIRROR_VIEW = {
    f"mas.view_{model}"
    for model in (
        "workorder", "workorderstep", "materialline", "item", "itemwarehouse", "warehouse",
        "workcenter", "operationcode", "employee", "crew", "crewmember",
    )
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.SUPERVISOR: {
        "transactions.view_transaction",
        "transactions.enter_transactions",
        "transactions.change_transaction",
        "transactions.review_transaction",
        "transactions.export_transactions",
        "batches.view_exportbatch",
        "audit.view_auditentry",
        *MIRROR_VIEW,
    },
    Role.ACCOUNTANT: {
        "transactions.view_transaction",
        "batches.view_exportbatch",
        "batches.reexport_batch",
        "audit.view_auditentry",
    },
    Role.ADMINISTRATOR: {
        "transactions.view_transaction",
        "batches.view_exportbatch",
        "syncconfig.view_serverconfig",
        "syncconfig.change_serverconfig",
        "syncconfig.view_pullrun",
        "syncconfig.run_pull",
        "transactions.view_device",
        "transactions.add_device",
        "transactions.change_device",
        "transactions.view_processingoption",
        "transactions.change_processingoption",
        "audit.view_auditentry",
        *MIRROR_VIEW,
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    },
    Role.FLOOR_DESKTOP: {
        "transactions.enter_transactions",
    },
}


def apply_role_permissions(apps, role_permissions: dict[str, set[str]] | dict[str, list[str]]) -> None:
    """Give each role group exactly the listed permissions, creating what is missing.

    Works with a migration's historical ``apps`` and with the live registry, so the first
    migration and every later ``migrate`` (and test-database flush) leave the groups right.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = had_models
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in sorted(names):
            app_label, codename = name.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)


def sync_role_groups_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: keep the groups equal to ROLE_PERMISSIONS (also after a test flush)."""
    from django.apps import apps

    if using == "default":
        apply_role_permissions(apps, ROLE_PERMISSIONS)
