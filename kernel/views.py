"""Project-wide views: the role dispatcher at ``/`` and the health check."""
from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kernel.navigation import landing_url_for


def home(request):
    """Send each user to their role's landing page; a user with no role is told so."""
    url = landing_url_for(request.user)
    if url:
        return HttpResponseRedirect(url)
    return render(request, "no_role.html", status=200)


@login_not_required
@require_safe
def healthz(request):
    """For the reverse proxy and monitoring (GET or HEAD): the database answers. Served by
    ``HealthCheckMiddleware`` ahead of the host check, so a local probe gets it too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    response = JsonResponse({"status": "ok"})
    if request.method == "HEAD":
        response.content = b""  # served ahead of the middleware that would strip it; servers warn
    return response
