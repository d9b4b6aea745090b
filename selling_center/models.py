"""The supplier's side of a key account: the selling center and its alignment (SCAP)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kam.tenancy.models import Versioned, WorkspaceOwned


class SellingRole(models.TextChoices):
    SPONSOR = "sponsor", "Key account sponsor"
    EXECUTIVE = "executive", "Key account executive"
    KAM = "kam", "Key account manager"
    SUBJECT_MATTER_LEADER = "subject_matter_leader", "Subject-matter leader"
    GEOGRAPHIC_LEADER = "geographic_leader", "Geographic leader"
    SUPPLY_CHAIN_LEADER = "supply_chain_leader", "Supply-chain leader"
    ADMINISTRATIVE_LEADER = "administrative_leader", "Administrative leader"
    CONTRIBUTOR = "contributor", "Contributor"


#: Every key account needs one of each (domain.md, "Selling center").
REQUIRED_SELLING_ROLES = (SellingRole.SPONSOR, SellingRole.EXECUTIVE, SellingRole.KAM)


class BuyingStage(models.TextChoices):
    """The eight stages of the customer's buying process (sales-process alignment)."""

    NEED_RECOGNITION = "need_recognition", "Need recognition"
    CHARACTERISTIC_DETERMINATION = "characteristic_determination", "Characteristic determination"
    SPECIFICATION_ESTABLISHMENT = "specification_establishment", "Specification establishment"
    POTENTIAL_SOURCE_IDENTIFICATION = (
        "potential_source_identification",
        "Potential source identification",
    )
    PROPOSAL_REQUESTS = "proposal_requests", "Proposal requests"
    PROPOSAL_EVALUATION = "proposal_evaluation", "Proposal evaluation"
    SUPPLIER_SELECTION = "supplier_selection", "Supplier selection"
    POST_PURCHASE_EVALUATION = "post_purchase_evaluation", "Post-purchase evaluation"


class SellingCenterMember(Versioned):
    """One of our people on a key account's team: a workspace user or a named outsider."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="selling_center"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="selling_center_roles",
        help_text="A member of this workspace; leave empty for someone without an account.",
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="Name of a person outside the app."
    )
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=32, choices=SellingRole.choices)
    permanent = models.BooleanField(
        default=True, help_text="Temporary members join for a period or an opportunity."
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="sellingcentermember_user_or_name",
            )
        ]
        indexes = [models.Index(fields=["workspace", "customer", "role"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.name


class AlignmentStatus(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    ISSUE = "issue", "Issue"
    OPPORTUNITY = "opportunity", "Opportunity"


class InterfaceAlignment(Versioned):
    """A pair of functions that work together, e.g. our invoicing and their payables."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="interface_alignments"
    )
    supplier_function = models.CharField(max_length=120)
    customer_function = models.CharField(max_length=120)
    status = models.CharField(
        max_length=12, choices=AlignmentStatus.choices, default=AlignmentStatus.ALIGNED
    )
    owner = models.ForeignKey(
        SellingCenterMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "supplier_function"]

    def __str__(self) -> str:
        return f"{self.supplier_function} / {self.customer_function}"


class Connection(WorkspaceOwned):
    """A relationship between one of our people and one of theirs (connections alignment).

    The stakeholder's primary owner is ``Stakeholder.owner``; connections add the
    other contacts, and mark executive-to-executive pairs.
    """

    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder", on_delete=models.CASCADE, related_name="connections"
    )
    member = models.ForeignKey(
        SellingCenterMember, on_delete=models.CASCADE, related_name="connections"
    )
    executive_pair = models.BooleanField(
        default=False, help_text="An executive-to-executive relationship."
    )
    notes = models.TextField(blank=True)

    class Meta(WorkspaceOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "stakeholder", "member"], name="connection_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} - {self.stakeholder_id}"


class EngagementPlan(Versioned):
    """How we will engage one customer executive: objective, cadence, next step."""

    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder", on_delete=models.CASCADE, related_name="engagement_plans"
    )
    owner = models.ForeignKey(
        SellingCenterMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective = models.TextField()
    cadence = models.CharField(max_length=60, blank=True, help_text="e.g. quarterly meeting")
    next_step = models.CharField(max_length=300, blank=True)
    next_step_due = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["next_step_due"]

    def __str__(self) -> str:
        return f"Engagement plan for {self.stakeholder_id}"


class StageResource(WorkspaceOwned):
    """Who on our side covers a stage of the customer's buying process."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="stage_resources"
    )
    stage = models.CharField(max_length=40, choices=BuyingStage.choices)
    member = models.ForeignKey(
        SellingCenterMember, on_delete=models.CASCADE, related_name="stage_assignments"
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta(WorkspaceOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "customer", "stage", "member"], name="stageresource_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.member_id}"


class ConnectionLevel(models.TextChoices):
    """Depth of the whole account relationship (the diamond)."""

    TRANSACTIONAL = "transactional", "Transactional"
    CONSULTATIVE = "consultative", "Consultative"
    TRANSFORMATIVE = "transformative", "Transformative"


class ConnectionLevelDecision(WorkspaceOwned):
    """The KAM's call on the account's connection level, kept as history."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="connection_levels"
    )
    suggested_level = models.CharField(max_length=16, choices=ConnectionLevel.choices)
    level = models.CharField(max_length=16, choices=ConnectionLevel.choices)
    reason = models.TextField(blank=True, help_text="Required when overriding the suggestion.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.level}"
