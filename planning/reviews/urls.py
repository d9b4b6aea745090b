"""The review pages under /accounts/<customer_id>/reviews/."""

from django.urls import path

from planning.reviews import views

ONE = "<int:customer_id>/reviews/<int:review_id>/"

urlpatterns = [
    path("<int:customer_id>/reviews/", views.review_list, name="account-reviews"),
    path("<int:customer_id>/reviews/new/", views.review_add, name="account-review-add"),
    path(ONE, views.review_detail, name="account-review"),
    path(f"{ONE}edit/", views.review_edit, name="account-review-edit"),
    path(f"{ONE}delete/", views.review_delete, name="account-review-delete"),
    path(f"{ONE}start/", views.review_start, name="account-review-start"),
    path(f"{ONE}close/", views.review_close, name="account-review-close"),
]
