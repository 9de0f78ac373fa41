"""Every URL × every persona: anonymous users are sent to sign in, each role gets exactly
its pages, and a page a role may not use answers 403.

The matrix must name every URL the portal serves; a new URL without a row fails here.
A URL with arguments names a fixture in ``URL_KWARGS`` that makes an object and returns
the keyword arguments for ``reverse``.
"""
from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ("supervisor", "accountant", "administrator", "outsider")
OK, FORBIDDEN = 200, 403

# url name -> (method, expected status for each persona in PERSONAS order)
MATRIX: dict[str, tuple[str, tuple[int, ...]]] = {
    "reviews:dashboard": ("get", (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "batches:dashboard": ("get", (OK, OK, OK, FORBIDDEN)),
    "syncconfig:dashboard": ("get", (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN)),
    "home": ("get", (302, 302, 302, OK)),
    "accounts:login": ("get", (302, 302, 302, 302)),
    "accounts:logout": ("post", (302, 302, 302, 302)),
    "healthz": ("get", (OK, OK, OK, OK)),
}
# Pages anyone may reach without signing in.
PUBLIC = {"accounts:login", "healthz"}
# url name -> name of a fixture returning reverse() kwargs, for URLs with arguments.
URL_KWARGS: dict[str, str] = {}


def _reverse(request, name: str) -> str:
    fixture = URL_KWARGS.get(name)
    return reverse(name, kwargs=request.getfixturevalue(fixture) if fixture else None)


def _url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _url_names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}"


def test_the_matrix_covers_every_url():
    assert set(_url_names()) == set(MATRIX)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(MATRIX) - PUBLIC))
def test_anonymous_users_are_sent_to_sign_in(request, client, name):
    method, _ = MATRIX[name]
    url = _reverse(request, name)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


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
