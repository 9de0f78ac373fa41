from django.urls import path

from batches import views

app_name = "batches"
urlpatterns = [
    path("", views.BatchDashboardView.as_view(), name="dashboard"),
]
