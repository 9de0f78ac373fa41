from django.urls import path

from syncconfig import views

app_name = "syncconfig"
urlpatterns = [
    path("", views.SyncDashboardView.as_view(), name="dashboard"),
]
