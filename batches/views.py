"""Batch pages: the accountant's landing page."""
from __future__ import annotations

from django.db.models import Count
from django.views.generic import TemplateView

from batches.models import BatchStatus, ExportBatch
from woscan_portal.mixins import PermissionRequiredMixin


class BatchDashboardView(PermissionRequiredMixin, TemplateView):
    """The accountant's landing page: batches by status and the latest ones."""

    permission_required = "batches.view_exportbatch"
    template_name = "batches/dashboard.html"

    def get_context_data(self, **kwargs):
        counts = dict(ExportBatch.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        return super().get_context_data(
            status_counts=[(status, counts.get(status.value, 0)) for status in BatchStatus],
            recent=ExportBatch.objects.select_related("created_by")[:10],
            **kwargs,
        )
