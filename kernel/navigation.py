"""The navigation bar: each role sees the pages it may use, and each role's landing page."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str


REVIEW_QUEUE = NavItem("Review queue", "reviews:dashboard", "transactions.review_transaction")
BATCHES = NavItem("Batches", "batches:dashboard", "batches.view_exportbatch")
SYNC_HEALTH = NavItem("Sync health", "syncconfig:dashboard", "syncconfig.view_serverconfig")
MAS_DATA = NavItem("MAS data", "mas:workorder_list", "mas.view_workorder")
AUDIT_TRAIL = NavItem("Audit trail", "audit:auditentry_list", "audit.view_auditentry")
DIRECT_ENTRY = NavItem("Direct entry", "intake:direct_entry", "transactions.enter_transactions")
DEVICES = NavItem("Devices", "intake:device_list", "transactions.view_device")
PROCESSING_OPTIONS = NavItem("Processing options", "intake:processingoption_edit", "transactions.view_processingoption")
USERS = NavItem("Users", "accounts:user_list", "auth.view_user")

# Daily work first, then settings, then look-ups.
NAV_ITEMS = (
    REVIEW_QUEUE, DIRECT_ENTRY, BATCHES, SYNC_HEALTH, DEVICES, PROCESSING_OPTIONS, USERS, MAS_DATA, AUDIT_TRAIL,
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
