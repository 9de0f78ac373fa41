from django.urls import path

from batches import views

app_name = "batches"
urlpatterns = [
    path("", views.BatchDashboardView.as_view(), name="dashboard"),
    path("all/", views.ExportBatchListView.as_view(), name="exportbatch_list"),
    path("send/", views.ExportBatchSendView.as_view(), name="exportbatch_send"),
    path("send/jobs/<int:pk>/", views.ExportJobDetailView.as_view(), name="exportjob_detail"),
    path("send/jobs/<int:pk>/status/", views.ExportJobStatusView.as_view(), name="exportjob_status"),
    path("<int:number>/", views.ExportBatchDetailView.as_view(), name="exportbatch_detail"),
    path("<int:number>/lines/", views.BatchLineListView.as_view(), name="batchline_list"),
    path("<int:number>/print/", views.ExportBatchPrintView.as_view(), name="exportbatch_print"),
    path("<int:number>/reexport/", views.ExportBatchReexportView.as_view(), name="exportbatch_reexport"),
    path("<int:number>/void/", views.ExportBatchVoidView.as_view(), name="exportbatch_void"),
]
