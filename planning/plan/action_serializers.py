"""API input and output shapes of the account's actions.

Input checks types and same-workspace references; the services check the same
account, the owner and the lengths, so the API gives the pages' messages.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from planning.analysis.serializers import named_choice
from planning.models import (
    Action,
    ActionStatus,
    Objective,
    Opportunity,
    StakeholderNeed,
    SwotItem,
)
from planning.plan.services.actions import MILESTONE_MAX, TITLE_MAX

_LINK = "Optional; it must belong to the action's account."


def _status(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("ActionStatusEnum", ActionStatus, **kwargs)


class ActionInput(serializers.Serializer):
    customer = WorkspaceRelatedField(
        Customer, help_text="Id of the account; it cannot change once created."
    )
    title = serializers.CharField(max_length=TITLE_MAX)
    owner = WorkspaceMemberField(required=False, allow_null=True)
    milestone = serializers.CharField(max_length=MILESTONE_MAX, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = _status(required=False)
    objective = WorkspaceRelatedField(Objective, required=False, allow_null=True, help_text=_LINK)
    swot_item = WorkspaceRelatedField(SwotItem, required=False, allow_null=True, help_text=_LINK)
    opportunity = WorkspaceRelatedField(
        Opportunity, required=False, allow_null=True, help_text=_LINK
    )
    stakeholder = WorkspaceRelatedField(
        Stakeholder, required=False, allow_null=True, help_text=_LINK
    )
    concern = WorkspaceRelatedField(
        StakeholderNeed,
        required=False,
        allow_null=True,
        help_text="Optional: an expectation or concern raised on an opportunity of the account.",
    )


class ActionOutput(serializers.ModelSerializer):
    status = _status(read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="Still to do (open or in progress) and past its due date."
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "customer",
            "title",
            "owner",
            "milestone",
            "due_date",
            "status",
            "done_on",
            "overdue",
            "objective",
            "swot_item",
            "opportunity",
            "stakeholder",
            "concern",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, action: Action) -> bool:
        from django.utils import timezone

        from planning.plan.action_selectors import action_is_overdue

        return action_is_overdue(action, timezone.localdate())
