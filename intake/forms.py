"""Forms of the intake pages: devices, processing options, direct entry."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from intake.parsing import DATETIME_FIELDS, DECIMAL_FIELDS, SCAN_ORDER, TEXT_FIELDS, TYPE_FIELDS
from transactions.models import PADDED_KEYS, Device, IntakeSettings, ProcessingMode, ProcessingOption, TransactionType


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["name"]
        help_texts = {"name": "How people will recognise it, e.g. 'Handheld 07 – shipping'."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProcessingOptionsForm(forms.Form):
    """One processing mode per transaction type, and the intake settings."""

    def __init__(self, *args, intake_settings: IntakeSettings, **kwargs):
        super().__init__(*args, **kwargs)
        modes = dict(ProcessingOption.objects.values_list("type", "mode"))
        for type_ in TransactionType:
            self.fields[f"mode_{type_.value}"] = forms.ChoiceField(
                label=type_.label, choices=ProcessingMode.choices,
                initial=modes.get(type_.value, ProcessingMode.REVIEW_BY_HAND),
            )
        limits = {"shift_max_hours": (Decimal("0.25"), Decimal("24")), "near_duplicate_minutes": (1, 1440)}
        for name, (low, high) in limits.items():
            self.fields[name] = IntakeSettings._meta.get_field(name).formfield(min_value=low, max_value=high)
            self.fields[name].initial = getattr(intake_settings, name)
        self.helper = FormHelper()
        self.helper.form_tag = False


LABELS = {
    "work_order": "Work order", "step": "Step", "employee": "Employee", "crew": "Crew",
    "start": "Start", "stop": "Stop", "hours": "Hours", "qty_completed": "Quantity completed",
    "step_complete": "Step complete (Y/N)", "item_code": "Item", "warehouse": "Warehouse",
    "quantity": "Quantity", "lot_serial": "Lot / serial", "qty_scrapped": "Quantity scrapped",
    "close_order": "Close order (Y/N)", "amount": "Amount", "comment": "Comment",
}
_TIME_ONLY = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class DirectEntryForm(forms.Form):
    """A line of one type, fields in scan order, every one a plain text box (a keyboard-wedge
    scanner types into it and sends Enter). Values are checked by the same reader as the API."""

    client_txn_id = forms.UUIDField(widget=forms.HiddenInput)
    collected_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, txn_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.txn_type = txn_type
        if not self.is_bound:
            self.initial.setdefault("client_txn_id", uuid.uuid4())
        required = TYPE_FIELDS[txn_type]["required"]
        for name in SCAN_ORDER[txn_type]:
            attrs = {"autocomplete": "off", "data-scan-field": name, "spellcheck": "false"}
            if name in DECIMAL_FIELDS:
                attrs["inputmode"] = "decimal"
            if name in DATETIME_FIELDS:
                attrs["placeholder"] = "HH:MM or YYYY-MM-DD HH:MM"
            if name in TEXT_FIELDS:
                attrs["maxlength"] = TEXT_FIELDS[name]
            self.fields[name] = forms.CharField(label=LABELS[name], required=False, widget=forms.TextInput(attrs))
            if name in required:
                self.fields[name].label += " *"
        self.order_fields(["client_txn_id", "collected_at", *SCAN_ORDER[txn_type]])
        self.helper = FormHelper()
        self.helper.form_tag = False

    def row(self) -> dict:
        """The line as the intake service reads it (the same shape as an API transaction)."""
        data = self.cleaned_data
        row = {"client_txn_id": str(data["client_txn_id"]), "type": self.txn_type}
        row["collected_at"] = data.get("collected_at") or timezone.localtime().isoformat()
        row.update(typed_fields(self.txn_type, data))
        return row


def typed_fields(txn_type: str, data) -> dict:
    """The type's fields as a person typed them (``data``: the form's values or the check's query),
    read the same way for the check as you type and for storing the line."""
    row = {name: typed(name, data.get(name, "")) for name in SCAN_ORDER[txn_type]}
    start, stop = data.get("start", ""), data.get("stop", "")
    if _TIME_ONLY.match(start or "") and _TIME_ONLY.match(stop or "") and row["stop"] < row["start"]:
        # A night shift typed as 22:00 to 06:00 after it ended: it started yesterday.
        row["start"] = today_at(start, days_back=1)
    return row


def typed(name: str, value: str) -> str:
    """A value as a person types it, read as the correction form reads it: "1031" is work order
    0001031, "10" step 0010 and "37" employee 0000037 (MAS keys are fixed-width); "07:30" is today."""
    if name in DATETIME_FIELDS:
        return today_at(value)
    if name in PADDED_KEYS and (value or "").strip().isdigit():
        return value.strip().zfill(PADDED_KEYS[name])
    return value


TIME_TYPED = "Type a time as HH:MM (today), or a date and time as YYYY-MM-DD HH:MM."


def field_error(name: str, message: str) -> str:
    """The reader's message for a field, in the words of this form: a start or stop is typed as
    HH:MM, so the device API's "Not an ISO 8601 date and time" is not the way to say it here."""
    return TIME_TYPED if name in DATETIME_FIELDS and "ISO 8601" in message else message


def today_at(value: str, days_back: int = 0) -> str:
    """'07:30' means today at 07:30 plant time; anything else is read as it is."""
    match = _TIME_ONLY.match(value or "")
    if not match:
        return value
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return value
    today = timezone.localdate() - timedelta(days=days_back)
    return f"{today:%Y-%m-%d}T{hour:02d}:{minute:02d}:00"
