from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("devices/", views.DeviceListView.as_view(), name="device_list"),
    path("devices/add/", views.DeviceCreateView.as_view(), name="device_add"),
    path("devices/add-handheld/", views.HandheldCreateView.as_view(), name="handheld_add"),
    path("devices/<int:pk>/enrolment-code/", views.DeviceEnrolmentCodeView.as_view(), name="device_enrolment_code"),
    path("devices/<int:pk>/revoke/", views.DeviceRevokeView.as_view(), name="device_revoke"),
    path("processing-options/", views.ProcessingOptionsView.as_view(), name="processingoption_edit"),
    path("entry/", views.DirectEntryView.as_view(), name="direct_entry"),
    path("entry/check/", views.DirectEntryCheckView.as_view(), name="direct_entry_check"),
]
