"""Batch pages: the accountant's dashboard, list, detail, lines, printable page and actions,
and the supervisor's "Send to MAS". Views parse input, check permission (the mixin), call one
service, message and redirect."""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, TemplateView, View
from django_tables2 import LazyPaginator

from audit.log import history
from batches import jobs, services, writer
from batches.filtersets import BatchLineFilterSet, ExportBatchFilterSet
from batches.forms import ReasonForm
from batches.models import BatchLine, BatchStatus, ExportBatch, ExportJob
from batches.tables import BatchLineTable, ExportBatchTable
from kernel.generic import ObjectListView
from kernel.mixins import ObjectPermissionMixin
from kernel.paging import ListParametersMixin, ListRequestConfig
from transactions.models import Transaction, TransactionType

SEND_PREVIEW_LINES = 200
HOURS, QUANTITY = Decimal("0.001"), Decimal("0.0001")


class BatchDashboardView(ObjectPermissionMixin, TemplateView):
    """The accountant's landing page: batches by status and the latest ones."""

    model = ExportBatch
    template_name = "batches/dashboard.html"

    def get_context_data(self, **kwargs):
        batches = self.rows()
        counts = dict(batches.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        return super().get_context_data(
            status_counts=[(status, counts.get(status.value, 0)) for status in BatchStatus],
            recent=batches.select_related("created_by")[:10],
            **kwargs,
        )


class ExportBatchListView(ObjectListView):
    model = ExportBatch
    table_class = ExportBatchTable
    filterset_class = ExportBatchFilterSet
    page_title = "All export batches"
    export_name = "batches"

    def get_queryset(self):
        return super().get_queryset().select_related("created_by")


class BatchMixin:
    """Finds the batch of the URL among those the user may ``action`` (see ``ObjectPermissionMixin``)."""

    def get_batch(self) -> ExportBatch:
        if not hasattr(self, "_batch"):
            self._batch = get_object_or_404(
                self.rows(model=ExportBatch).select_related("created_by", "replaces"), number=self.kwargs["number"],
            )
        return self._batch


def totals_by_type(batch: ExportBatch) -> list[dict]:
    rows = (
        BatchLine.objects.filter(batch=batch).values("type")
        .annotate(lines=Count("id"), hours=Sum("hours"), quantity=Sum("quantity")).order_by("type")
    )
    labels = dict(TransactionType.choices)
    return [
        {"type": labels.get(r["type"], r["type"]), "lines": r["lines"],
         "hours": Decimal(r["hours"] or 0).quantize(HOURS), "quantity": Decimal(r["quantity"] or 0).quantize(QUANTITY)}
        for r in rows
    ]


class ExportBatchDetailView(ObjectPermissionMixin, ListParametersMixin, BatchMixin, DetailView):
    model = ExportBatch
    template_name = "batches/exportbatch_detail.html"
    context_object_name = "batch"

    def get_object(self, queryset=None):
        return self.get_batch()

    def get_context_data(self, **kwargs):
        batch = self.object
        table = BatchLineTable(
            BatchLine.objects.filter(batch=batch).select_related("transaction"), prefix="lines-"
        )
        ListRequestConfig(self.request, paginate={"per_page": 50, "paginator_class": LazyPaginator}).configure(table)
        replaced_by = ExportBatch.objects.filter(replaces=batch).first()
        return super().get_context_data(
            page_title=str(batch),
            totals=totals_by_type(batch),
            lines_table=table,
            history=history(batch)[:50],
            replaced_by=replaced_by,
            can_act=batch.status == BatchStatus.DELETED_IN_MAS and self.may("reexport"),
            file_problem=_file_problem(batch),
            **kwargs,
        )


def _file_problem(batch: ExportBatch) -> str | None:
    """What is wrong with the files of a batch waiting for WOScan Sync, for its page."""
    if batch.status != BatchStatus.EXPORTED:
        return None
    try:
        return writer.file_problem(batch)
    except OSError as exc:
        return writer.unreadable(exc)


class BatchLineListView(BatchMixin, ObjectListView):
    """A batch's lines as a list, with CSV/XLSX export."""

    model = BatchLine
    table_class = BatchLineTable
    filterset_class = BatchLineFilterSet

    @property
    def page_title(self):
        return f"Lines of {self.get_batch()}"

    @property
    def export_name(self):
        return f"{self.get_batch().file_stem}-lines"

    def get_queryset(self):
        return super().get_queryset().filter(batch=self.get_batch()).select_related("transaction")


class ExportBatchPrintView(ObjectPermissionMixin, BatchMixin, DetailView):
    """A printable page: the batch, its totals by type and every line."""

    model = ExportBatch
    template_name = "batches/exportbatch_print.html"
    context_object_name = "batch"

    def get_object(self, queryset=None):
        return self.get_batch()

    def get_context_data(self, **kwargs):
        lines = (
            BatchLine.objects.filter(batch=self.object).order_by("line_no")
            .values_list("line_no", "transaction_id", "type", "transaction__work_order", "transaction__step",
                         "transaction__employee", "transaction__item_code", "hours", "quantity")
        )
        return super().get_context_data(totals=totals_by_type(self.object), lines=lines.iterator(chunk_size=2000), **kwargs)


class BatchActionView(ObjectPermissionMixin, BatchMixin, FormView):
    """Re-export or void a batch deleted in MAS, with a reason."""

    model = ExportBatch
    action = "reexport"
    template_name = "batches/exportbatch_action.html"
    form_class = ReasonForm
    action_label = ""
    explanation = ""

    def get_context_data(self, **kwargs):
        batch = self.get_batch()
        return super().get_context_data(
            batch=batch, page_title=f"{self.action_label} {batch}", action_label=self.action_label,
            explanation=self.explanation, allowed=batch.status == BatchStatus.DELETED_IN_MAS, **kwargs,
        )

    def form_valid(self, form):
        batch = self.get_batch()
        try:
            result = self.apply(batch, form.cleaned_data["reason"])
        except (services.BatchStateError, services.ExportFolderError) as exc:
            messages.error(self.request, str(exc))
            return redirect("batches:exportbatch_detail", number=batch.number)
        return HttpResponseRedirect(reverse("batches:exportbatch_detail", kwargs={"number": result.number}))


class ExportBatchReexportView(BatchActionView):
    action_label = "Re-export"
    explanation = (
        "A new batch with a new number and the same lines is written for WOScan Sync. "
        "This batch is kept for the record, marked re-exported."
    )

    def apply(self, batch, reason):
        new = services.reexport(batch.pk, by=self.request.user, reason=reason)
        messages.success(self.request, f"{batch} re-exported as {new} ({new.lines} lines, {new.get_status_display().lower()}).")
        return new


class ExportBatchVoidView(BatchActionView):
    action_label = "Void"
    explanation = (
        "The batch is kept for the record, marked voided, and is not sent again. Its lines go back "
        "to the review queue (needs review) for a supervisor to approve again or reject."
    )

    def apply(self, batch, reason):
        batch = services.void(batch.pk, by=self.request.user, reason=reason)
        messages.success(self.request, f"{batch} voided; its {batch.lines} lines are back in the review queue.")
        return batch


class ExportBatchSendView(ObjectPermissionMixin, TemplateView):
    """Send to MAS: confirm the approved lines and their totals by type, then export them as one batch.

    ``?pk=…&pk=…`` limits it to some approved lines (e.g. picked in the review queue).
    """

    model = Transaction
    action = "export"
    template_name = "batches/exportbatch_send.html"

    def _ids(self, data):
        raw = data.getlist("pk")
        ids = [int(v) for v in raw if str(v).isdigit()]
        return ids if raw else None

    def get_context_data(self, **kwargs):
        ids = kwargs.pop("ids", self._ids(self.request.GET))
        selection = services.select(ids)
        labels = dict(TransactionType.choices)
        preview = dict(
            services.approved_lines([r[0] for r in selection.rows[:SEND_PREVIEW_LINES]])
            .in_bulk()
        ) if selection.rows else {}
        return super().get_context_data(
            page_title="Send to MAS",
            selection=selection,
            ids=ids or [],
            by_type=[
                {"type": labels.get(t, t), "lines": v["lines"], "hours": v["hours"].quantize(HOURS),
                 "quantity": v["quantity"].quantize(QUANTITY)}
                for t, v in sorted(selection.by_type.items())
            ],
            preview=[preview[r[0]] for r in selection.rows[:SEND_PREVIEW_LINES] if r[0] in preview],
            more=max(selection.count - SEND_PREVIEW_LINES, 0),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        ids = self._ids(request.POST)
        total = jobs.too_many_for_a_request(ids)
        if total:
            job = jobs.start(ids, by=request.user, fingerprint=request.POST.get("fingerprint", ""), total=total)
            messages.info(request, f"{total:,} lines are sent to MAS in the background: this page shows the batch "
                                   "once it is made.")
            return redirect("batches:exportjob_detail", pk=job.pk)
        try:
            outcome = services.export_transactions(ids, by=request.user, confirmed=request.POST.get("fingerprint", ""))
        except services.ExportFolderError as exc:
            messages.error(request, str(exc))
            send = reverse("batches:exportbatch_send")
            return HttpResponseRedirect(f"{send}?{urlencode({'pk': ids}, doseq=True)}" if ids else send)
        if outcome.changed:
            messages.warning(request, "The approved lines changed since you looked: check the new totals and send again.")
            return self.render_to_response(self.get_context_data(ids=ids))
        if outcome.batch is None:
            messages.info(request, "No approved line is waiting to be sent.")
            return redirect("batches:dashboard")
        batch = outcome.batch
        if outcome.written:
            messages.success(request, f"{batch} sent to MAS: {batch.lines} lines written for WOScan Sync.")
        else:
            messages.warning(
                request,
                f"{batch} holds its {batch.lines} lines, but its files could not be written yet; "
                "the next export run writes them.",
            )
        return redirect("batches:exportbatch_detail", number=batch.number)


class ExportJobDetailView(ObjectPermissionMixin, DetailView):
    """Send to MAS run as a job: queued, running, the batch it made or why nothing was sent (the
    page polls ``ExportJobStatusView`` until it has finished)."""

    model = ExportJob
    template_name = "batches/exportjob_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return super().get_queryset().select_related("created_by", "batch")

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=str(self.object), progress=jobs.progress(self.object), **kwargs)


class ExportJobStatusView(ObjectPermissionMixin, View):
    """The job's state as JSON, polled by its page."""

    model = ExportJob

    def get(self, request, pk):
        return JsonResponse(jobs.progress(self.get_row(pk=pk)))
