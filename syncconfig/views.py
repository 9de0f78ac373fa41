"""Sync settings pages: the administrator's landing page."""
from __future__ import annotations

from django.views.generic import TemplateView

from syncconfig.health import sync_health
from syncconfig.models import ServerConfig
from woscan_portal.mixins import PermissionRequiredMixin


class SyncDashboardView(PermissionRequiredMixin, TemplateView):
    """The administrator's landing page: sync health at a glance."""

    permission_required = "syncconfig.view_serverconfig"
    template_name = "syncconfig/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(health=sync_health(), config=ServerConfig.load(), **kwargs)
