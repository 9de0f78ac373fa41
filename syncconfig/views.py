"""Sync settings pages: sync health, Server Configs, Auto-sync Tables, discovery, Pull now, run history."""
from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView, UpdateView
from django_q.models import Schedule

from mas.gateway import MASError, MASGateway
from syncconfig.autosync import ensure_default_tables
from syncconfig.filtersets import AutoSyncTableFilterSet, PullRunFilterSet
from syncconfig.forms import AutoSyncTableForm, PullNowForm, ServerConfigForm
from syncconfig.health import sync_health
from syncconfig.models import AutoSyncTable, PullRun, ServerConfig
from syncconfig.pull_lock import PullAlreadyRunning, current_run
from syncconfig.schedules import PULL
from syncconfig.services import save_autosync_table, save_server_config, start_pull
from syncconfig.tables import AutoSyncTableTable, PullRunTable, PullTableRunTable
from kernel.generic import ObjectListView
from kernel.mixins import ObjectPermissionMixin


def _next_pull_at():
    return Schedule.objects.filter(name=PULL).values_list("next_run", flat=True).first()


class SyncDashboardView(ObjectPermissionMixin, TemplateView):
    """The administrator's landing page: sync health at a glance."""

    model = ServerConfig
    template_name = "syncconfig/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            health=sync_health(PULL), config=ServerConfig.load(), pull_form=PullNowForm(),
            running=current_run(), **kwargs
        )


class PullNowFormMixin:
    """Pages that carry the Pull now button."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(pull_form=PullNowForm(), **kwargs)


class ServerConfigEditView(PullNowFormMixin, ObjectPermissionMixin, UpdateView):
    model = ServerConfig
    action = "change"
    form_class = ServerConfigForm
    template_name = "syncconfig/serverconfig_edit.html"

    def get_object(self, queryset=None):
        return ServerConfig.load()

    def form_valid(self, form):
        save_server_config(form, by=self.request.user)
        next_run = _next_pull_at()
        messages.success(
            self.request,
            f"Server Configs saved. The pull is rescheduled; next pull {timezone.localtime(next_run):%Y-%m-%d %H:%M}.",
        )
        for warning in form.warnings:
            messages.warning(self.request, warning)
        return redirect("syncconfig:serverconfig_edit")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next_pull_at=_next_pull_at(), **kwargs)


class AutoSyncTableListView(PullNowFormMixin, ObjectListView):
    model = AutoSyncTable
    table_class = AutoSyncTableTable
    filterset_class = AutoSyncTableFilterSet
    template_name = "syncconfig/autosynctable_list.html"
    page_title = "Auto-sync Tables"
    export_name = "autosync-tables"

    def get_queryset(self):
        ensure_default_tables()
        return super().get_queryset()


class AutoSyncTableEditView(ObjectPermissionMixin, UpdateView):
    model = AutoSyncTable
    action = "change"
    form_class = AutoSyncTableForm
    template_name = "syncconfig/autosynctable_edit.html"

    def form_valid(self, form):
        table = save_autosync_table(form, by=self.request.user)
        messages.success(self.request, f"{table.label}: mapping saved; the next pull uses it.")
        return redirect("syncconfig:autosynctable_list")


class DiscoveryView(ObjectPermissionMixin, TemplateView):
    """The tables and columns the MAS connection sees, to fix a mapping without a developer."""

    model = ServerConfig
    action = "change"
    template_name = "syncconfig/discovery.html"

    def get_context_data(self, **kwargs):
        table = self.request.GET.get("table", "")
        context = {"selected": table, "tables": [], "columns": [], "error": ""}
        try:
            with MASGateway() as mas:
                context["tables"] = mas.tables()
                if table:
                    if table not in context["tables"]:
                        context["error"] = f"MAS has no table {table!r}."
                    else:
                        context["columns"] = mas.columns(table)
        except MASError as exc:
            context["error"] = str(exc)
        mapped = {t.mas_table: t for t in self.rows("view", model=AutoSyncTable)}
        context["mapped"] = mapped
        context["mapped_table"] = mapped.get(table)
        return super().get_context_data(**context, **kwargs)


class PullNowView(ObjectPermissionMixin, View):
    """Pull now (every enabled table or one): queued for the cluster; the run page shows it live."""

    model = PullRun
    action = "run"
    http_method_names = ["post"]

    def post(self, request):
        form = PullNowForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a table from the list, or every enabled table.")
            return redirect("syncconfig:dashboard")
        try:
            run = start_pull(by=request.user, table=form.cleaned_data["table"])
        except PullAlreadyRunning as exc:
            messages.warning(request, str(exc))
            return redirect(exc.run or "syncconfig:pullrun_list")
        messages.info(request, f"Pull {run.pk} started.")
        return redirect(run)


class PullRunListView(PullNowFormMixin, ObjectListView):
    model = PullRun
    table_class = PullRunTable
    filterset_class = PullRunFilterSet
    page_title = "Pull runs"
    export_name = "pull-runs"
    template_name = "syncconfig/pullrun_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("requested_by")


class PullRunDetailView(PullNowFormMixin, ObjectPermissionMixin, DetailView):
    model = PullRun
    template_name = "syncconfig/pullrun_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return super().get_queryset().select_related("requested_by")

    def get_context_data(self, **kwargs):
        table = PullTableRunTable(self.object.tables.all())
        if not self.object.is_finished:  # no filter here: the tables simply have not been pulled yet
            table.empty_text = "No table pulled yet: each shows here once it is done (reload the page)."
        return super().get_context_data(tables_table=table, **kwargs)


class PullRunStatusView(ObjectPermissionMixin, View):
    """The run's status and per-table counts as JSON, polled by the run page while it runs."""

    model = PullRun

    def get(self, request, pk):
        run = self.get_row(pk=pk)
        return JsonResponse({
            "id": run.pk,
            "status": run.status,
            "status_display": run.get_status_display(),
            "finished": run.is_finished,
            "error": run.error,
            "follow_ups": {
                "recheck": {"status": run.recheck_status, "lines": run.recheck_lines,
                            "changed": run.recheck_changed, "error": run.recheck_error},
                "reconcile": {"status": run.reconcile_status, "batches": run.reconcile_batches,
                              "discrepancies": run.reconcile_discrepancies, "error": run.reconcile_error},
            },
            "tables": [
                {
                    "name": t.name, "status": t.status, "read": t.read, "inserted": t.inserted,
                    "updated": t.updated, "deactivated": t.deactivated, "unchanged": t.unchanged, "error": t.error,
                }
                for t in run.tables.all()
            ],
        })
