"""Job status pages (polled by htmx)."""

from django.urls import path

from kam.jobs import views

urlpatterns = [
    path("<int:job_id>/", views.job_status, name="job-status"),
    path("<int:job_id>/download/", views.job_download, name="job-download"),
    path("start/<slug:kind>/", views.job_start, name="job-start"),
]
