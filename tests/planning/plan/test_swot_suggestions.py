"""The SWOT suggestion rules, each with a case that suggests and one that does not."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.models import SwotKind
from planning.plan.swot_suggestions import Suggestion, swot_suggestions
from selling_center.models import SellingCenterMember
from tests.factories import WorkspaceWorld
from tests.model_factories.accounts import CustomerFactory, CustomerYearFiguresFactory
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.plan import SwotDismissalFactory, SwotItemFactory
from tests.model_factories.planning import (
    CriticalSuccessFactorFactory,
    OpenSpaceCellFactory,
    OpenSpaceColumnFactory,
    OpenSpaceFactory,
    OpenSpaceSegmentFactory,
)
from tests.model_factories.selling_center import SellingCenterMemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def customer(world: WorkspaceWorld) -> Customer:
    with workspace_context(world.a.workspace):
        return CustomerFactory.create(name="Borealis Steel", status="key_account")


@pytest.fixture
def member(customer: Customer, world: WorkspaceWorld) -> SellingCenterMember:
    return SellingCenterMemberFactory.create(customer=customer, user=world.a.kam)


def _suggested(customer: Customer, kind: str = "") -> list[Suggestion]:
    with workspace_context(customer.workspace):
        found = swot_suggestions(customer, today=TODAY)
    return [s for s in found if not kind or s.kind == kind]


def _person(customer: Customer, **fields: object) -> Stakeholder:
    return StakeholderFactory.create(customer=customer, **fields)


# -- weakness: a decider or facilitator nobody owns or at or below neutral -----------------


def test_a_decider_nobody_owns_is_a_weakness(customer: Customer) -> None:
    person = _person(customer, name="Astrid Berg", roles=["decider"])
    [weakness] = _suggested(customer, SwotKind.WEAKNESS)
    assert weakness.key == f"weakness:unowned:{person.pk}"
    assert "Nobody on our side owns the relationship with Astrid Berg (decider)" in weakness.text
    assert weakness.implication
    assert "no owner" in weakness.evidence


def test_a_cold_facilitator_is_a_weakness_even_when_owned(
    customer: Customer, member: SellingCenterMember
) -> None:
    person = _person(
        customer, name="Lars Moe", roles=["facilitator"], owner=member, relationship_score=0
    )
    [weakness] = _suggested(customer, SwotKind.WEAKNESS)
    assert weakness.key == f"weakness:cold:{person.pk}"
    assert "Lars Moe (facilitator)" in weakness.text
    assert "never assessed" in weakness.evidence


def test_owned_warm_deciders_unknown_scores_and_other_roles_suggest_no_weakness(
    customer: Customer, member: SellingCenterMember
) -> None:
    _person(customer, roles=["decider"], owner=member, relationship_score=1)
    # A score nobody assessed is unknown, not neutral.
    _person(customer, roles=["facilitator"], owner=member, relationship_score=None)
    # A buyer without an owner is not a decider or facilitator.
    _person(customer, roles=["buyer"], relationship_score=-2)
    assert _suggested(customer, SwotKind.WEAKNESS) == []


# -- strength: strong ties across every buying role present -----------------------------------


def test_strong_ties_in_every_role_present_are_a_strength(
    customer: Customer, member: SellingCenterMember
) -> None:
    _person(customer, roles=["decider", "user"], owner=member, relationship_score=2)
    _person(customer, roles=["buyer"], owner=member, relationship_score=1)
    _person(customer, roles=["buyer"], owner=member, relationship_score=-1)
    [strength] = _suggested(customer, SwotKind.STRENGTH)
    assert strength.key == "strength:ties:buyer-user-decider"
    assert "(buyer, user, decider)" in strength.text


def test_a_role_without_a_strong_tie_means_no_strength(
    customer: Customer, member: SellingCenterMember
) -> None:
    _person(customer, roles=["decider"], owner=member, relationship_score=2)
    _person(customer, roles=["buyer"], owner=member, relationship_score=0)
    assert _suggested(customer, SwotKind.STRENGTH) == []
    assert _suggested(CustomerFactory.create(workspace=customer.workspace)) == []


# -- opportunity: the largest open CSF-aligned cells; threat: competitors ---------------------


def _matrix(customer: Customer, cells: list[dict[str, object]]) -> None:
    space = OpenSpaceFactory.create(customer=customer)
    csf = CriticalSuccessFactorFactory.create(customer=customer, title="Cut downtime")
    for n, cell in enumerate(cells):
        segment = OpenSpaceSegmentFactory.create(
            open_space=space, group="", name=f"Site {n}", position=n
        )
        column = OpenSpaceColumnFactory.create(
            open_space=space, offering=None, name=f"Idea {n}", position=n
        )
        aligned = cell.pop("aligned", True)
        OpenSpaceCellFactory.create(
            open_space=space,
            segment=segment,
            column=column,
            success_factor=csf if aligned else None,
            **cell,
        )


def test_the_three_largest_open_aligned_cells_are_opportunities(customer: Customer) -> None:
    _matrix(
        customer,
        [
            {"potential": Decimal("100")},
            {"potential": Decimal("400")},
            {"potential": Decimal("300")},
            {"potential": Decimal("200")},
            {"potential": Decimal("900"), "aligned": False},
            {"potential": Decimal("800"), "entered_sales": Decimal("50")},
        ],
    )
    found = _suggested(customer, SwotKind.OPPORTUNITY)
    assert [s.text.split(" is open")[0] for s in found] == [
        "Site 1 x Idea 1",
        "Site 2 x Idea 2",
        "Site 3 x Idea 3",
    ]
    assert "“Cut downtime”" in found[0].text
    assert "400 EUR" in found[0].text


def test_cells_held_by_a_competitor_are_one_threat_per_competitor(customer: Customer) -> None:
    _matrix(
        customer,
        [
            {"potential": Decimal("100"), "competitor": "Rival AB"},
            {"potential": Decimal("400"), "competitor": " rival ab "},
            {"potential": Decimal("300"), "competitor": "Other Oy"},
        ],
    )
    threats = _suggested(customer, SwotKind.THREAT)
    assert {s.key for s in threats} == {"threat:competitor:rival-ab", "threat:competitor:other-oy"}
    rival = next(s for s in threats if s.key.endswith("rival-ab"))
    assert "2 cells" in rival.text
    # Held by a competitor: a threat, not an opportunity.
    assert _suggested(customer, SwotKind.OPPORTUNITY) == []


def test_no_open_space_or_no_potential_suggests_nothing(customer: Customer) -> None:
    assert _suggested(customer) == []
    _matrix(customer, [{"potential": None}])
    assert _suggested(customer) == []


# -- threat: a declining margin ---------------------------------------------------------------


def _year(customer: Customer, year: int, sales: str, margin: str) -> None:
    CustomerYearFiguresFactory.create(
        customer=customer,
        year=year,
        net_sales=Decimal(sales),
        contribution_margin=Decimal(margin),
    )


def test_a_margin_falling_every_year_is_a_threat(customer: Customer) -> None:
    _year(customer, 2023, "1000", "300")
    _year(customer, 2024, "1000", "250")
    _year(customer, 2025, "2000", "360")
    _year(customer, 2026, "100", "1")  # the current year is not complete: left out
    [threat] = _suggested(customer, SwotKind.THREAT)
    assert threat.key == "threat:margin:2025"
    assert threat.text == ("Our margin on this account fell from 30.0 % in 2023 to 18.0 % in 2025.")
    assert "2024 25.0 %" in threat.evidence


def test_a_margin_that_recovered_or_one_year_only_is_no_threat(customer: Customer) -> None:
    _year(customer, 2025, "1000", "200")
    assert _suggested(customer, SwotKind.THREAT) == []
    _year(customer, 2024, "1000", "300")
    _year(customer, 2023, "1000", "100")
    assert _suggested(customer, SwotKind.THREAT) == []


# -- accepted or dismissed suggestions are not offered again ----------------------------------


def test_accepted_and_dismissed_suggestions_are_not_offered_again(customer: Customer) -> None:
    first = _person(customer, roles=["decider"])
    second = _person(customer, roles=["decider"])
    third = _person(customer, roles=["decider"])
    SwotItemFactory.create(
        customer=customer, kind="weakness", suggestion_key=f"weakness:unowned:{first.pk}"
    )
    SwotDismissalFactory.create(customer=customer, suggestion_key=f"weakness:unowned:{second.pk}")
    assert [s.key for s in _suggested(customer)] == [f"weakness:unowned:{third.pk}"]


def test_suggestions_read_in_a_fixed_number_of_queries(
    customer: Customer, member: SellingCenterMember, django_assert_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _suggested(customer)
        return len(queries)

    _person(customer, roles=["decider"])
    _matrix(customer, [{"potential": Decimal("10"), "competitor": "X"}])
    small = count()
    for n in range(20):
        _person(customer, roles=["decider", "buyer"], relationship_score=n % 3 - 1)
    assert count() == small
