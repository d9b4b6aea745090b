"""One save from a page: it went through, was refused, or was based on a stale version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kam.concurrency import VersionConflict
from kam.editing.errors import apply_errors


@dataclass(frozen=True)
class Attempt:
    """What became of one save: ``saved`` holds the service's answer when it went through."""

    saved: Any = None
    refused: bool = False
    stale: bool = False

    @property
    def done(self) -> bool:
        return not (self.refused or self.stale)


def attempt(form: forms.BaseForm, save: Callable[[], Any]) -> Attempt:
    """Run ``save``: a service's ``ValidationError`` lands on ``form``; a stale version is said.

    The caller shows the stale edit (:func:`kam.editing.stale_edit`) itself, because
    only it knows how to read the row as saved now.
    """
    try:
        return Attempt(saved=save())
    except ValidationError as error:
        apply_errors(form, error)
        return Attempt(refused=True)
    except VersionConflict:
        return Attempt(stale=True)


def render_edit(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    row_name: str = "row",
    refused: int = 200,
    stale: int = 409,
) -> Callable[[Any], HttpResponse]:
    """The ``page`` of :func:`kam.editing.row_edit` for a template of its own.

    The template gets ``context``, the form, ``conflict`` and the row as ``row_name``;
    the status is ``stale`` after a stale edit and ``refused`` when the form was refused.
    """

    def page(edit: Any) -> HttpResponse:
        status = stale if edit.conflict else edit.status(refused=refused)
        return render(
            request, template, {**context, **edit.context(), row_name: edit.row}, status=status
        )

    return page
