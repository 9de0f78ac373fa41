"""The filterable audit list: every change, who, when, what and why."""
from __future__ import annotations

from audit.filtersets import AuditEntryFilterSet
from audit.models import AuditEntry
from audit.tables import AuditEntryTable
from kernel.generic import ObjectListView


class AuditEntryListView(ObjectListView):
    permission_required = "audit.view_auditentry"
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilterSet
    page_title = "Audit trail"
    export_name = "audit"

    def get_queryset(self):
        return AuditEntry.objects.select_related("actor", "content_type")
