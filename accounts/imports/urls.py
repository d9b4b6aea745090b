"""Import pages, under /imports/."""

from django.urls import path

from accounts.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:import_batch_id>/mapping/", views.mapping, name="mapping"),
    path("<int:import_batch_id>/", views.preview, name="preview"),
    path("<int:import_batch_id>/apply/", views.apply, name="apply"),
    path("<int:import_batch_id>/check/", views.check_status, name="check_status"),
    path("<int:import_batch_id>/errors.csv", views.errors_csv, name="errors_csv"),
]
