"""API input and output shapes for stakeholders, influence links and stakeholder changes.

Input serializers check types, choices and same-workspace references; the
services check everything that needs the data (same account, no reports-to
loop, the owner on this account's selling center) and write.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Customer
from buying_center.models import (
    Attitude,
    BuyingRole,
    InfluenceLink,
    MeetingFrequency,
    PromoterType,
    Stakeholder,
    StakeholderChange,
    Zone,
)
from buying_center.owners import owner_model
from buying_center.selectors import stakeholder_is_stale
from kam.api.fields import WorkspaceRelatedField

_SCORE_MESSAGE = "The relationship score runs from -2 (--) to 2 (++)."


class StakeholderInput(serializers.Serializer):
    customer = WorkspaceRelatedField(
        Customer, help_text="Id of the account (customer) whose buying center this person is in."
    )
    name = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    function = serializers.CharField(max_length=120, required=False, allow_blank=True)
    site = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    reports_to = WorkspaceRelatedField(
        Stakeholder,
        required=False,
        allow_null=True,
        help_text="Id of a stakeholder of the same account; loops are refused.",
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=BuyingRole.choices), required=False
    )
    dominant_advisor = serializers.BooleanField(required=False)
    opponent_influencer = serializers.BooleanField(required=False)
    promoter_type = serializers.ChoiceField(
        choices=PromoterType.choices,
        required=False,
        allow_blank=True,
        help_text="Only for influencers.",
    )
    zone = serializers.ChoiceField(choices=Zone.choices, required=False, allow_blank=True)
    attitude = serializers.ChoiceField(choices=Attitude.choices, required=False, allow_blank=True)
    relationship_score = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=-2,
        max_value=2,
        error_messages={"min_value": _SCORE_MESSAGE, "max_value": _SCORE_MESSAGE},
        help_text="-2 (--), -1 (-), 0, 1 (+), 2 (++); null when not assessed.",
    )
    meeting_frequency = serializers.ChoiceField(
        choices=MeetingFrequency.choices, required=False, allow_blank=True
    )
    owner = WorkspaceRelatedField(
        owner_model(),
        required=False,
        allow_null=True,
        help_text="Id of a selling-center member of the same account.",
    )
    personal_goals = serializers.CharField(required=False, allow_blank=True)
    needs = serializers.CharField(required=False, allow_blank=True)
    constraints_text = serializers.CharField(required=False, allow_blank=True)
    how_we_help = serializers.CharField(required=False, allow_blank=True)


class StakeholderOutput(serializers.ModelSerializer):
    is_stale = serializers.SerializerMethodField(
        help_text="Never assessed, or assessed more than six months ago."
    )

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "customer",
            "name",
            "title",
            "function",
            "site",
            "email",
            "reports_to",
            "roles",
            "dominant_advisor",
            "opponent_influencer",
            "promoter_type",
            "zone",
            "attitude",
            "relationship_score",
            "meeting_frequency",
            "owner",
            "personal_goals",
            "needs",
            "constraints_text",
            "how_we_help",
            "assessed_at",
            "is_stale",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_stale(self, stakeholder: Stakeholder) -> bool:
        return stakeholder_is_stale(stakeholder)


class InfluenceLinkInput(serializers.Serializer):
    # Named like Field.source: the metaclass takes declared fields out of the
    # class, so only the stubs see a clash.
    source = WorkspaceRelatedField(Stakeholder, help_text="Id of the stakeholder who influences.")  # type: ignore[assignment]
    target = WorkspaceRelatedField(
        Stakeholder, help_text="Id of the stakeholder influenced (same account, not the source)."
    )
    strength = serializers.IntegerField(
        min_value=1, max_value=3, required=False, default=2, help_text="1 weak to 3 strong."
    )
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class InfluenceLinkUpdateInput(serializers.Serializer):
    strength = serializers.IntegerField(min_value=1, max_value=3, required=False)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class InfluenceLinkOutput(serializers.ModelSerializer):
    class Meta:
        model = InfluenceLink
        fields = ["id", "source", "target", "strength", "notes"]
        read_only_fields = fields


class StakeholderChangeOutput(serializers.ModelSerializer):
    class Meta:
        model = StakeholderChange
        fields = [
            "id",
            "stakeholder",
            "field",
            "old_value",
            "new_value",
            "changed_by",
            "changed_at",
        ]
        read_only_fields = fields
