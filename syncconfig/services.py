"""State changes of the sync settings: each one saves, audits and takes effect at once."""
from __future__ import annotations

from django.db import transaction
from django.forms import ModelForm

from audit.actions import AuditAction
from audit.log import record
from syncconfig.models import AutoSyncTable, PullRun, PullTrigger, ServerConfig
from syncconfig.pull_lock import request_pull
from syncconfig.schedules import reschedule_pull


def _diff(form: ModelForm, before: dict) -> dict[str, list]:
    after = {name: getattr(form.instance, name) for name in before}
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def save_server_config(form: ModelForm, *, by) -> ServerConfig:
    """Save Server Configs and reschedule the pull now (no restart)."""
    config: ServerConfig = form.instance
    before = {name: getattr(ServerConfig.objects.get(pk=config.pk), name) for name in form.Meta.fields}
    with transaction.atomic():
        config = form.save(commit=False)
        config.updated_by = by
        config.save()
        # The next pull moves only when the interval does: saving the pull sleep time or the pause
        # between tables must not push the pull back by a whole interval each time.
        reschedule_pull(config, keep_next_run=True)
        if changes := _diff(form, before):  # a save that changed nothing leaves no audit row
            record([config], AuditAction.CHANGED, by=by, changes=changes)
    return config


def save_autosync_table(form: ModelForm, *, by) -> AutoSyncTable:
    table: AutoSyncTable = form.instance
    fields = ["enabled", "mas_table", "mode", "key_columns", "columns"]
    before = {name: getattr(AutoSyncTable.objects.get(pk=table.pk), name) for name in fields}
    with transaction.atomic():
        table = form.save(commit=False)
        table.updated_by = by
        table.save()
        after = {name: getattr(table, name) for name in fields}
        changes = {}
        for name in fields:
            if isinstance(before[name], dict):  # one entry per mapped field: "columns.description"
                for field in sorted(set(before[name]) | set(after[name])):
                    old, new = before[name].get(field), after[name].get(field)
                    if old != new:
                        changes[f"{name}.{field}"] = [old, new]
            elif before[name] != after[name]:
                changes[name] = [before[name], after[name]]
        if changes:
            record([table], AuditAction.CHANGED, by=by, changes=changes)
    return table


def start_pull(*, by, table: AutoSyncTable | None = None) -> PullRun:
    """Pull now: claim a run and queue it (raises PullAlreadyRunning if one holds the claim)."""
    with transaction.atomic():
        run = request_pull(trigger=PullTrigger.MANUAL, by=by, table=table)
        record([run], AuditAction.PULL_REQUESTED, by=by, changes={"table": [None, table.name if table else "all"]})
    return run
