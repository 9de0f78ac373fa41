"""Review pages: the supervisor's landing page."""
from __future__ import annotations

from django.db.models import Count
from django.views.generic import TemplateView

from reviews.models import Transaction, TransactionStatus
from woscan_portal.mixins import PermissionRequiredMixin


class ReviewDashboardView(PermissionRequiredMixin, TemplateView):
    """The supervisor's landing page: how much is waiting in the review queue."""

    permission_required = "reviews.review_transaction"
    template_name = "reviews/dashboard.html"

    def get_context_data(self, **kwargs):
        counts = dict(
            Transaction.objects.visible_to(self.request.user)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        return super().get_context_data(
            status_counts=[(status, counts.get(status.value, 0)) for status in TransactionStatus], **kwargs
        )
