"""Page views that cannot be used without workspace scoping: one decorator, one lookup."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from kam.permissions import CAPABILITY_DESCRIPTIONS, Capability, role_can
from kam.tenancy.request import resolved
from kam.workspaces.models import Workspace

M = TypeVar("M", bound=Model)
ViewFunc = Callable[..., HttpResponseBase]


def workspace_get_object_or_404(
    workspace: Workspace, model_or_queryset: type[M] | QuerySet[M], **lookup: Any
) -> M:
    """``get_object_or_404`` that only ever finds rows of ``workspace``.

    Another workspace's id answers 404, exactly like an id that does not exist,
    so nobody can learn which ids exist elsewhere.
    """
    if isinstance(model_or_queryset, QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    return get_object_or_404(queryset.filter(workspace=workspace), **lookup)


def _deny(request: HttpRequest, capability: Capability) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if resolved(request).workspace is None:
        return render(request, "workspaces/no_membership.html", status=403)
    return render(
        request,
        "errors/403.html",
        {"capability": capability, "capability_help": CAPABILITY_DESCRIPTIONS[capability]},
        status=403,
    )


def workspace_view(capability: Capability = Capability.VIEW) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a page view: signed in, a member of a workspace, allowed to ``capability``.

    The view receives ``request.workspace`` and ``request.membership``.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            membership = getattr(request, "membership", None)
            if (
                not request.user.is_authenticated
                or membership is None
                or not role_can(membership.role, capability)
            ):
                return _deny(request, capability)
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator
