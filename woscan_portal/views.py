"""Project-wide views: the role dispatcher at ``/`` and the health check."""
from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from woscan_portal.navigation import landing_url_for


def home(request):
    """Send each user to their role's landing page; a user with no role is told so."""
    url = landing_url_for(request.user)
    if url:
        return HttpResponseRedirect(url)
    return render(request, "no_role.html", status=200)


@login_not_required
@require_GET
def healthz(request):
    """For the reverse proxy and monitoring: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
