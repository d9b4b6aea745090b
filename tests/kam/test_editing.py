"""The editing toolkit: stale-edit comparison, errors on the form, versions, sentences, layering."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory

from kam.editing import (
    apply_errors,
    conflict_rows,
    on_version,
    posted_version,
    sentences,
    shown,
    stale_edit,
)
from kam.tenancy.models import Versioned


class _PlanForm(forms.Form):
    title = forms.CharField(label="Title")
    status = forms.ChoiceField(choices=[("open", "Open"), ("done", "Done")])
    tags = forms.MultipleChoiceField(choices=[("a", "Alpha"), ("b", "Beta")], required=False)
    urgent = forms.BooleanField(required=False)
    note = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


def _valid(data: dict[str, object]) -> _PlanForm:
    form = _PlanForm({"version": 1, **data})
    assert form.is_valid(), form.errors
    return form


def test_shown_values_read_as_the_person_chose_them() -> None:
    form = _PlanForm()
    assert shown(form.fields["status"], "done") == "Done"
    assert shown(form.fields["tags"], ["a", "b"]) == "Alpha, Beta"
    assert shown(form.fields["urgent"], True) == "yes"
    assert shown(form.fields["note"], "") == "—"
    assert shown(form.fields["note"], None) == "—"


def test_conflict_rows_list_only_what_differs_by_label_theirs_yours() -> None:
    form = _valid({"title": "Mine", "status": "open", "note": ""})
    saved: dict[str, object] = {
        "title": "Theirs",
        "status": "done",
        "note": None,
        "tags": [],
        "version": 2,
    }
    rows = conflict_rows(form, saved, form.cleaned_data)
    assert rows == [
        {"label": "Title", "theirs": "Theirs", "yours": "Mine"},
        {"label": "Status", "theirs": "Done", "yours": "Open"},
    ]


def test_a_custom_comparison_treats_equal_numbers_as_equal() -> None:
    form = _valid({"title": "0.10", "status": "open"})
    same = conflict_rows(
        form, {"title": "0.1", "status": "open"}, form.cleaned_data, same=lambda a, b: True
    )
    assert same == []


def test_a_stale_edit_keeps_the_form_on_the_current_version() -> None:
    form = _valid({"title": "Mine", "status": "open"})
    conflict = stale_edit(form, current=object(), saved={"title": "Theirs"}, change="saved this")
    assert conflict.headline == "Someone else saved this while you were editing"
    assert bool(conflict) and list(conflict) == conflict.rows
    retry = on_version(QueryDict("title=Mine&version=1"), 5)
    assert (retry["title"], retry["version"]) == ("Mine", "5")
    assert on_version({"title": "Mine", "version": 1}, 6)["version"] == "6"


def test_service_errors_land_on_their_field_or_on_top() -> None:
    form = _valid({"title": "Mine", "status": "open"})
    apply_errors(form, ValidationError({"title": "Too long.", "elsewhere": "Not allowed."}))
    assert form.errors["title"] == ["Too long."]
    assert form.non_field_errors() == ["Not allowed."]
    other = _valid({"title": "Mine", "status": "open"})
    apply_errors(other, ValidationError("Refused."))
    assert other.non_field_errors() == ["Refused."]


def test_posted_version_is_a_number_or_none() -> None:
    factory = RequestFactory()
    assert posted_version(factory.post("/", {"version": "3"})) == 3
    assert posted_version(factory.post("/", {"version": "x"})) is None
    assert posted_version(factory.post("/")) is None


def test_the_standard_sentences() -> None:
    assert sentences.added("The task “Call”") == "The task “Call” was added."
    assert sentences.saved("Anna Berg") == "Anna Berg was saved."
    assert sentences.removed("The task “Call”") == "The task “Call” was removed."
    assert "nothing was removed" in sentences.not_removed("The task “Call”")
    assert sentences.conflict("changed Anna", who="Karin") == (
        "Karin changed Anna while you were editing"
    )


@pytest.mark.parametrize("app_label", ["accounts", "buying_center", "selling_center", "planning"])
def test_every_version_column_comes_from_versioned(app_label: str) -> None:
    for model in apps.get_app_config(app_label).get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if "version" in names:
            assert issubclass(model, Versioned), model


def test_the_toolkit_imports_no_domain_app() -> None:
    domain = {"accounts", "buying_center", "selling_center", "planning"}
    for path in Path("kam/editing").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in domain, (path, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in domain, (path, alias.name)
