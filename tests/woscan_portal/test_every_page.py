"""Every page in the state a plant reaches, as every role: never a 500.

The plant (``tests/plant.py``, the ``plant`` fixture of the root conftest) is built once for
this module through the portal's services.
Then every URL pattern the portal serves (walked from the resolver, so a new one is never
missed) is visited with real object ids of each kind and state, and list pages with each
filter set to a realistic value, all filters at once, every orderable column sorted both
ways, and their CSV and XLSX exports — as each persona of the root conftest and as an
anonymous visitor. Each answer is the one the role matrix
(``test_permission_matrix.MATRIX``) gives that persona: 200, 302 or 403 (401 for the token
APIs), never a 500.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.template.context import BaseContext
from django.urls import reverse
from django.utils import timezone
from django_tables2 import Table

from audit.models import AuditEntry
from batches.models import ExportBatch
from transactions.models import Device
from mas import models as mirror
from transactions.models import Finding, Transaction, TransactionStatus, TransactionType
from syncconfig.models import AutoSyncTable, PullRun
from tests.plant import line_ids_by_status
from tests.woscan_portal.test_permission_matrix import ANONYMOUS, MATRIX, PERSONAS, PUBLIC
from tests.woscan_portal.urlwalk import named_patterns

pytestmark = pytest.mark.django_db  # every test, in a savepoint inside the plant's transaction
ROLES = (*PERSONAS, "anonymous")
PATTERNS = dict(named_patterns())
LOGIN = reverse("accounts:login")


# --- the objects each URL's arguments name ---------------------------------------------------------
@dataclass
class Target:
    kwargs: dict
    what: str
    # persona -> the answer for this object when it differs from the matrix's (a state the page refuses)
    expect: dict[str, int] = field(default_factory=dict)
    first: bool = False  # the first target of a URL: its embedded tables are sorted too
    reference_only: bool = False  # visited by the first role that may use the page only


def _lines(plant):
    """A line of each state for every role; and every line of the plant (each finding, each type)
    for the first role that may read them."""
    targets = [Target({"pk": pk}, f"line {status}") for status, pk in sorted(line_ids_by_status().items())]
    shown = {t.kwargs["pk"] for t in targets}
    targets += [Target({"pk": pk}, f"line {name}", reference_only=True)
                for name, pk in plant.lines.items() if pk not in shown]
    return targets


def _editable_lines(plant):
    targets = _lines(plant)
    exported = set(Transaction.objects.filter(status=TransactionStatus.EXPORTED).values_list("pk", flat=True))
    for target in targets:
        if target.kwargs["pk"] in exported:
            target.expect = {"supervisor": 302}  # locked: sent to the line's page with a message
    return targets


def _batches(plant):
    return [Target({"number": number}, f"batch {name}") for name, number in plant.batches.items()]


def _users(plant):
    targets = [Target({"pk": user.pk}, f"user {name}") for name, user in plant.users.items() if name != "root"]
    # Only a superuser may change a superuser.
    targets.append(Target({"pk": plant.users["root"].pk}, "the superuser", expect={"administrator": 403}))
    return targets


def _unlockable_users(plant):
    return [Target({"pk": user.pk}, f"user {name}") for name, user in plant.users.items() if name != "root"]


def _reset_links(plant):
    """A real reset link of a real user (the page is there only where e-mail is configured)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = plant.users["sue"]
    return [Target({"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user)}, "a supervisor's reset link")]


def _tables(plant):
    return [Target({"pk": pk}, f"table {name}") for pk, name in AutoSyncTable.objects.values_list("pk", "name")]


def _runs(plant):
    return [Target({"pk": pk}, f"pull {kind}") for kind, pk in plant.runs.items()]


def _mirror(pks: dict, model):
    def targets(plant):
        return [Target({"pk": pk}, f"{model.__name__} {kind}") for kind, pk in getattr(plant, pks).items()]

    return targets


def _devices(plant):
    return [Target({"pk": device.pk}, f"device {name}") for name, device in plant.devices.items()]


def _enrollable_devices(plant):
    """A new enrolment code: a revoked device is sent back to the list with a message."""
    return [Target({"pk": device.pk}, f"device {name}", expect={"administrator": 302} if device.revoked_at else {})
            for name, device in plant.devices.items()]


def _jobs(plant):
    """A bulk decision job of each state, confirmed by the plant's supervisor Sue."""
    from datetime import timedelta

    from reviews.models import BulkDecision

    sue, long_ago = plant.users["sue"], timezone.now() - timedelta(hours=1)
    jobs = {}
    for state, extra in (("finished", {"done": 2, "skipped": 1, "skipped_by_reason": {"exported": 1}}),
                         ("failed", {"error": "Stopped at the lines after #1: the database went away."}),
                         ("running", {"holder": "plant-01 pid 1 gone", "started_at": long_ago, "beat_at": long_ago}),
                         ("queued", {})):
        job = BulkDecision.objects.filter(created_by=sue, state=state).first() or BulkDecision.objects.create(
            action="approve", created_by=sue, state=state, upto_id=max(plant.lines.values()), total=3, **extra)
        jobs[state] = job.pk
    return [Target({"pk": pk}, f"bulk decision {state}") for state, pk in jobs.items()]


def _resumable_jobs(plant):
    """Only who confirmed a decision may resume it: another supervisor is refused."""
    return [Target(t.kwargs, t.what, expect={"supervisor": 403}) for t in _jobs(plant)]


def _saved_filters(plant):
    """A saved filter of the plant's supervisor Sue: hers alone, so the supervisor persona (another
    person) gets a 404, as for a filter that is not there."""
    from reviews.models import SavedFilter

    saved, _ = SavedFilter.objects.get_or_create(owner=plant.users["sue"], name="Assembly, errors first",
                                                 defaults={"query": "status=flagged&severity=error"})
    return [Target({"pk": saved.pk}, "another supervisor's saved filter", expect={"supervisor": 404})]


def _export_jobs(plant):
    """Send to MAS jobs in each state: one that made a batch, one that sent nothing, one stopped."""
    from batches.models import ExportJob

    sue, long_ago = plant.users["sue"], timezone.now() - timedelta(hours=2)
    batch = ExportBatch.objects.order_by("number").first()
    jobs = {}
    for state, extra in (("finished", {"batch": batch}), ("failed", {"error": "The approved lines changed."}),
                         ("running", {"holder": "plant-01 pid 1 gone", "started_at": long_ago}), ("queued", {})):
        job = ExportJob.objects.filter(created_by=sue, state=state).first() or ExportJob.objects.create(
            created_by=sue, state=state, fingerprint="seen", total=3, **extra)
        jobs[state] = job.pk
    return [Target({"pk": pk}, f"export job {state}") for state, pk in jobs.items()]


def _lookups(plant):
    """Each kind of suggestion the correction form asks for."""
    return [Target({"kind": kind}, f"lookup of {kind}") for kind in ("work_order", "step", "employee", "crew", "item")]


def _lookup_queries(plant):
    """What a supervisor types: the beginning of a code, part of a name, no match, a number (with
    the work order the steps are of: the other kinds leave it aside)."""
    step = mirror.WorkOrderStep.objects.order_by("pk").first()
    employee = mirror.Employee.objects.exclude(last_name="").order_by("pk").first()
    typed = ("0", employee.last_name[:4], "NO SUCH THING", "1", step.step[:2], (step.description or "x")[:3])
    return [urlencode({"q": q, "work_order": wo}) for q in typed for wo in (step.work_order, step.work_order.lstrip("0"))]


TARGETS = {
    "reviews:lookup": _lookups,
    "batches:exportjob_detail": _export_jobs,
    "batches:exportjob_status": _export_jobs,
    "reviews:bulkdecision_detail": _jobs,
    "reviews:bulkdecision_status": _jobs,
    "reviews:bulkdecision_resume": _resumable_jobs,
    "reviews:savedfilter_edit": _saved_filters,
    "reviews:savedfilter_delete": _saved_filters,
    "reviews:transaction_detail": _lines,
    "reviews:transaction_edit": _editable_lines,
    "reviews:transaction_reverse": _lines,
    "batches:exportbatch_detail": _batches,
    "batches:batchline_list": _batches,
    "batches:exportbatch_print": _batches,
    "batches:exportbatch_reexport": _batches,
    "batches:exportbatch_void": _batches,
    "importer_api:batch_detail": _batches,
    "importer_api:batch_ack": _batches,
    "accounts:user_edit": _users,
    "accounts:user_password": _users,
    "accounts:user_unlock": _unlockable_users,
    "accounts:password_reset_confirm": _reset_links,
    "syncconfig:autosynctable_edit": _tables,
    "syncconfig:pullrun_detail": _runs,
    "syncconfig:pullrun_status": _runs,
    "mas:workorder_detail": _mirror("work_orders", mirror.WorkOrder),
    "mas:item_detail": _mirror("items", mirror.Item),
    "mas:employee_detail": _mirror("employees", mirror.Employee),
    "intake:device_revoke": _devices,
    "intake:device_enrolment_code": _enrollable_devices,
}


def targets_for(name: str, plant) -> list[Target]:
    found = TARGETS[name](plant) if name in TARGETS else [Target({}, "")]
    found[0].first = True
    return found


# --- the query strings a page takes ---------------------------------------------------------------
def _sample(model, path: str):
    """A value the plant really holds in ``path`` (a field, or a lookup path) of ``model``."""
    rows = model.objects.exclude(**{f"{path}__isnull": True})
    if model._meta.get_field(path.split("__")[0]).get_internal_type() in ("CharField", "TextField", "SlugField"):
        rows = rows.exclude(**{path: ""})
    return rows.order_by("pk").values_list(path, flat=True).first()


def _model_has(model, path: str) -> bool:
    try:
        model._meta.get_field(path.split("__")[0])
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return True


# Filters whose value no model field holds: what a person would type.
TYPED = {
    ("TransactionFilterSet", "q"): lambda: Transaction.objects.order_by("pk").values_list("work_order", flat=True)[0],
    ("TransactionFilterSet", "finding"): lambda: Finding.objects.order_by("pk").values_list("code", flat=True)[0],
    ("ExportBatchFilterSet", "q"): lambda: f"{ExportBatch.objects.order_by('pk').values_list('number', flat=True)[0]:06d}",
    ("UserFilterSet", "q"): lambda: "ad",
    ("DeviceFilterSet", "q"): lambda: "Handheld",
    # PR_Employee has no work center column: a site that maps one filters by a work center's code.
    ("EmployeeFilterSet", "default_work_center"): lambda: mirror.WorkCenter.objects.order_by("pk").values_list("code", flat=True)[0],
    ("AuditEntryFilterSet", "q"): lambda: AuditEntry.objects.exclude(reason="").values_list("reason", flat=True)[0][:8],
}


def filter_values(filterset_class) -> list[tuple[str, list[str]]]:
    """(filter name, realistic values) for every filter of a list page."""
    model = filterset_class._meta.model
    filterset = filterset_class(queryset=model.objects.all())
    values = []
    for name, form_field in filterset.form.fields.items():
        flt = filterset.filters[name]
        typed = TYPED.get((filterset_class.__name__, name))
        if typed is not None:
            found = [str(typed())]
        elif isinstance(form_field, forms.ModelChoiceField):
            obj = form_field.queryset.order_by("pk").first()
            assert obj is not None, f"{filterset_class.__name__}.{name}: the plant has nothing to choose"
            found = [str(getattr(obj, form_field.to_field_name or "pk"))]
        elif isinstance(form_field, forms.ChoiceField):
            found = [str(value) for value, _label in form_field.choices if value not in ("", None)]
        elif isinstance(form_field, forms.NullBooleanField):
            found = ["true", "false"]
        elif isinstance(form_field, forms.DateField):
            today = timezone.localdate()
            found = [(today - timedelta(days=2)).isoformat(), today.isoformat()]
        elif _model_has(model, flt.field_name) and _sample(model, flt.field_name) is not None:
            found = [str(_sample(model, flt.field_name))]
            if found[0].isdigit() and found[0].startswith("0"):
                found.append(found[0].lstrip("0") or "0")  # a MAS key as a person types it
        elif name == "q" and getattr(filterset_class, "search_lookups", ()):
            path = filterset_class.search_lookups[0].split("__")[0]
            found = [str(_sample(model, path))[:4]]
        else:
            pytest.fail(f"{filterset_class.__name__}.{name}: say in TYPED what a person types into this filter")
        values.append((name, found))
    return values


def _orderable(table: Table) -> list[str]:
    return [column.name for column in table.columns if column.orderable]


def _sorts(table: Table) -> list[str]:
    key = table.prefixed_order_by_field
    return [urlencode({key: f"{sign}{name}"}) for name in _orderable(table) for sign in ("", "-")]


def list_queries(view_class) -> list[str]:
    """Each filter alone with each value, all of them at once, every sort both ways, and the exports."""
    queries = []
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is not None:
        values = filter_values(filterset_class)
        queries += [urlencode({name: value}) for name, found in values for value in found]
        queries.append(urlencode({name: found[0] for name, found in values}))
    table_class = getattr(view_class, "table_class", None)
    if table_class is not None:
        queries += _sorts(table_class([]))
    for export_format in getattr(view_class, "export_formats", ()) if table_class else ():
        queries.append(urlencode({"_export": export_format}))
        if filterset_class is not None:
            queries.append(urlencode({"status": TransactionStatus.FLAGGED, "_export": export_format, "sort": "-pk"}))
    return queries


def _direct_entry_checks(plant):
    line = Transaction.objects.get(pk=plant.lines["clean_0"])
    full = {"type": "labor", "work_order": line.work_order, "step": line.step, "employee": line.employee,
            "hours": "2.5", "start": "07:00", "stop": "09:30"}
    return [urlencode(full)] + [urlencode({"type": t}) for t in TransactionType.values]


EXTRA_QUERIES = {
    "reviews:lookup": _lookup_queries,
    "reviews:transaction_detail": lambda plant: [urlencode({"f": "status=flagged&sort=-collected_at"})],
    "reviews:transaction_edit": lambda plant: [urlencode({"f": "status=flagged"})],
    "syncconfig:discovery": lambda plant: [
        urlencode({"table": t}) for t in AutoSyncTable.objects.order_by("position").values_list("mas_table", flat=True)
    ] + [urlencode({"table": "NoSuchTable"})],
    "intake:direct_entry": lambda plant: [urlencode({"type": t}) for t in TransactionType.values],
    "intake:direct_entry_check": _direct_entry_checks,
    "reviews:savedfilter_add": lambda plant: [urlencode({"query": "status=flagged&severity=error&page=2"}),
                                              urlencode({"query": "collected_after=not-a-day"})],
    "batches:exportbatch_send": lambda plant: [
        urlencode({"pk": list(Transaction.objects.filter(status="approved").values_list("pk", flat=True))}, doseq=True),
    ],
}

# POST bodies a page is sent in real use, and what a persona allowed to use it gets.
def _bulk_bodies(plant):
    flagged = list(Transaction.objects.filter(status=TransactionStatus.FLAGGED).values_list("pk", flat=True))
    return [
        ({"pk": flagged[:3], "shown_at": timezone.now().isoformat()}, 200),  # the confirmation page
        ({"_all": "1", "_filter": "status=flagged&type=labor"}, 200),
        ({"pk": flagged[:1], "_apply": "1", "reason": "Checked on the floor"}, 302),
    ]


POST_BODIES = {
    "reviews:reviewpreferences_edit": lambda plant: [({"single_keys": "on"}, 302), ({}, 302)],
    "reviews:transaction_bulk_approve": _bulk_bodies,
    "reviews:transaction_bulk_reject": _bulk_bodies,
}


# --- what each role must get ---------------------------------------------------------------------
def expected(name: str, role: str, target: Target) -> int:
    if role in target.expect:
        return target.expect[role]
    if role == "anonymous":
        return ANONYMOUS[name] if name in PUBLIC else 302
    return MATRIX[name][1][PERSONAS.index(role)]


def _check(response, code: int, role: str, what: str) -> None:
    assert response.status_code != 500, f"500 on {what} as {role}"
    assert response.status_code == code, f"{response.status_code}, not {code}, on {what} as {role}"
    if code == 403 and response.get("Content-Type", "").startswith("text/html"):
        assert b"You may not use this page" in response.content, what
    if role == "anonymous" and code == 302 and response.url.startswith(LOGIN):
        assert response.url.startswith(f"{LOGIN}?next=")


def _embedded_tables(response) -> list[Table]:
    seen, tables = set(), []
    contexts = response.context or []
    if isinstance(contexts, BaseContext):  # a page of one template (the handheld's shell): no list
        contexts = [contexts]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, Table) and id(value) not in seen and value.prefix:
                seen.add(id(value))
                tables.append(value)
    return tables


def test_the_crawl_has_real_objects_for_every_url_with_arguments():
    with_arguments = {name for name, pattern in PATTERNS.items() if pattern.pattern.converters}
    assert with_arguments == set(TARGETS), "name the objects a new URL's arguments take in TARGETS"


def test_the_plant_raises_every_finding_the_validation_knows(plant):
    from tests.plant import finding_codes

    missing = finding_codes() - set(Finding.objects.values_list("code", flat=True))
    assert not missing, f"no line of the plant has {sorted(missing)}"
    assert len(finding_codes()) >= 20


def test_the_plant_holds_every_state(plant):
    assert set(line_ids_by_status()) == set(TransactionStatus.values)
    assert {b.status for b in ExportBatch.objects.all()} == {
        "exported", "imported", "posted", "deleted_in_mas", "reexported", "voided"
    }
    assert AutoSyncTable.objects.filter(mode="incremental", since__isnull=False).count() >= 2
    assert set(PullRun.objects.values_list("status", flat=True)) == {"succeeded", "failed"}
    assert Device.objects.filter(revoked_at__isnull=False).exists()
    assert get_user_model().objects.filter(is_active=False).exists()
    assert mirror.WorkOrder.objects.filter(active=False).exists()


def reference_role(name: str) -> str | None:
    """The first role that may use a page: it is sent every variant of the page's query string.
    Every other role gets each filter at once, each sort, the exports and the page's own
    queries (a role that may not use the page must be refused them all alike)."""
    return next((role for role in PERSONAS if MATRIX[name][1][PERSONAS.index(role)] == 200), None)


def queries_for(name: str, role: str, code: int, target: Target, view_class, plant, response) -> list[str]:
    queries = EXTRA_QUERIES.get(name, lambda plant: [])(plant)
    every = list_queries(view_class) if view_class else []
    if not target.first:
        return queries
    if code == 200 and role != reference_role(name):
        single = [q for q in every if "sort=" in q and "_export=" not in q and not q.split("=", 1)[1].startswith("-")]
        combined = [q for q in every if "&" in q and "_export=" not in q]
        return queries + combined[-1:] + single + [q for q in every if "_export=" in q]
    queries += every
    if code == 200:
        for table in _embedded_tables(response):
            queries += _sorts(table)
    return queries


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_page_answers_each_role_as_the_matrix_says(plant, client, request, name, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    method, _codes = MATRIX[name]
    view_class = getattr(PATTERNS[name].callback, "view_class", None)
    for target in targets_for(name, plant):
        if target.reference_only and role != reference_role(name):
            continue
        url = reverse(name, kwargs=target.kwargs)
        code = expected(name, role, target)
        what = f"{name} ({target.what})" if target.what else name
        if method == "post":
            _check(client.post(url), code, role, f"POST {what}")
            for body, allowed in POST_BODIES.get(name, lambda plant: [])(plant):
                _check(client.post(url, body), allowed if code == 302 and role != "anonymous" else code, role,
                       f"POST {what} {body}")
            other = client.get(url)
            assert other.status_code in (302, 401, 403, 405), f"GET {what} as {role}: {other.status_code}"
            continue
        response = client.get(url)
        _check(response, code, role, what)
        for query in queries_for(name, role, code, target, view_class, plant, response):
            answer = client.get(f"{url}?{query}")
            _check(answer, code, role, f"{what}?{query}")
            if code == 200 and "_export=" in query:
                kind = "text/csv" if "_export=csv" in query else "application/vnd.openxmlformats"
                assert answer["Content-Type"].startswith(kind), f"{what}?{query}"


def test_the_token_apis_answer_on_the_plant(plant, client):
    """The device and importer APIs with real tokens: every batch, every answer a known one."""
    device = {"HTTP_AUTHORIZATION": f"Token {plant.device_tokens['Handheld 01']}"}
    revoked = {"HTTP_AUTHORIZATION": f"Token {plant.device_tokens['Old handheld']}"}
    first = client.get(reverse("sync_api:masterdata"), **device)
    assert first.status_code == 200
    cursor = __import__("json").loads(b"".join(first.streaming_content))["cursor"]
    assert client.get(reverse("sync_api:masterdata"), {"since": cursor}, **device).status_code == 200
    assert client.get(reverse("sync_api:masterdata"), **revoked).status_code == 401
    assert client.post(reverse("sync_api:push"), '{"transactions": []}', content_type="application/json",
                       **revoked).status_code == 401
    lines = client.get(reverse("sync_api:my_lines"), **device)
    assert lines.status_code == 200
    assert client.get(reverse("sync_api:my_lines"), {"since": lines.json()["cursor"]}, **device).status_code == 200
    assert client.get(reverse("sync_api:my_lines"), **revoked).status_code == 401

    importer = {"HTTP_AUTHORIZATION": f"Token {plant.importer_tokens['live']}"}
    old = {"HTTP_AUTHORIZATION": f"Token {plant.importer_tokens['revoked']}"}
    assert client.get(reverse("importer_api:batch_list"), **importer).status_code == 200
    assert client.get(reverse("importer_api:batch_list"), **old).status_code == 401
    for name, number in plant.batches.items():
        detail = client.get(reverse("importer_api:batch_detail", kwargs={"number": number}), **importer)
        assert detail.status_code in (200, 409), (name, detail.status_code, detail.content)
        ack = client.post(reverse("importer_api:batch_ack", kwargs={"number": number}), '{"result": "imported"}',
                          content_type="application/json", **importer)
        assert ack.status_code in (200, 409), (name, ack.status_code, ack.content)
