"""The URLs of one kind of row: add, edit and delete under its parent's path."""

from __future__ import annotations

from django.urls import URLPattern, path

from kam.tenancy.views import ViewFunc


def row_paths(
    prefix: str,
    *,
    argument: str,
    name: str,
    add: ViewFunc,
    edit: ViewFunc,
    delete: ViewFunc,
    add_name: str = "add",
) -> list[URLPattern]:
    """``{prefix}new/``, ``{prefix}<int:{argument}>/edit/`` and ``.../delete/``.

    Named ``{name}-{add_name}``, ``{name}-edit`` and ``{name}-delete``; the three
    views are usually the ones :func:`kam.editing.row_views` makes.
    """
    one = f"{prefix}<int:{argument}>/"
    return [
        path(f"{prefix}new/", add, name=f"{name}-{add_name}"),
        path(f"{one}edit/", edit, name=f"{name}-edit"),
        path(f"{one}delete/", delete, name=f"{name}-delete"),
    ]
