"""Every URL × every persona: anonymous users are sent to sign in, each role gets exactly
its pages, and a page a role may not use answers 403.

The matrix must name every URL the portal serves; a new URL without a row fails here.
A URL with arguments names a fixture in ``URL_KWARGS`` that makes an object and returns
the keyword arguments for ``reverse``.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.woscan_portal.urlwalk import named_patterns

PERSONAS = ("supervisor", "accountant", "administrator", "outsider", "floor_desktop")
OK, FORBIDDEN = 200, 403

# url name -> (method, expected status for each persona in PERSONAS order)
MATRIX: dict[str, tuple[str, tuple[int, ...]]] = {
    "reviews:dashboard": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "batches:dashboard": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:dashboard": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "home": ("get", (302, 302, 302, OK, 302)),
    "accounts:login": ("get", (302, 302, 302, 302, 302)),
    "accounts:logout": ("post", (302, 302, 302, 302, 302)),
    "healthz": ("get", (OK, OK, OK, OK, OK)),
    "reviews:transaction_list": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "reviews:transaction_detail": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "reviews:transaction_edit": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:transaction_bulk_approve": ("post", (302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:transaction_bulk_reject": ("post", (302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    # issue 13: a bulk decision run as a job (its page, its progress, Resume: its creator, a supervisor)
    "reviews:bulkdecision_detail": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:bulkdecision_status": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:bulkdecision_resume": ("post", (302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:transaction_reverse": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    # issue 14: the timesheet (supervisors: the review action)
    "reviews:timesheet": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:timesheet_approve": ("post", (302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:timesheet_reject": ("post", (302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    # issue 14: a reviewer's own saved filters (who may review), and the single-key switch (who reads the pages)
    "reviews:savedfilter_list": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:savedfilter_add": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:savedfilter_edit": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:savedfilter_delete": ("post", (302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "reviews:reviewpreferences_edit": ("post", (302, 302, 302, FORBIDDEN, FORBIDDEN)),
    # issue 14: suggestions from the mirror while correcting a line (who may correct lines)
    "reviews:lookup": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "audit:auditentry_list": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    # issue 3: the pull (settings, discovery and Pull now: administrators only) and the mirror pages
    "syncconfig:serverconfig_edit": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:autosynctable_list": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:autosynctable_edit": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:discovery": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:pull_now": ("post", (FORBIDDEN, FORBIDDEN, 302, FORBIDDEN, FORBIDDEN)),
    "syncconfig:pullrun_list": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:pullrun_detail": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "syncconfig:pullrun_status": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "mas:workorder_list": ("get", (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "mas:workorder_detail": ("get", (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "mas:item_list": ("get", (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "mas:item_detail": ("get", (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "mas:employee_list": ("get", (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "mas:employee_detail": ("get", (OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    # issue 4: devices and processing options (administrators), direct entry (supervisors and the
    # Floor desktop role), and the device API: token only, so a signed-in session gets 401
    "intake:device_list": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "intake:device_add": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "intake:device_revoke": ("post", (FORBIDDEN, FORBIDDEN, 302, FORBIDDEN, FORBIDDEN)),
    "intake:handheld_add": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "intake:device_enrolment_code": ("post", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "intake:processingoption_edit": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "intake:direct_entry": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "intake:direct_entry_check": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "sync_api:push": ("post", (401, 401, 401, 401, 401)),
    "sync_api:masterdata": ("get", (401, 401, 401, 401, 401)),
    # issue 15: enrolment by a one-time code (no token, no session: an empty body is a 400)
    "sync_api:enrol": ("post", (400, 400, 400, 400, 400)),
    "sync_api:my_lines": ("get", (401, 401, 401, 401, 401)),
    "sync_api:openapi-json": ("get", (OK, OK, OK, OK, OK)),
    "sync_api:api-root": ("get", (404, 404, 404, 404, 404)),
    # issue 15: the handheld app (its identity is its device token, not a sign-in)
    "handheld:shell": ("get", (OK, OK, OK, OK, OK)),
    "handheld:manifest": ("get", (OK, OK, OK, OK, OK)),
    "handheld:service_worker": ("get", (OK, OK, OK, OK, OK)),
    # issue 6: export batches (accountant's pages, Send to MAS) and the importer API (token only: 401)
    "batches:exportbatch_list": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "batches:exportbatch_detail": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "batches:batchline_list": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "batches:exportbatch_print": ("get", (OK, OK, OK, FORBIDDEN, FORBIDDEN)),
    "batches:exportbatch_reexport": ("get", (FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "batches:exportbatch_void": ("get", (FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "batches:exportbatch_send": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    # issue 13: Send to MAS of a large selection, run as a job (its page and its state: who may send)
    "batches:exportjob_detail": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "batches:exportjob_status": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "importer_api:batch_list": ("get", (401, 401, 401, 401, 401)),
    "importer_api:batch_detail": ("get", (401, 401, 401, 401, 401)),
    "importer_api:batch_ack": ("post", (401, 401, 401, 401, 401)),
    "importer_api:openapi-json": ("get", (OK, OK, OK, OK, OK)),
    "importer_api:api-root": ("get", (404, 404, 404, 404, 404)),
    # the Users pages (administrators: auth.view_user / add_user / change_user)
    "accounts:user_list": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "accounts:user_add": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "accounts:user_edit": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "accounts:user_password": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    "accounts:user_unlock": ("post", (FORBIDDEN, FORBIDDEN, 302, FORBIDDEN, FORBIDDEN)),
    "accounts:address_unlock": ("post", (FORBIDDEN, FORBIDDEN, 302, FORBIDDEN, FORBIDDEN)),
    # "Forgot your password?" exists only where e-mail is configured (not in the tests' settings).
    "accounts:password_reset": ("get", (404,) * 5),
    "accounts:password_reset_done": ("get", (404,) * 5),
    "accounts:password_reset_confirm": ("get", (404,) * 5),
    "accounts:password_reset_complete": ("get", (404,) * 5),
}
# Pages anyone may reach without signing in.
PUBLIC = {"accounts:login", "healthz", "sync_api:push", "sync_api:masterdata", "sync_api:openapi-json", "sync_api:api-root"}
PUBLIC |= {"sync_api:enrol", "sync_api:my_lines"}
PUBLIC |= {"handheld:shell", "handheld:manifest", "handheld:service_worker"}
PUBLIC |= {"importer_api:batch_list", "importer_api:batch_detail", "importer_api:batch_ack",
           "importer_api:openapi-json", "importer_api:api-root"}
PUBLIC |= {"accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
           "accounts:password_reset_complete"}
# What an anonymous visitor gets on those (the token APIs want a token, not a session).
ANONYMOUS: dict[str, int] = {
    "accounts:login": OK, "healthz": OK, "sync_api:openapi-json": OK, "sync_api:api-root": 404,
    "sync_api:push": 401, "sync_api:masterdata": 401, "sync_api:enrol": 400, "sync_api:my_lines": 401,
    "handheld:shell": OK, "handheld:manifest": OK, "handheld:service_worker": OK,
    "importer_api:batch_list": 401, "importer_api:batch_detail": 401, "importer_api:batch_ack": 401,
    "importer_api:openapi-json": OK, "importer_api:api-root": 404,
    # Self-service password reset exists only where e-mail is configured (not in the tests).
    "accounts:password_reset": 404, "accounts:password_reset_done": 404,
    "accounts:password_reset_confirm": 404, "accounts:password_reset_complete": 404,
}
# url name -> name of a fixture returning reverse() kwargs, for URLs with arguments.
URL_KWARGS: dict[str, str] = {
    "reviews:transaction_detail": "transaction_kwargs",
    "reviews:transaction_edit": "transaction_kwargs",
    "reviews:bulkdecision_detail": "bulkdecision_kwargs",
    "reviews:bulkdecision_status": "bulkdecision_kwargs",
    "reviews:bulkdecision_resume": "bulkdecision_kwargs",
    "batches:exportjob_detail": "exportjob_kwargs",
    "batches:exportjob_status": "exportjob_kwargs",
    "reviews:transaction_reverse": "transaction_kwargs",
    "reviews:savedfilter_edit": "savedfilter_kwargs",
    "reviews:savedfilter_delete": "savedfilter_kwargs",
    "reviews:lookup": "lookup_kwargs",
    "syncconfig:autosynctable_edit": "autosynctable_kwargs",
    "syncconfig:pullrun_detail": "pullrun_kwargs",
    "syncconfig:pullrun_status": "pullrun_kwargs",
    "mas:workorder_detail": "workorder_kwargs",
    "mas:item_detail": "item_kwargs",
    "mas:employee_detail": "employee_kwargs",
    "intake:device_revoke": "device_kwargs",
    "intake:device_enrolment_code": "device_kwargs",
    "batches:exportbatch_detail": "exportbatch_kwargs",
    "batches:batchline_list": "exportbatch_kwargs",
    "batches:exportbatch_print": "exportbatch_kwargs",
    "batches:exportbatch_reexport": "exportbatch_kwargs",
    "batches:exportbatch_void": "exportbatch_kwargs",
    "importer_api:batch_detail": "exportbatch_kwargs",
    "importer_api:batch_ack": "exportbatch_kwargs",
    "accounts:user_edit": "user_kwargs",
    "accounts:user_password": "user_kwargs",
    "accounts:user_unlock": "user_kwargs",
    "accounts:password_reset_confirm": "reset_kwargs",
}


@pytest.fixture
def bulkdecision_kwargs(supervisor):
    from reviews.models import BulkDecision

    return {"pk": BulkDecision.objects.create(action="approve", created_by=supervisor, upto_id=0, total=0,
                                              state="finished").pk}


@pytest.fixture
def savedfilter_kwargs(supervisor):
    from reviews.models import SavedFilter

    return {"pk": SavedFilter.objects.create(owner=supervisor, name="Errors first", query="severity=error").pk}


@pytest.fixture
def exportjob_kwargs(supervisor):
    from batches.models import ExportJob

    return {"pk": ExportJob.objects.create(created_by=supervisor, fingerprint="x", total=0, state="failed").pk}


@pytest.fixture
def lookup_kwargs(db):
    return {"kind": "item"}


@pytest.fixture
def reset_kwargs(db):
    return {"uidb64": "MQ", "token": "set-password"}


@pytest.fixture
def user_kwargs(db):
    from accounts.roles import Role
    from tests.factories import UserFactory

    return {"pk": UserFactory(username="matrix.user", roles=[Role.SUPERVISOR]).pk}


@pytest.fixture
def exportbatch_kwargs(db):
    from batches.models import ExportBatch

    return {"number": ExportBatch.objects.create(number=1, status="deleted_in_mas").number}


@pytest.fixture
def device_kwargs(db):
    from intake.devices import register_device

    return {"pk": register_device("Matrix handheld")[0].pk}


@pytest.fixture
def transaction_kwargs(db):
    from tests.factories import TransactionFactory

    return {"pk": TransactionFactory().pk}


@pytest.fixture
def autosynctable_kwargs(db):
    from syncconfig.autosync import ensure_default_tables
    from syncconfig.models import AutoSyncTable

    ensure_default_tables()
    return {"pk": AutoSyncTable.objects.get(name="items").pk}


@pytest.fixture
def pullrun_kwargs(db):
    from syncconfig.models import PullRun

    return {"pk": PullRun.objects.create(trigger="manual", status="succeeded").pk}


@pytest.fixture
def workorder_kwargs(db):
    from tests.factories import WorkOrderFactory

    return {"pk": WorkOrderFactory().pk}


@pytest.fixture
def item_kwargs(db):
    from tests.factories import ItemFactory

    return {"pk": ItemFactory().pk}


@pytest.fixture
def employee_kwargs(db):
    from tests.factories import EmployeeFactory

    return {"pk": EmployeeFactory().pk}


def _reverse(request, name: str) -> str:
    fixture = URL_KWARGS.get(name)
    return reverse(name, kwargs=request.getfixturevalue(fixture) if fixture else None)


def test_the_matrix_covers_every_url():
    assert {name for name, _pattern in named_patterns()} == set(MATRIX)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(MATRIX) - PUBLIC))
def test_anonymous_users_are_sent_to_sign_in(request, client, name):
    method, _ = MATRIX[name]
    url = _reverse(request, name)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_anonymous_visitors_get_the_public_pages(request, client, name):
    method, _ = MATRIX[name]

    response = getattr(client, method)(_reverse(request, name))

    assert set(ANONYMOUS) == PUBLIC
    assert response.status_code == ANONYMOUS[name]


@pytest.mark.django_db
@pytest.mark.parametrize("persona_index,persona", list(enumerate(PERSONAS)))
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_exactly_its_pages(request, client, name, persona_index, persona):
    method, expected = MATRIX[name]
    client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(_reverse(request, name))

    assert response.status_code == expected[persona_index], f"{persona} on {name}"
    if response.status_code == FORBIDDEN:
        assert b"You may not use this page" in response.content
