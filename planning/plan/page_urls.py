"""URLs of the account plan under /accounts/<customer_id>/plan/ (see planning/plan_urls.py)."""

from django.urls import path

from planning.plan import page_views

_PLAN = "<int:customer_id>/plan/"

urlpatterns = [
    path(_PLAN, page_views.account_plan, name="account-plan"),
    path(f"{_PLAN}texts/", page_views.plan_text, name="account-plan-text"),
    path(f"{_PLAN}texts/confirm/", page_views.plan_text_confirm, name="account-plan-text-confirm"),
    path(f"{_PLAN}start/", page_views.plan_start, name="account-plan-start"),
    path(f"{_PLAN}owner/", page_views.plan_owner, name="account-plan-owner"),
    path(
        f"{_PLAN}satisfaction/", page_views.satisfaction_add, name="account-plan-satisfaction-add"
    ),
    path(
        f"{_PLAN}satisfaction/<int:satisfaction_entry_id>/delete/",
        page_views.satisfaction_delete,
        name="account-plan-satisfaction-delete",
    ),
]
