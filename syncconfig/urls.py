from django.urls import path

from syncconfig import views

app_name = "syncconfig"
urlpatterns = [
    path("", views.SyncDashboardView.as_view(), name="dashboard"),
    path("settings/", views.ServerConfigEditView.as_view(), name="serverconfig_edit"),
    path("tables/", views.AutoSyncTableListView.as_view(), name="autosynctable_list"),
    path("tables/<int:pk>/", views.AutoSyncTableEditView.as_view(), name="autosynctable_edit"),
    path("discovery/", views.DiscoveryView.as_view(), name="discovery"),
    path("pull/", views.PullNowView.as_view(), name="pull_now"),
    path("runs/", views.PullRunListView.as_view(), name="pullrun_list"),
    path("runs/<int:pk>/", views.PullRunDetailView.as_view(), name="pullrun_detail"),
    path("runs/<int:pk>/status/", views.PullRunStatusView.as_view(), name="pullrun_status"),
]
