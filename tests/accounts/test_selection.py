"""Selection services and selectors: warnings, promote/demote with history, judgement, review."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError

from accounts.models import (
    Customer,
    CustomerScore,
    CustomerStatus,
    SelectionDecision,
    SelectionReview,
)
from accounts.selection import (
    customer_demote,
    customer_judgement_update,
    customer_promote,
    selection_review_close,
    selection_warnings,
)
from accounts.selection_selectors import (
    SelectionQuery,
    pareto_data,
    selection_page,
    selection_review_diff,
)
from accounts.valuation_settings import valuation_settings_get
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from tests.accounts.selection_factories import scored_customer
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(world: WorkspaceWorld) -> Iterator[WorkspaceWorld]:
    with workspace_context(world.a.workspace):
        # The world's own customer has a score of its own; these tests count customers.
        Customer.objects.filter(pk=world.a.customer.pk).delete()
        yield world


def _names(rows: list) -> list[str]:
    return [row.customer.name for row in rows]


# -- warnings -------------------------------------------------------------------------


def test_a_friend_within_every_limit_raises_no_warning(ws: WorkspaceWorld) -> None:
    kam = ws.a.user(Role.KAM)
    friend = scored_customer(ws.a.workspace, name="Nordic", owner=kam)
    assert (
        selection_warnings(
            workspace=ws.a.workspace, customer=friend, to_status=CustomerStatus.KEY_ACCOUNT
        )
        == []
    )


def test_promoting_a_non_friend_warns(ws: WorkspaceWorld) -> None:
    vulture = scored_customer(
        ws.a.workspace, name="Atlas", quadrant="vulture", owner=ws.a.user(Role.KAM)
    )
    warnings = selection_warnings(
        workspace=ws.a.workspace, customer=vulture, to_status=CustomerStatus.KEY_ACCOUNT
    )
    assert warnings == [
        "Atlas is a vulture, not a friend: only loyal, profitable customers usually repay"
        " a key-account program."
    ]


def test_exceeding_the_program_size_warns(ws: WorkspaceWorld) -> None:
    settings = valuation_settings_get(workspace=ws.a.workspace)
    settings.max_key_accounts = 2
    settings.save()
    for n in range(2):
        scored_customer(ws.a.workspace, name=f"KA {n}", status=CustomerStatus.KEY_ACCOUNT)
    third = scored_customer(ws.a.workspace, name="Third", owner=ws.a.user(Role.KAM))
    warnings = selection_warnings(
        workspace=ws.a.workspace, customer=third, to_status=CustomerStatus.KEY_ACCOUNT
    )
    assert warnings == [
        "The program would have 3 key accounts, more than the 2 the workspace settings allow for."
    ]


def test_a_kam_holding_too_many_accounts_warns(ws: WorkspaceWorld) -> None:
    kam = ws.a.user(Role.KAM)
    kam.first_name, kam.last_name = "Lena", "Hartmann"
    kam.save()
    for n in range(5):
        scored_customer(
            ws.a.workspace, name=f"KA {n}", status=CustomerStatus.KEY_ACCOUNT, owner=kam
        )
    sixth = scored_customer(ws.a.workspace, name="Sixth", owner=kam)
    warnings = selection_warnings(
        workspace=ws.a.workspace, customer=sixth, to_status=CustomerStatus.KEY_ACCOUNT
    )
    assert warnings == [
        "Lena Hartmann would hold 6 key accounts, more than the 5 one key account manager can"
        " look after well."
    ]


def test_missing_owner_and_recomputing_scores_warn(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Helios", dirty=True)
    warnings = selection_warnings(
        workspace=ws.a.workspace, customer=customer, to_status=CustomerStatus.KEY_ACCOUNT
    )
    assert any("being recomputed" in w for w in warnings)
    assert any("no key account manager" in w for w in warnings)


# -- promote and demote ------------------------------------------------------------------


def test_promotion_needs_a_reason(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Nordic", owner=ws.a.user(Role.KAM))
    with pytest.raises(ValidationError) as refused:
        customer_promote(
            workspace=ws.a.workspace,
            customer=customer,
            reason="   ",
            user=ws.a.user(Role.EXECUTIVE),
            acknowledge_warnings=True,
        )
    assert "reason" in refused.value.message_dict
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.CUSTOMER
    assert not SelectionDecision.objects.filter(customer=customer).exists()


def test_warnings_must_be_acknowledged(ws: WorkspaceWorld) -> None:
    stranger = scored_customer(
        ws.a.workspace, name="Atlas", quadrant="stranger", owner=ws.a.user(Role.KAM)
    )
    with pytest.raises(ValidationError) as refused:
        customer_promote(
            workspace=ws.a.workspace,
            customer=stranger,
            reason="Opens the cement market.",
            user=ws.a.user(Role.EXECUTIVE),
            acknowledge_warnings=False,
        )
    assert "acknowledge_warnings" in refused.value.message_dict
    stranger.refresh_from_db()
    assert stranger.status == CustomerStatus.CUSTOMER


def test_promote_then_demote_keeps_both_decisions(ws: WorkspaceWorld) -> None:
    executive = ws.a.user(Role.EXECUTIVE)
    customer = scored_customer(
        ws.a.workspace,
        name="Atlas",
        quadrant="butterfly",
        owner=ws.a.user(Role.KAM),
        revenue=250000,
        composite=0.81,
    )
    promoted = customer_promote(
        workspace=ws.a.workspace,
        customer=customer,
        reason="Reference customer in cement.",
        user=executive,
        acknowledge_warnings=True,
        expected_version=customer.version,
    )
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.KEY_ACCOUNT
    assert promoted.from_status == CustomerStatus.CUSTOMER
    assert promoted.warnings and "butterfly" in promoted.warnings[0]
    assert promoted.score_snapshot["composite"] == 0.81
    assert promoted.score_snapshot["revenue_3y"] == "250000.00"
    assert promoted.decided_by == executive

    customer_demote(
        workspace=ws.a.workspace,
        customer=customer,
        reason="Moved production to Asia.",
        user=executive,
    )
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.FORMER_KEY_ACCOUNT
    history = list(SelectionDecision.objects.filter(customer=customer))
    assert [(d.to_status, d.reason) for d in history] == [
        (CustomerStatus.FORMER_KEY_ACCOUNT, "Moved production to Asia."),
        (CustomerStatus.KEY_ACCOUNT, "Reference customer in cement."),
    ]


def test_demoting_a_plain_customer_is_refused(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Nordic")
    with pytest.raises(ValidationError):
        customer_demote(workspace=ws.a.workspace, customer=customer, reason="x", user=None)


def test_a_promotion_based_on_a_stale_page_is_refused(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Nordic", owner=ws.a.user(Role.KAM))
    seen = customer.version
    customer_judgement_update(
        workspace=ws.a.workspace,
        customer=customer,
        expected_version=seen,
        changes={"fit_cultural": 4},
    )
    with pytest.raises(VersionConflict):
        customer_promote(
            workspace=ws.a.workspace,
            customer=customer,
            reason="Strong fit.",
            user=None,
            acknowledge_warnings=True,
            expected_version=seen,
        )
    assert not SelectionDecision.objects.filter(customer=customer).exists()


# -- judgement -----------------------------------------------------------------------------


def test_judgement_saves_and_marks_the_score_stale(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Nordic")
    customer_judgement_update(
        workspace=ws.a.workspace,
        customer=customer,
        expected_version=customer.version,
        changes={
            "strategic_importance": "5",
            "strategic_importance_reason": "Innovation partner for sensors.",
            "fit_strategic": "4",
            "upv_estimate": "1,200,000",
        },
    )
    customer.refresh_from_db()
    assert customer.strategic_importance == 5
    assert str(customer.upv_estimate) == "1200000.00"
    assert customer.scores_dirty is True
    assert customer.version == 2


def test_judgement_out_of_range_names_the_input(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Nordic")
    with pytest.raises(ValidationError) as refused:
        customer_judgement_update(
            workspace=ws.a.workspace,
            customer=customer,
            expected_version=customer.version,
            changes={"fit_operational": "7", "upv_estimate": "-5"},
        )
    assert refused.value.message_dict == {
        "fit_operational": ["Operational fit is a whole number from 1 to 5; “7” is not."],
        "upv_estimate": ["The UPV estimate is an amount of 0 or more; “-5” is not."],
    }


def test_a_stale_judgement_is_refused(ws: WorkspaceWorld) -> None:
    customer = scored_customer(ws.a.workspace, name="Nordic")
    customer_judgement_update(
        workspace=ws.a.workspace,
        customer=customer,
        expected_version=1,
        changes={"fit_cultural": "2"},
    )
    with pytest.raises(VersionConflict):
        customer_judgement_update(
            workspace=ws.a.workspace,
            customer=customer,
            expected_version=1,
            changes={"fit_cultural": "5"},
        )
    customer.refresh_from_db()
    assert customer.fit_cultural == 2


# -- ranked list ---------------------------------------------------------------------------


def _rank_world(ws: WorkspaceWorld) -> None:
    kam = ws.a.user(Role.KAM)
    Customer.objects.create(external_id="NEW-1", name="Newcomer", region="East")
    scored_customer(
        ws.a.workspace,
        name="Alpha",
        revenue=100,
        composite=0.9,
        region="North",
        industry="Mining",
        owner=kam,
    )
    scored_customer(
        ws.a.workspace,
        name="Bravo",
        revenue=900,
        composite=0.4,
        quadrant="vulture",
        region="South",
        industry="Cement",
        status=CustomerStatus.KEY_ACCOUNT,
    )
    scored_customer(
        ws.a.workspace,
        name="Charlie",
        revenue=500,
        composite=0.6,
        region="North",
        industry="Cement",
        dirty=True,
    )


def test_list_ranks_by_composite_then_sorts_by_any_number(ws: WorkspaceWorld) -> None:
    _rank_world(ws)
    _, rows = selection_page(workspace=ws.a.workspace, query=SelectionQuery())
    # The world's own unscored customer comes last.
    assert _names(rows) == ["Alpha", "Charlie", "Bravo", "Newcomer"]
    _, rows = selection_page(
        workspace=ws.a.workspace, query=SelectionQuery.from_params({"sort": "revenue"})
    )
    assert _names(rows)[:3] == ["Bravo", "Charlie", "Alpha"]
    _, rows = selection_page(
        workspace=ws.a.workspace,
        query=SelectionQuery.from_params({"sort": "revenue", "dir": "asc"}),
    )
    assert _names(rows)[:3] == ["Alpha", "Charlie", "Bravo"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "key_account"}, ["Bravo"]),
        ({"quadrant": "vulture"}, ["Bravo"]),
        ({"region": "North"}, ["Alpha", "Charlie"]),
        ({"industry": "Cement"}, ["Charlie", "Bravo"]),
        ({"q": "char"}, ["Charlie"]),
        ({"region": "North", "industry": "Cement"}, ["Charlie"]),
        ({"status": "nonsense"}, ["Alpha", "Charlie", "Bravo", "Newcomer"]),
    ],
)
def test_list_filters(ws: WorkspaceWorld, params: dict[str, str], expected: list[str]) -> None:
    _rank_world(ws)
    _, rows = selection_page(workspace=ws.a.workspace, query=SelectionQuery.from_params(params))
    assert _names(rows) == expected


def test_list_filters_by_owner(ws: WorkspaceWorld) -> None:
    _rank_world(ws)
    query = SelectionQuery.from_params({"owner": str(ws.a.user(Role.KAM).pk)})
    _, rows = selection_page(workspace=ws.a.workspace, query=query)
    assert _names(rows) == ["Alpha"]


def test_a_dirty_customer_is_flagged_stale(ws: WorkspaceWorld) -> None:
    _rank_world(ws)
    _, rows = selection_page(workspace=ws.a.workspace, query=SelectionQuery())
    assert {row.customer.name: row.stale for row in rows if row.score} == {
        "Alpha": False,
        "Charlie": True,
        "Bravo": False,
    }


def test_list_pages_by_fifty(ws: WorkspaceWorld) -> None:
    for n in range(120):
        scored_customer(ws.a.workspace, name=f"Customer {n:03}", composite=n / 1000)
    page, rows = selection_page(workspace=ws.a.workspace, query=SelectionQuery(page=3))
    assert page.paginator.count == 120
    assert len(rows) == 20
    assert rows[0].customer.name == "Customer 019"


# -- Pareto ----------------------------------------------------------------------------------


def test_pareto_finds_the_concentration(ws: WorkspaceWorld) -> None:
    for n, revenue in enumerate([500, 200, 100, 100, 50, 50]):
        scored_customer(ws.a.workspace, name=f"C{n}", revenue=revenue)
    settings = valuation_settings_get(workspace=ws.a.workspace)
    settings.max_key_accounts = 2
    settings.save()
    data = pareto_data(workspace=ws.a.workspace, basis="revenue")
    assert data.customers == 6
    assert data.markers == [(40, 1), (50, 1), (80, 3)]
    assert data.sentence == "2 accounts make 70 % of 3-year revenue (6 customers in all)."
    assert [p.name for p in data.points[:2]] == ["C0", "C1"]
    assert data.currency == "EUR"


def test_pareto_by_margin_and_clv(ws: WorkspaceWorld) -> None:
    scored_customer(ws.a.workspace, name="Big", revenue=1000, margin_3y=-10, clv_contractual=50)
    scored_customer(ws.a.workspace, name="Small", revenue=10, margin_3y=90, clv_contractual=150)
    margin = pareto_data(workspace=ws.a.workspace, basis="margin")
    assert margin.points[0].name == "Small" and margin.negative_count == 1
    clv = pareto_data(workspace=ws.a.workspace, basis="clv")
    assert clv.points[0].name == "Small"
    assert clv.sentence.endswith("of contractual CLV (2 customers in all).")


# -- quarterly review ---------------------------------------------------------------------------


def test_review_lists_what_changed_since_the_last_one(ws: WorkspaceWorld) -> None:
    executive = ws.a.user(Role.EXECUTIVE)
    kam = ws.a.user(Role.KAM)
    settings = valuation_settings_get(workspace=ws.a.workspace)
    settings.max_key_accounts = 2
    settings.save()
    alpha = scored_customer(ws.a.workspace, name="Alpha", composite=0.9, owner=kam)
    scored_customer(ws.a.workspace, name="Bravo", composite=0.7, owner=kam)
    charlie = scored_customer(ws.a.workspace, name="Charlie", composite=0.2, owner=kam)
    customer_promote(
        workspace=ws.a.workspace,
        customer=alpha,
        reason="Biggest friend.",
        user=executive,
        acknowledge_warnings=True,
    )
    first = selection_review_close(
        workspace=ws.a.workspace, user=executive, notes="First program.", period="2026-Q1"
    )
    assert first.snapshot["top"] == [alpha.pk, first.snapshot["top"][1]]

    # The quarter after: Charlie climbs into the top 2, Alpha falls a little, Alpha demoted.
    CustomerScore.objects.filter(customer=charlie).update(composite=0.8)
    CustomerScore.objects.filter(customer=alpha).update(composite=0.85)
    customer_demote(
        workspace=ws.a.workspace, customer=alpha, reason="Lost the tender.", user=executive
    )
    diff = selection_review_diff(workspace=ws.a.workspace)
    assert diff.previous == first
    assert [d.reason for d in diff.decisions] == ["Lost the tender."]
    assert diff.new_in_top == [(charlie.pk, "Charlie")]
    moves = {m.name: m.change for m in diff.movements}
    assert moves["Alpha"] == pytest.approx(-0.05)
    assert moves["Charlie"] is None  # not in the previous snapshot: nothing to compare


def test_a_quarter_is_closed_once(ws: WorkspaceWorld) -> None:
    selection_review_close(workspace=ws.a.workspace, user=None, period="2026-Q2")
    with pytest.raises(ValidationError) as refused:
        selection_review_close(workspace=ws.a.workspace, user=None, period="2026-Q2")
    assert refused.value.message_dict == {"period": ["The review of 2026-Q2 is closed already."]}
    assert SelectionReview.objects.filter(period="2026-Q2").count() == 1
