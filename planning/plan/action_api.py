"""The account's actions in the REST API: ``/api/v1/actions/``.

Reads need VIEW, writes EDIT_ACCOUNTS; every write names the version read
(``If-Match``) and goes through :mod:`planning.plan.services.actions`, so a link
to another account is refused (400) with the pages' message, on its field.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_view

from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from planning.models import Action, ActionStatus
from planning.plan.action_selectors import overdue_q
from planning.plan.action_serializers import ActionInput, ActionOutput
from planning.plan.services import actions


class ActionFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id of the owner.")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    opportunity = django_filters.NumberFilter(
        field_name="opportunity_id", help_text="Id of the linked opportunity."
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text="true: still to do and past the due date; false: everything else.",
    )

    class Meta:
        model = Action
        fields = ["customer", "owner", "status", "opportunity", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[Action], name: str, value: bool | None
    ) -> QuerySet[Action]:
        if value is None:
            return queryset
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


@extend_schema_view(**resource_docs("an action", "actions"))
class ActionViewSet(VersionedRowViewSet):
    """The one action list: title, owner, milestone, due date, status, and what it links to.

    Links (objective, SWOT item, opportunity, stakeholder, concern) are optional
    and must belong to the action's account. Marking it `done` stamps `done_on`
    with today; any other status clears it. Opportunity tasks are actions with
    `opportunity` set.
    """

    model = Action
    input_serializer_class = ActionInput
    output_serializer_class = ActionOutput
    filterset_class = ActionFilter
    ordering_fields = ["id", "due_date", "updated_at"]
    ordering = ["id"]

    writes = RowServices(
        create=actions.action_create,
        update=actions.action_update,
        delete=actions.action_delete,
        row="action",
        parent="customer",
        moved="An action cannot move to another account; create a new one.",
    )
