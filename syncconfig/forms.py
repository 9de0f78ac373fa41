"""Forms of the sync settings pages (crispy-forms; the helper is built per instance)."""
from __future__ import annotations

import re
from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.utils.text import capfirst

from mas.gateway import MASError, MASGateway
from mas.tablemaps import TABLE_MAPS, mappable_fields
from syncconfig.autosync import mapping_errors
from syncconfig.models import AutoSyncTable, IntervalType, ServerConfig
from kernel.forms import SeenStateMixin

SUGGESTED_MINIMUM_MINUTES = 15
_HMS = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")


class HmsDurationField(forms.CharField):
    """A duration typed as ``hh:mm:ss`` (WOScan's Pull Sleep time)."""

    def prepare_value(self, value):
        if isinstance(value, timedelta):
            seconds = int(value.total_seconds())
            return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        return value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if value in self.empty_values:
            return None
        match = _HMS.match(value)
        if not match:
            raise forms.ValidationError("Type it as hh:mm:ss, for example 00:05:00 for five minutes.")
        hours, minutes, seconds = map(int, match.groups())
        duration = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        if duration < timedelta(seconds=10):
            raise forms.ValidationError("At least 00:00:10: handhelds would otherwise pull without pause.")
        if duration > timedelta(hours=24):
            raise forms.ValidationError("At most 24:00:00.")
        return duration


class ServerConfigForm(SeenStateMixin, forms.ModelForm):
    seen_label = "Server Configs"

    interval_option = forms.IntegerField(
        label="Interval Option (minutes)",
        min_value=1,
        max_value=1440,
        help_text=f"For Interval Type Time: pull every this many minutes (1–1440). "
        f"At least {SUGGESTED_MINIMUM_MINUTES} is suggested at first.",
    )
    time_between_syncs = forms.IntegerField(
        label="Time Between Syncs (seconds)",
        min_value=0,
        max_value=600,
        help_text="Pause between two tables of a pull, to spare MAS (5 is usual).",
    )
    pull_sleep_time = HmsDurationField(
        label="Pull Sleep time for handhelds (hh:mm:ss)",
        help_text="How long a Sync Mode handheld waits between two pulls of master data.",
    )

    class Meta:
        model = ServerConfig
        fields = ["interval_type", "interval_option", "time_between_syncs", "pull_sleep_time"]
        widgets = {"interval_type": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "server-configs"
        self.helper.add_input(Submit("save", "Save and reschedule"))
        self.add_seen_field()

    def clean(self):
        data = super().clean()
        self.check_seen()
        return data

    def clean_time_between_syncs(self):
        pause = self.cleaned_data["time_between_syncs"]
        tables = AutoSyncTable.objects.filter(enabled=True).count()
        timeout = settings.Q_CLUSTER.get("timeout", 1800)
        budget = timeout // 2  # half the task's time: the rest is for reading
        if tables > 1 and (tables - 1) * pause > budget:
            raise forms.ValidationError(
                f"With {tables} tables, {pause} s between them is {(tables - 1) * pause} s of pauses in every pull; "
                f"a pull must finish within {timeout // 60} minutes. "
                f"At most {budget // (tables - 1)} s."
            )
        return pause

    @property
    def warnings(self) -> list[str]:
        data = self.cleaned_data
        if data.get("interval_type") == IntervalType.TIME and data.get("interval_option", 60) < SUGGESTED_MINIMUM_MINUTES:
            return [
                f"Pulling every {data['interval_option']} minutes is more often than the suggested "
                f"{SUGGESTED_MINIMUM_MINUTES}: watch how long pulls take on the run history page."
            ]
        return []


def _label(model_field) -> str:
    """A mirror field's name on the mapping page: "MAS inactive", not Django's "Mas inactive"."""
    label = capfirst(model_field.verbose_name)
    return "MAS" + label[3:] if label.startswith("Mas ") else label


class AutoSyncTableForm(SeenStateMixin, forms.ModelForm):
    """The table's MAS name, mode, and one box per mirror field naming the MAS column that fills it."""

    class Meta:
        model = AutoSyncTable
        fields = ["enabled", "mas_table", "mode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        table: AutoSyncTable = self.instance
        self.key_names, self.column_names = [], []
        optional = TABLE_MAPS[table.name].optional_keys if table.name in TABLE_MAPS else ()
        for model_field in mappable_fields(table.name):
            if model_field.name in table.key_columns:
                name = f"key__{model_field.name}"
                self.fields[name] = forms.CharField(
                    label=f"{_label(model_field)} (key)", max_length=80,
                    initial=table.key_columns[model_field.name], required=model_field.name not in optional,
                    help_text=(
                        "Empty: MAS has no such column and the portal numbers each order's lines itself, "
                        "keeping a line's number while it stays on the order."
                    ) if model_field.name in optional else "",
                )
                self.key_names.append(name)
            else:
                name = f"col__{model_field.name}"
                self.fields[name] = forms.CharField(
                    label=_label(model_field), max_length=80, required=False,
                    initial=table.columns.get(model_field.name, ""), help_text="Empty: not pulled.",
                )
                self.column_names.append(name)
        self.helper = FormHelper()
        self.helper.form_id = "autosync-table"
        self.helper.layout = Layout(
            Fieldset("Table", "enabled", "mas_table", "mode"),
            Fieldset("Key columns (MAS column for each key field)", *self.key_names),
            Fieldset("Columns (MAS column for each mirror field)", *self.column_names),
            "seen",
        )
        self.helper.add_input(Submit("save", "Save"))
        self.seen_label = f"The {table.label} mapping"
        self.add_seen_field()

    def seen_state(self) -> tuple:
        table = self.instance
        return (table.enabled, table.mas_table, table.mode, table.key_columns, table.columns)

    def clean(self):
        data = super().clean()
        self.check_seen()
        if self.errors:
            return data
        keys = {n.removeprefix("key__"): data[n].strip() for n in self.key_names}
        columns = {n.removeprefix("col__"): data[n].strip() for n in self.column_names if data[n].strip()}
        self.mapping = (keys, columns)
        if not data.get("enabled"):
            # A table switched off is not pulled: it can be saved when MAS lacks it (a site without
            # that table) or cannot be reached. Its mapping is checked when it is switched on again.
            return data
        try:
            with MASGateway() as mas:
                errors = mapping_errors(self.instance.name, data["mas_table"], keys, columns, data["mode"], mas)
        except MASError as exc:
            raise forms.ValidationError(f"Could not check the mapping with MAS: {exc}") from exc
        for field, message in errors.items():
            self.add_error(field, message)
        return data

    def save(self, commit=True):
        table = super().save(commit=False)
        table.key_columns, table.columns = self.mapping
        if {"mas_table", "mode"} & set(self.changed_data) or any(n.startswith(("key__", "col__")) for n in self.changed_data):
            table.since = None  # what is read changed: the next pull reads the whole table
        if commit:
            table.save()
        return table


class PullNowForm(forms.Form):
    table = forms.ModelChoiceField(
        AutoSyncTable.objects.filter(enabled=True), required=False, empty_label="Every enabled table",
        to_field_name="name", help_text="A table switched off is not pulled: switch it on first.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "pull-now"
        self.helper.form_class = "d-flex gap-2 align-items-end"
        self.helper.add_input(Submit("pull", "Pull now"))
