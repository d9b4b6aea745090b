"""Forms of the Open Space page: starting a matrix and changing its rows and columns.

Cell values do not go through forms: the grid posts JSON to
:func:`planning.open_space.views.cell_save` and the service parses the typed
text itself (so the page and the API give the same messages). Every layout form
carries ``layout_version``, the Open Space version the person saw, so a change
made on a stale layout is refused instead of being mixed with someone else's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms

if TYPE_CHECKING:
    from accounts.models import Offering


class LayoutForm(forms.Form):
    layout_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StartForm(forms.Form):
    """Create the account's Open Space, optionally with first rows and columns."""

    segments = forms.MultipleChoiceField(
        label="Rows from the account's sales segments",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each chosen segment becomes a row whose sales come from the lines written so.",
    )
    offerings: forms.ModelMultipleChoiceField[Offering] = forms.ModelMultipleChoiceField(
        label="Columns from the catalog",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each chosen offering becomes a column, grouped by its business unit.",
    )

    def __init__(self, *args: Any, segments: list[str], offerings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["segments"]).choices = [
            (name, name) for name in segments
        ]
        cast(forms.ModelChoiceField, self.fields["offerings"]).queryset = offerings


class SegmentForm(LayoutForm):
    name = forms.CharField(
        label="Row name",
        max_length=120,
        help_text="The customer's segment: a site, business unit or country.",
    )
    group = forms.CharField(
        label="Group",
        max_length=120,
        required=False,
        help_text="The heading above the row, e.g. the region. Rows of one group stay together.",
    )
    sales_segment = forms.CharField(
        label="Sales segment",
        max_length=100,
        required=False,
        help_text="The segment as written on the sales lines; empty means the row name.",
    )


class AddColumnsForm(LayoutForm):
    offerings: forms.ModelMultipleChoiceField[Offering] = forms.ModelMultipleChoiceField(
        label="Offerings to add as columns",
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Only offerings not yet in the matrix are listed. Ctrl or Shift picks several.",
        error_messages={"required": "Choose at least one offering."},
    )

    def __init__(self, *args: Any, offerings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["offerings"]).queryset = offerings


class CoCreationForm(LayoutForm):
    name = forms.CharField(
        label="Co-creation idea",
        max_length=200,
        help_text="An offering we would build with the customer and do not sell today.",
        error_messages={"required": 'Name the co-creation idea, e.g. "Remote well monitoring".'},
    )
    group = forms.CharField(
        label="Group",
        max_length=120,
        required=False,
        help_text="Optional. Co-creation columns are always shown last.",
    )


class ColumnForm(LayoutForm):
    name = forms.CharField(
        label="Column name",
        max_length=200,
        required=False,
        help_text="A catalog column shows the offering's name when this is empty.",
    )
    group = forms.CharField(
        label="Group",
        max_length=120,
        required=False,
        help_text="Our business unit above the column; empty: the offering's.",
    )


class MoveForm(LayoutForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
