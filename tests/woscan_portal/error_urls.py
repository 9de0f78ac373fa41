"""The portal's URLs and two that fail, for the error page tests."""
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from woscan_portal.urls import handler500, urlpatterns as portal_urlpatterns  # noqa: F401


class Boom(Exception):
    """Stands for a bug in a view."""


def broken_page(request):
    raise Boom("a view failed")


urlpatterns = [
    path("broken/", broken_page),
    path("broken-for-anyone/", login_not_required(broken_page)),
    path("api/broken", login_not_required(broken_page)),
    *portal_urlpatterns,
]
