"""The role groups: kept equal to the role map after every ``migrate``.

What each role may do is stated once, in ``kernel.permissions`` (``ROLE_PERMISSIONS``,
written as actions of its ``ACTIONS``); it is re-exported here for the accounts pages. The first
migration created the groups; after every ``migrate`` the groups are set to exactly that map
again, so a change there takes effect with the next deployment's ``migrate``.
"""
from __future__ import annotations

from kernel.permissions import MIRROR_VIEW, ROLE_PERMISSIONS, Role

__all__ = ["MIRROR_VIEW", "ROLE_PERMISSIONS", "Role", "apply_role_permissions", "sync_role_groups_after_migrate"]


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
