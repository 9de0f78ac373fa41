"""The handheld's shell, manifest and service worker: served without sign-in, under the policy."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from handheld.views import shell_urls

pytestmark = pytest.mark.django_db


def test_it_serves_the_app_shell_to_anyone_with_a_policy_for_its_worker_and_manifest(client):
    response = client.get(reverse("handheld:shell"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy and "script-src 'self'" in policy
    html = response.content.decode()
    assert '<script type="module" src="/static/handheld/app.js">' in html
    assert 'rel="manifest" href="/handheld/manifest.webmanifest"' in html


def test_the_manifest_installs_the_app_on_its_own_scope(client):
    response = client.get(reverse("handheld:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/handheld/", "/handheld/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_allowed_the_scope_and_caches_the_whole_shell(client):
    response = client.get(reverse("handheld:service_worker"))
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/handheld/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert "__SHELL__" not in source and "__VERSION__" not in source
    urls = shell_urls()
    assert json.dumps(urls) in source
    assert {"/handheld/", "/handheld/manifest.webmanifest", "/static/handheld/app.js", "/static/handheld/db.js",
            "/static/handheld/sync.js", "/static/handheld/lines.js", "/static/handheld/handheld.css"} <= set(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_changed_shell_file_changes_the_workers_version(client, tmp_path, monkeypatch):
    from handheld import views

    before = client.get(reverse("handheld:service_worker")).content
    copy = tmp_path / "handheld"
    import shutil

    shutil.copytree(views.STATIC_DIR, copy)
    (copy / "app.js").write_text((copy / "app.js").read_text() + "\n// changed\n")
    monkeypatch.setattr(views, "STATIC_DIR", copy)
    after = client.get(reverse("handheld:service_worker")).content
    assert before != after  # the browser installs the new worker, which caches the new shell
