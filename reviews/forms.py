"""Forms of the review pages (crispy-forms, FormHelper built in ``__init__``)."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.urls import reverse

from reviews.filtersets import TransactionFilterSet, filter_query
from reviews.models import SavedFilter
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


class SavedFilterForm(forms.ModelForm):
    """Name the queue's current filter, or rename a saved one. The name is the owner's own: not
    empty, not longer than ``SavedFilter.NAME_LENGTH``, not one they already use (in any case).
    ``query`` (a new filter only) is the queue's querystring: kept without page, sort or export,
    and refused when the queue would not read it."""

    class Meta:
        model = SavedFilter
        fields = ("name", "query")
        widgets = {"query": forms.HiddenInput}
        labels = {"name": "Name"}
        help_texts = {"name": "e.g. My work centers, errors first"}

    def __init__(self, *args, owner, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner, self.request = owner, request
        name = self.fields["name"]
        name.required = True
        name.error_messages["required"] = "Give the filter a name."
        # Said in the form, not cut short by the browser: the message says how long it is.
        name.widget.attrs.pop("maxlength", None)
        name.validators = [v for v in name.validators if not isinstance(v, MaxLengthValidator)]
        if self.instance.pk:
            del self.fields["query"]
        else:
            self.fields["query"].required = False
        self.helper = FormHelper()
        self.helper.form_id = "saved-filter"
        self.helper.layout = Layout(*(Field(n) for n in self.fields),
                                    Submit("save", "Rename" if self.instance.pk else "Save filter"))

    def clean_name(self):
        name = " ".join((self.cleaned_data.get("name") or "").split())
        if not name:
            raise forms.ValidationError("Give the filter a name.")
        if len(name) > SavedFilter.NAME_LENGTH:
            raise forms.ValidationError(
                f"A name has at most {SavedFilter.NAME_LENGTH} characters (this one has {len(name)}).")
        taken = SavedFilter.objects.filter(owner=self.owner.pk, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(self.taken(name))
        return name

    @staticmethod
    def taken(name: str) -> str:
        return f"You already have a filter named “{name}”: choose another name."

    def clean_query(self):
        query = filter_query(QueryDict(self.cleaned_data.get("query") or ""))
        if not query:
            raise forms.ValidationError("The queue shows no filter to save: filter it first, then save.")
        if len(query) > SavedFilter.QUERY_LENGTH:
            raise forms.ValidationError(f"This filter is too long to save (over {SavedFilter.QUERY_LENGTH:,} "
                                        "characters): narrow the search text.")
        filterset = TransactionFilterSet(QueryDict(query), queryset=Transaction.objects.none(), request=self.request)
        if not filterset.form.is_valid():
            wrong = ", ".join(str(filterset.form[name].label) for name in filterset.form.errors)
            raise forms.ValidationError(f"The queue would not read this filter ({wrong}): correct it first.")
        return query

    def clean(self):
        cleaned = super().clean()
        if "query" in self._errors:  # a hidden field: its error is the form's
            for error in self._errors.pop("query"):
                self.add_error(None, error)
        return cleaned

    def _post_clean(self):
        """Fields only: the filter is saved by ``reviews.prefs``, not here."""
