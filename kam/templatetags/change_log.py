"""``{% load change_log %}``: the link to an object's History page."""

from __future__ import annotations

from django import template
from django.db.models import Model
from django.urls import reverse

register = template.Library()


@register.filter
def history_url(obj: Model) -> str:
    """``/history/<app_label>.<model>/<id>/`` of any workspace object."""
    meta = obj._meta
    return reverse("object-history", args=[f"{meta.app_label}.{meta.model_name}", obj.pk])
