"""Every page of the URL configuration checks permission through the one mixin, or is on the short
list of public ones: a new page cannot forget its permission."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.woscan_portal.urlwalk import named_patterns
from kernel.mixins import ObjectPermissionMixin
from kernel.permissions import ACTIONS

# Pages that do not use the mixin, and why: anyone may reach them, or a token (not a role) decides.
PUBLIC_VIEWS = {
    "home": "sends each signed-in user to their role's page",
    "healthz": "the health check",
    "accounts:login": "sign-in",
    "accounts:logout": "sign-out",
    "accounts:password_reset": "password reset",
    "accounts:password_reset_done": "password reset",
    "accounts:password_reset_confirm": "password reset",
    "accounts:password_reset_complete": "password reset",
    "sync_api:push": "device API: device token",
    "sync_api:masterdata": "device API: device token",
    "sync_api:openapi-json": "device API: its OpenAPI document",
    "sync_api:api-root": "device API: no page (404)",
    "importer_api:batch_list": "importer API: importer token",
    "importer_api:batch_detail": "importer API: importer token",
    "importer_api:batch_ack": "importer API: importer token",
    "importer_api:openapi-json": "importer API: its OpenAPI document",
    "importer_api:api-root": "importer API: no page (404)",
    "sync_api:my_lines": "device API: device token",
    "sync_api:enrol": "device API: a one-time enrolment code, no token yet",
    "handheld:shell": "the handheld app's page: its identity is the device token it keeps",
    "handheld:manifest": "the handheld app's manifest",
    "handheld:service_worker": "the handheld app's service worker",
}
PATTERNS = dict(named_patterns())


def _view_class(name: str):
    return getattr(PATTERNS[name].callback, "view_class", None)


@pytest.mark.parametrize("name", sorted(set(PATTERNS) - set(PUBLIC_VIEWS)))
def test_each_page_checks_its_permission_through_the_mixin(name):
    view_class = _view_class(name)
    assert view_class is not None, f"{name} is a function view: make it a class on ObjectPermissionMixin"
    assert issubclass(view_class, ObjectPermissionMixin), (
        f"{name} ({view_class.__name__}) does not use ObjectPermissionMixin: declare its model and action"
    )
    assert not hasattr(view_class, "permission_required"), f"{name}: the action says the permission"
    model = view_class.base_rows().model
    for method in view_class.http_method_names:
        if method == "options" or not hasattr(view_class, method):
            continue
        action = view_class.action_for(method)
        assert action in ACTIONS[model._meta.label_lower], f"{name} {method.upper()}: no action {action!r}"


def test_the_public_list_is_short_and_names_only_real_pages():
    assert set(PUBLIC_VIEWS) <= set(PATTERNS), sorted(set(PUBLIC_VIEWS) - set(PATTERNS))
    for name in PUBLIC_VIEWS:
        view_class = _view_class(name)
        assert view_class is None or not issubclass(view_class, ObjectPermissionMixin), (
            f"{name} uses the mixin: take it off the public list"
        )


@pytest.mark.django_db
def test_a_page_with_a_method_of_its_own_needs_that_methods_permission(client):
    """The processing options page: seeing it needs ``view``, saving it ``change`` — a user who
    may only see it gets 403 on save, and the options stay as they were."""
    from django.contrib.auth.models import Permission

    from transactions.models import ProcessingOption
    from tests.factories import UserFactory

    watcher = UserFactory(username="vic.viewer")
    watcher.user_permissions.add(Permission.objects.get(codename="view_processingoption"))
    client.force_login(watcher)
    url = reverse("intake:processingoption_edit")
    before = list(ProcessingOption.objects.values_list("type", "mode"))

    assert client.get(url).status_code == 200
    answer = client.post(url, {"mode_labor": "ready"})

    assert answer.status_code == 403
    assert b"You may not use this page" in answer.content
    assert list(ProcessingOption.objects.values_list("type", "mode")) == before


@pytest.mark.django_db
def test_a_row_the_user_may_see_but_not_change_answers_403_and_one_not_there_404(client, administrator):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root.user", password="x" * 20)
    client.force_login(administrator)

    assert client.get(reverse("accounts:user_edit", args=[root.pk])).status_code == 403
    assert client.post(reverse("accounts:user_unlock", args=[root.pk])).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[root.pk + 1000])).status_code == 404
    assert client.get(reverse("accounts:user_edit", args=[administrator.pk])).status_code == 200
