"""Forms of the review pages (crispy-forms, FormHelper built in ``__init__``)."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.urls import reverse

from reviews.services import EDITABLE_FIELDS
from transactions.models import PADDED_KEYS, TIMED_TYPES, TYPE_FIELDS, Transaction, TransactionType

T = TransactionType
UPPER_KEYS = ("work_order", "step", "employee", "crew", "item_code", "warehouse")
# To the second: a form shown to the minute would rewrite (and audit) times nobody changed.
# field -> the kind of mirror row its combobox suggests (reviews:lookup, static/reviews/lookups.js)
LOOKUPS = {"work_order": "work_order", "step": "step", "employee": "employee", "crew": "crew", "item_code": "item"}
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S")


class TransactionEditForm(forms.ModelForm):
    """Correct one line. ``version`` is the version the page showed (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=500, label="Why (optional)",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. wrong step scanned"}))

    class Meta:
        model = Transaction
        fields = EDITABLE_FIELDS
        widgets = {"start": DATETIME, "stop": DATETIME, "comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields of the line's type (PRODUCT.md §4), the ones it must have required.
        spec = TYPE_FIELDS.get(self.instance.type, {"required": ("work_order",), "optional": EDITABLE_FIELDS})
        shown = spec["required"] + spec["optional"] + ("comment",)
        for name in list(self.fields):
            if name not in shown and name not in ("version", "reason"):
                del self.fields[name]
        for name in spec["required"]:
            self.fields[name].required = True
        for name in ("step_complete", "close_order"):
            if name in self.fields:
                self.fields[name].widget = forms.Select(choices=[("", "—"), (True, "Yes"), (False, "No")])
        for name, kind in LOOKUPS.items():
            if name in self.fields:
                # Suggestions as you type (lookups.js makes the field a combobox); without the
                # script the field takes a typed code, checked below as always.
                attrs = self.fields[name].widget.attrs
                attrs["data-lookup"] = reverse("reviews:lookup", kwargs={"kind": kind})
                if kind == "step":
                    attrs["data-lookup-work-order"] = "#id_work_order"
        self.initial.setdefault("version", self.instance.version)
        self.helper = FormHelper()
        self.helper.form_id = "transaction-edit"
        self.helper.layout = Layout(*(Field(name) for name in self.fields), Submit("save", "Save and re-check"))

    def clean_comment(self):
        # Browsers send a textarea's line breaks as CRLF; the line stores them as collected.
        return (self.cleaned_data.get("comment") or "").replace("\r\n", "\n")

    def clean(self):
        cleaned = super().clean()
        for name in UPPER_KEYS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip().upper()
        for name, width in PADDED_KEYS.items():
            if cleaned.get(name, "").isdigit():
                cleaned[name] = cleaned[name].zfill(width)
        if self.instance.type in TIMED_TYPES:
            start, stop = cleaned.get("start"), cleaned.get("stop")
            if start and stop and stop <= start:
                self.add_error("stop", "Stop must be after start.")
            elif cleaned.get("hours") is None and not (start and stop) and "hours" not in self.errors:
                self.add_error("hours", "Give the hours, or both start and stop.")
        return cleaned

    def _post_clean(self):
        """Validate the fields only: the line is saved by ``reviews.services.edit``, not here."""

    def changes(self) -> dict:
        """The edited fields and their new values."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in EDITABLE_FIELDS}


class DecisionForm(forms.Form):
    """The reason given on the confirmation page or the detail page."""

    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].error_messages["required"] = "A reason is required to reject."
