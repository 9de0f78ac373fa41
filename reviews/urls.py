from django.urls import path

from reviews import lookup_views, prefs_views, reversal_views, timesheet_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.ReviewDashboardView.as_view(), name="dashboard"),
    path("transactions/", views.TransactionListView.as_view(), name="transaction_list"),
    path("transactions/<int:pk>/", views.TransactionDetailView.as_view(), name="transaction_detail"),
    path("transactions/<int:pk>/edit/", views.TransactionEditView.as_view(), name="transaction_edit"),
    path("transactions/<int:pk>/reverse/", reversal_views.TransactionReverseView.as_view(), name="transaction_reverse"),
    path("transactions/approve/", views.TransactionBulkApproveView.as_view(), name="transaction_bulk_approve"),
    path("transactions/reject/", views.TransactionBulkRejectView.as_view(), name="transaction_bulk_reject"),
    path("transactions/jobs/<int:pk>/", views.BulkDecisionDetailView.as_view(), name="bulkdecision_detail"),
    path("transactions/jobs/<int:pk>/status/", views.BulkDecisionStatusView.as_view(), name="bulkdecision_status"),
    path("transactions/jobs/<int:pk>/resume/", views.BulkDecisionResumeView.as_view(), name="bulkdecision_resume"),
    path("filters/", prefs_views.SavedFilterListView.as_view(), name="savedfilter_list"),
    path("filters/add/", prefs_views.SavedFilterAddView.as_view(), name="savedfilter_add"),
    path("filters/<int:pk>/edit/", prefs_views.SavedFilterEditView.as_view(), name="savedfilter_edit"),
    path("filters/<int:pk>/delete/", prefs_views.SavedFilterDeleteView.as_view(), name="savedfilter_delete"),
    path("preferences/", prefs_views.ReviewPreferencesEditView.as_view(), name="reviewpreferences_edit"),
    path("lookups/<str:kind>/", lookup_views.LookupView.as_view(), name="lookup"),
    path("timesheet/", timesheet_views.TimesheetView.as_view(), name="timesheet"),
    path("timesheet/approve/", timesheet_views.TimesheetApproveView.as_view(), name="timesheet_approve"),
    path("timesheet/reject/", timesheet_views.TimesheetRejectView.as_view(), name="timesheet_reject"),
]
