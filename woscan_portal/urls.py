from django.urls import include, path

from batches import api as importer_api
from intake import api as sync_api
from kernel import views

handler400 = "kernel.apierrors.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("review/", include("reviews.urls")),
    path("batches/", include("batches.urls")),
    path("sync/", include("syncconfig.urls")),
    path("mas/", include("mas.urls")),
    path("intake/", include("intake.urls")),
    path("api/sync/v1/", sync_api.urls()),
    path("api/importer/v1/", importer_api.urls()),
    path("audit/", include("audit.urls")),
    path("handheld/", include("handheld.urls")),
]

handler500 = "kernel.errors.server_error"
