"""Intake pages: devices and processing options (administrators), direct entry (the floor)."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import FormView

from intake.devices import register_device, revoke_device
from intake.enrolment import display, handheld_url, issue_code, register_handheld
from intake.filtersets import DeviceFilterSet
from intake.models import EnrolmentCode
from intake.forms import DeviceForm, DirectEntryForm, ProcessingOptionsForm, field_error, typed_fields
from intake.services import ACCEPTED, CONFLICT, DUPLICATE, collect, preview
from intake.tables import DeviceTable
from kernel.generic import ObjectListView
from kernel.mixins import ObjectPermissionMixin
from transactions.models import Device, IntakeSettings, ProcessingOption, Transaction, TransactionType
from transactions.options import SETTINGS_FIELDS, save_processing_options


# --- devices ----------------------------------------------------------------------------------
class DeviceListView(ObjectListView):
    model = Device
    table_class = DeviceTable
    filterset_class = DeviceFilterSet
    page_title = "Devices"
    export_name = "devices"
    template_name = "intake/device_list.html"

    def get_queryset(self):
        # The newest enrolment code of each device, so the list can say that a handheld is
        # still waiting to be enrolled (and until when its code works) or that its code expired.
        newest = EnrolmentCode.objects.filter(device=OuterRef("pk")).order_by("-created_at", "-pk")
        return super().get_queryset().annotate(
            code_expires_at=Subquery(newest.values("expires_at")[:1]),
            code_used_at=Subquery(newest.values("used_at")[:1]),
        )


class DeviceCreateView(ObjectPermissionMixin, FormView):
    """Register a device; the next page shows its token, once."""

    model = Device
    action = "add"
    form_class = DeviceForm
    template_name = "intake/device_form.html"

    def form_valid(self, form):
        device, token = register_device(form.cleaned_data["name"], by=self.request.user)
        response = render(self.request, "intake/device_token.html", {"device": device, "token": token})
        response["Cache-Control"] = "no-store"
        return response


def _enrolment_page(request, device, new_code, *, registered: bool):
    """The one-time code, its QR code and its expiry; shown once (the portal keeps only a hash)."""
    import segno

    url = handheld_url(request.build_absolute_uri("/"), new_code.code)
    qr = segno.make(url, error="m").svg_inline(
        scale=6, border=4, title=f"Enrolment code of {device.name}", svgclass="enrol-qr", lineclass=None,
        dark="#000", light="#fff",
    )
    context = {
        "device": device, "code": display(new_code.code), "expires_at": new_code.expires_at, "url": url,
        "qr_svg": mark_safe(qr), "registered": registered,  # noqa: S308 - segno's SVG: no text of ours but escaped
    }
    response = render(request, "intake/device_enrolment.html", context)
    response["Cache-Control"] = "no-store"
    return response


class HandheldCreateView(ObjectPermissionMixin, FormView):
    """Register a handheld; the next page shows its one-time enrolment code and QR code, once."""

    model = Device
    action = "add"
    form_class = DeviceForm
    template_name = "intake/handheld_form.html"

    def form_valid(self, form):
        device, new_code = register_handheld(form.cleaned_data["name"], by=self.request.user)
        return _enrolment_page(self.request, device, new_code, registered=True)


class DeviceEnrolmentCodeView(ObjectPermissionMixin, View):
    """A new enrolment code for a registered device (re-enrol: the handheld that uses it gets a new
    token, and one enrolled before stops at its next sync)."""

    model = Device
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        device = self.get_row(pk=pk)
        if not device.is_active:
            messages.error(request, f"{device.name} is revoked: register a new handheld instead.")
            return HttpResponseRedirect(reverse("intake:device_list"))
        return _enrolment_page(request, device, issue_code(device, by=request.user), registered=False)


class DeviceRevokeView(ObjectPermissionMixin, View):
    model = Device
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        device = self.get_row(pk=pk)
        if revoke_device(device, by=request.user):
            messages.success(request, f"{device.name} is revoked: its token no longer works.")
        else:
            messages.info(request, f"{device.name} was already revoked.")
        return HttpResponseRedirect(reverse("intake:device_list"))


# --- processing options --------------------------------------------------------------------------
class ProcessingOptionsView(ObjectPermissionMixin, FormView):
    """What happens to a newly collected line of each type, and the validation settings."""

    model = ProcessingOption
    method_actions = {"post": "change"}
    form_class = ProcessingOptionsForm
    template_name = "intake/processing_options.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "intake_settings": IntakeSettings.load()}

    def form_valid(self, form):
        data = form.cleaned_data
        modes = {type_.value: data[f"mode_{type_.value}"] for type_ in TransactionType}
        save_processing_options(modes, {name: data[name] for name in SETTINGS_FIELDS}, by=self.request.user)
        messages.success(self.request, "Processing options saved; they apply to the next line collected.")
        return HttpResponseRedirect(reverse("intake:processingoption_edit"))


# --- direct entry ---------------------------------------------------------------------------------
def _entry_type(request) -> str:
    txn_type = request.GET.get("type") or TransactionType.LABOR
    if txn_type not in TransactionType.values:
        raise Http404("Unknown transaction type.")
    return txn_type


class DirectEntryView(ObjectPermissionMixin, View):
    """A fast form per type for Direct Connect desktops; stores through the API's own path."""

    model = Transaction
    action = "enter"
    template_name = "intake/direct_entry.html"

    def get(self, request):
        txn_type = _entry_type(request)
        return self._render(DirectEntryForm(txn_type=txn_type), txn_type)

    def post(self, request):
        txn_type = _entry_type(request)
        form = DirectEntryForm(request.POST, txn_type=txn_type)
        if not form.is_valid():
            return self._render(form, txn_type, status=400)
        result = collect([form.row()], user=request.user)[0]
        if result.status in (ACCEPTED, DUPLICATE):
            txn = result.transaction
            if txn is not None:
                findings = " ".join(f.message for f in txn.findings.all()) if txn.pk else ""
                text = f"Stored {txn.get_type_display().lower()} line #{txn.pk}: {txn.get_status_display().lower()}."
                messages.success(request, f"{text} {findings}".strip())
            else:
                messages.info(request, f"Line #{result.id} was stored already.")
            return HttpResponseRedirect(f"{reverse('intake:direct_entry')}?type={txn_type}")
        if result.status == CONFLICT:
            # This form was sent before with other values (Back, then changed and sent again):
            # the stored line stays as it was; a fresh id lets these values be stored as a new line.
            data = request.POST.copy()
            data["client_txn_id"], data["collected_at"] = str(uuid.uuid4()), ""
            form = DirectEntryForm(data, txn_type=txn_type)
            form.is_valid()
            form.add_error(None, (
                f"This form was already stored as line #{result.id}, with other values; nothing was changed. "
                "Check that line in the review queue, or send these values again to store them as a new line."
            ))
            return self._render(form, txn_type, status=409)
        for name, message in result.errors.items():
            form.add_error(name if name in form.fields else None, field_error(name, message))
        return self._render(form, txn_type, status=400)

    def _render(self, form, txn_type, status=200):
        context = {
            "form": form,
            "txn_type": txn_type,
            "types": TransactionType.choices,
            "page_title": "Direct entry",
        }
        return render(self.request, self.template_name, context, status=status)


class DirectEntryCheckView(ObjectPermissionMixin, View):
    """As you type: shape errors so far and the mirror's findings, as JSON."""

    model = Transaction
    action = "enter"

    def get(self, request):
        txn_type = _entry_type(request)
        row = {"type": txn_type, "client_txn_id": request.GET.get("client_txn_id", "")}
        row.update(typed_fields(txn_type, request.GET))
        answer = preview(row, user=request.user)
        answer["errors"] = {name: field_error(name, message) for name, message in answer["errors"].items()}
        return JsonResponse(answer)
