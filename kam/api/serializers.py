"""Output shapes of the API's own resources: tokens and "me"."""

from __future__ import annotations

from rest_framework import serializers

from kam.api.tokens import AccessToken


class AccessTokenOutput(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = AccessToken
        fields = [
            "id",
            "name",
            "key_prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields


class MeUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    full_name = serializers.CharField(source="get_full_name")


class MeWorkspaceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    reporting_currency = serializers.CharField()


class MeOutput(serializers.Serializer):
    user = MeUserOutput()
    workspace = MeWorkspaceOutput()
    role = serializers.CharField(help_text="admin, executive, kam, member or viewer.")
    role_label = serializers.CharField()
    capabilities = serializers.ListField(
        child=serializers.CharField(), help_text="What this role may do, e.g. manage_data."
    )
    authenticated_by = serializers.ChoiceField(choices=["token", "session"])
    token = AccessTokenOutput(allow_null=True, help_text="The token used, for token requests.")
