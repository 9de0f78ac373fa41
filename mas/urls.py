from django.urls import path

from mas import views

app_name = "mas"
urlpatterns = [
    path("work-orders/", views.WorkOrderListView.as_view(), name="workorder_list"),
    path("work-orders/<int:pk>/", views.WorkOrderDetailView.as_view(), name="workorder_detail"),
    path("items/", views.ItemListView.as_view(), name="item_list"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("employees/", views.EmployeeListView.as_view(), name="employee_list"),
    path("employees/<int:pk>/", views.EmployeeDetailView.as_view(), name="employee_detail"),
]
