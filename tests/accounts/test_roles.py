"""The role groups carry exactly the permissions the one map states (``kernel.permissions``,
re-exported by ``accounts.roles``), the README's table says the same, and nothing else names one."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import MIRROR_VIEW, ROLE_PERMISSIONS, Role
from kernel.permissions import ACTIONS

pytestmark = pytest.mark.django_db


def _perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_group_has_exactly_its_permissions(role):
    assert _perms(Group.objects.get(name=role)) == ROLE_PERMISSIONS[role]


def test_an_accountant_is_read_only_on_transactions(accountant):
    assert accountant.has_perm("transactions.view_transaction")
    assert not accountant.has_perm("transactions.change_transaction")
    assert not accountant.has_perm("transactions.review_transaction")


# --- the one map: what every check reads ------------------------------------------------------------
README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_role_table() -> dict[str, set[str]]:
    """The README's "Who may do what" table: role -> permissions (``mas.view_*``: every mirror table)."""
    text = README.read_text("utf-8")
    section = text.split("\n## Who may do what\n", 1)[1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("role", "---"):
            continue
        names = set(re.findall(r"`([a-z_]+\.[a-z_*]+)`", cells[1]))
        if "mas.view_*" in names:
            names = (names - {"mas.view_*"}) | MIRROR_VIEW
        table[cells[0]] = names
    return table


def test_the_readme_role_table_states_the_map():
    assert _readme_role_table() == {str(role): perms for role, perms in ROLE_PERMISSIONS.items()}


def test_every_model_and_permission_the_action_map_names_exists():
    from django.apps import apps

    for label, actions in ACTIONS.items():
        apps.get_model(label)  # LookupError for a model that is not there (moved, renamed)
        for action, name in actions.items():
            app_label, codename = name.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), (
                f"{label} {action}: no permission {name}"
            )


def test_every_permission_a_role_holds_is_one_an_action_needs():
    needed = {name for actions in ACTIONS.values() for name in actions.values()}
    for role, perms in ROLE_PERMISSIONS.items():
        assert perms <= needed, f"{role} holds {sorted(perms - needed)}, which no page or service checks"
    held = set().union(*ROLE_PERMISSIONS.values())
    assert needed - held == {"transactions.approve_over_error"}  # granted per person, never by a role


def test_the_templates_check_only_permissions_of_the_map():
    needed = {name for actions in ACTIONS.values() for name in actions.values()}
    templates = Path(__file__).resolve().parents[2] / "templates"
    used = {f"{app}.{codename}" for path in templates.rglob("*.html")
            for app, codename in re.findall(r"\bperms\.([a-z_]+)\.([a-z_]+)", path.read_text("utf-8"))}
    assert used and used <= needed, sorted(used - needed)


def test_no_view_module_names_a_permission_itself():
    """Views declare their model and action; the permission comes from the map (the mixin)."""
    root = Path(__file__).resolve().parents[2]
    apps_with_views = sorted(root.glob("*/views.py"))
    assert len(apps_with_views) >= 7
    pattern = re.compile(r"permission_required|has_perms?\(|[\"'](?:%s)\.[a-z_]+[\"']" % "|".join(
        sorted({name.split(".")[0] for actions in ACTIONS.values() for name in actions.values()})
    ))
    offenders = [f"{path.relative_to(root)}:{n}" for path in apps_with_views
                 for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if pattern.search(line)]
    assert not offenders, offenders
