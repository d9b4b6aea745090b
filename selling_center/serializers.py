"""API input and output shapes for the selling center and SCAP alignment.

Input serializers check types, choices and same-workspace references (another
workspace's id reads as "does not exist"); the services check same-account rules.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from selling_center.models import (
    AlignmentStatus,
    BuyingStage,
    Connection,
    ConnectionLevel,
    ConnectionLevelDecision,
    EngagementPlan,
    InterfaceAlignment,
    SellingCenterMember,
    SellingRole,
    StageResource,
)


@extend_schema_field(OpenApiTypes.STR)
class StatusField(serializers.ChoiceField):
    """A choice documented as a string with its values in the description.

    Another resource already has an enum named after a ``status`` field, and
    naming ours needs an ENUM_NAME_OVERRIDES entry in the project settings;
    until then the values are listed in words (the input is still checked).
    """


STATUS_HELP = "One of: " + ", ".join(AlignmentStatus.values) + "."
LEVEL_HELP = "One of: " + ", ".join(ConnectionLevel.values) + "."


class SellingCenterMemberInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the key account.")
    role = serializers.ChoiceField(choices=SellingRole.choices)
    user = WorkspaceMemberField(
        required=False, allow_null=True, help_text="User id of a member of this workspace."
    )
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Someone without an account."
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    permanent = serializers.BooleanField(required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class SellingCenterMemberOutput(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = SellingCenterMember
        fields = [
            "id",
            "customer",
            "role",
            "user",
            "name",
            "display_name",
            "title",
            "email",
            "permanent",
            "starts_on",
            "ends_on",
            "notes",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class InterfaceAlignmentInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the key account.")
    supplier_function = serializers.CharField(max_length=120)
    customer_function = serializers.CharField(max_length=120)
    status = StatusField(choices=AlignmentStatus.choices, required=False, help_text=STATUS_HELP)
    owner = WorkspaceRelatedField(
        SellingCenterMember,
        required=False,
        allow_null=True,
        help_text="Id of a selling-center member of the same account.",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class InterfaceAlignmentOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = InterfaceAlignment
        fields = [
            "id",
            "customer",
            "supplier_function",
            "customer_function",
            "status",
            "owner",
            "notes",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ConnectionInput(serializers.Serializer):
    stakeholder = WorkspaceRelatedField(Stakeholder)
    member = WorkspaceRelatedField(
        SellingCenterMember, help_text="Id of a selling-center member of the same account."
    )
    executive_pair = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Left out: set when our sponsor or executive meets one of their executives.",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class ConnectionUpdateInput(serializers.Serializer):
    executive_pair = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class ConnectionOutput(serializers.ModelSerializer):
    class Meta:
        model = Connection
        fields = ["id", "stakeholder", "member", "executive_pair", "notes"]
        read_only_fields = fields


class EngagementPlanInput(serializers.Serializer):
    stakeholder = WorkspaceRelatedField(Stakeholder, help_text="Id of the customer executive.")
    objective = serializers.CharField()
    owner = WorkspaceRelatedField(
        SellingCenterMember,
        required=False,
        allow_null=True,
        help_text="Id of a selling-center member of the same account.",
    )
    cadence = serializers.CharField(max_length=60, required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True)
    next_step_due = serializers.DateField(required=False, allow_null=True)


class EngagementPlanOutput(serializers.ModelSerializer):
    class Meta:
        model = EngagementPlan
        fields = [
            "id",
            "stakeholder",
            "owner",
            "objective",
            "cadence",
            "next_step",
            "next_step_due",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class StageResourceInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the key account.")
    stage = serializers.ChoiceField(choices=BuyingStage.choices)
    member = WorkspaceRelatedField(
        SellingCenterMember, help_text="Id of a selling-center member of the same account."
    )
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StageResourceUpdateInput(serializers.Serializer):
    notes = serializers.CharField(max_length=300, allow_blank=True)


class StageResourceOutput(serializers.ModelSerializer):
    class Meta:
        model = StageResource
        fields = ["id", "customer", "stage", "member", "notes"]
        read_only_fields = fields


class ConnectionLevelDecisionInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the key account.")
    level = serializers.ChoiceField(choices=ConnectionLevel.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when the level differs from the suggested one.",
    )


class ConnectionLevelDecisionOutput(serializers.ModelSerializer):
    # Same values as ``level``; a second enum of the same set would get a second name.
    suggested_level = serializers.CharField(read_only=True, help_text=LEVEL_HELP)

    class Meta:
        model = ConnectionLevelDecision
        fields = [
            "id",
            "customer",
            "suggested_level",
            "level",
            "reason",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields
