"""URL of the plan PDF under /accounts/ (included by planning/plan_urls.py)."""

from django.urls import path

from planning.pdf import views

urlpatterns = [
    path("<int:customer_id>/plan/pdf/", views.plan_pdf_start, name="account-plan-pdf"),
]
