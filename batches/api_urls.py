from django.urls import path

from batches import api

app_name = "importer_api"
urlpatterns = [
    path("batches", api.batch_list, name="batch_list"),
    path("batches/<int:number>", api.batch_detail, name="batch_detail"),
    path("batches/<int:number>/ack", api.batch_ack, name="batch_ack"),
]
