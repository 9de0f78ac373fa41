from django.urls import include, path

from woscan_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("review/", include("reviews.urls")),
    path("batches/", include("batches.urls")),
    path("sync/", include("syncconfig.urls")),
]
