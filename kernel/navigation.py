"""The navigation bar: each role sees the pages it may use, and each role's landing page."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from kernel.permissions import permission_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str


# Each item needs the permission of its page's action (kernel.permissions.ACTIONS).
REVIEW_QUEUE = NavItem("Review queue", "reviews:dashboard", permission_for("transactions.transaction", "review"))
TIMESHEETS = NavItem("Timesheets", "reviews:timesheet", permission_for("transactions.transaction", "review"))
BATCHES = NavItem("Batches", "batches:dashboard", permission_for("batches.exportbatch", "view"))
SYNC_HEALTH = NavItem("Sync health", "syncconfig:dashboard", permission_for("syncconfig.serverconfig", "view"))
MAS_DATA = NavItem("MAS data", "mas:workorder_list", permission_for("mas.workorder", "view"))
AUDIT_TRAIL = NavItem("Audit trail", "audit:auditentry_list", permission_for("audit.auditentry", "view"))
DIRECT_ENTRY = NavItem("Direct entry", "intake:direct_entry", permission_for("transactions.transaction", "enter"))
DEVICES = NavItem("Devices", "intake:device_list", permission_for("transactions.device", "view"))
PROCESSING_OPTIONS = NavItem(
    "Processing options", "intake:processingoption_edit", permission_for("transactions.processingoption", "view")
)
USERS = NavItem("Users", "accounts:user_list", permission_for("auth.user", "view"))

# Daily work first, then settings, then look-ups.
NAV_ITEMS = (
    REVIEW_QUEUE, TIMESHEETS, DIRECT_ENTRY, BATCHES, SYNC_HEALTH, DEVICES, PROCESSING_OPTIONS, USERS, MAS_DATA, AUDIT_TRAIL,
)
# Each role's own page first: a user with several roles lands on the first one they may use
# (supervisors and administrators may also see batches, but that is not their start page).
LANDINGS = (REVIEW_QUEUE, SYNC_HEALTH, BATCHES, DIRECT_ENTRY)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.has_perm(item.permission)]


def landing_url_for(user) -> str | None:
    for item in LANDINGS:
        if user.has_perm(item.permission):
            return reverse(item.url_name)
    return None


def navigation(request) -> dict:
    """Context processor: ``nav_items`` as (item, url, active) for the base template."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    path = request.path
    entries = []
    for item in items_for(user):
        url = reverse(item.url_name)
        entries.append({"label": item.label, "url": url, "active": path.startswith(url)})
    return {"nav_items": entries}
