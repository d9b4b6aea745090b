"""Judged factors and decisions: validation, versions, history and the change log."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from kam.changelog.models import ChangeLogEntry
from kam.concurrency import VersionConflict
from planning.models import PortfolioDecision
from planning.portfolio.selectors import account_position
from planning.portfolio.services import (
    portfolio_decision_confirm,
    portfolio_decision_override,
    portfolio_factor_save,
)
from tests.factories import WorkspaceWorld
from tests.planning.portfolio.conftest import client_for, key_account


def test_a_factor_outside_1_to_5_without_reason_is_refused_all_at_once(
    world: WorkspaceWorld,
) -> None:
    account = key_account(world, "Nordhavn")
    with pytest.raises(ValidationError) as refused:
        portfolio_factor_save(
            workspace=world.a.workspace, customer=account, code="prestige", score=7, reason=" "
        )
    assert set(refused.value.message_dict) == {"score", "reason"}
    assert "from 1 (low) to 5 (high)" in refused.value.message_dict["score"][0]


def test_a_judged_volume_replaces_the_computed_one_and_moves_the_account(
    world: WorkspaceWorld,
) -> None:
    account = key_account(world, "Nordhavn")
    before = account_position(workspace=world.a.workspace, customer=account)
    assert before is not None
    volume = next(f for f in before.factors if f.code == "volume")
    assert volume.computed and volume.score == 3
    for code in ("volume", "potential", "prestige"):
        portfolio_factor_save(
            workspace=world.a.workspace, customer=account, code=code, score=5, reason="Leader."
        )
    after = account_position(workspace=world.a.workspace, customer=account)
    assert after is not None
    assert after.importance == 5 and after.fiocca == "key_easy"
    assert after.recommendation is not None
    assert after.recommendation.commitment == "increase"


def test_a_factor_changes_on_its_version_only(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    saved = portfolio_factor_save(
        workspace=world.a.workspace, customer=account, code="prestige", score=4, reason="Known."
    )
    with pytest.raises(VersionConflict):
        portfolio_factor_save(
            workspace=world.a.workspace, customer=account, code="prestige", score=2, reason="No."
        )
    changed = portfolio_factor_save(
        workspace=world.a.workspace,
        customer=account,
        code="prestige",
        score=2,
        reason="Lost the award.",
        expected_version=saved.version,
    )
    assert changed.score == 2 and changed.version == saved.version + 1
    entries = ChangeLogEntry.objects.filter(account_id=account.pk).order_by("pk")
    first = entries.first()
    assert first is not None and "judged Prestige of Nordhavn: 4/5" in first.sentence


def test_an_old_judgement_is_stale(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    portfolio_factor_save(
        workspace=world.a.workspace,
        customer=account,
        code="prestige",
        score=4,
        reason="Known.",
        judged_on=datetime.date.today() - datetime.timedelta(days=200),
    )
    position = account_position(workspace=world.a.workspace, customer=account)
    assert position is not None and position.stale_factors == 1


def test_override_needs_a_reason_and_another_decision_and_logs(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    workspace = world.a.workspace
    with pytest.raises(ValidationError) as refused:
        portfolio_decision_override(workspace=workspace, customer=account, decision="x", reason="")
    assert set(refused.value.message_dict) == {"decision", "reason"}
    with pytest.raises(ValidationError, match="confirm it instead"):
        portfolio_decision_override(
            workspace=workspace, customer=account, decision="maintain", reason="Same."
        )
    portfolio_decision_confirm(workspace=workspace, customer=account, user=world.a.executive)
    overridden = portfolio_decision_override(
        workspace=workspace,
        customer=account,
        decision="cease",
        reason="They were sold.",
        user=world.a.executive,
    )
    assert overridden.overridden and overridden.basis["fiocca"] == "non_key_easy"
    assert PortfolioDecision.objects.filter(customer=account).count() == 2
    summaries = list(
        ChangeLogEntry.objects.filter(account_id=account.pk)
        .order_by("pk")
        .values_list("sentence", flat=True)
    )
    assert summaries[-1].endswith(
        "overrode the recommendation for Nordhavn: cease instead of maintain (They were sold.)"
    )
    assert summaries[-2].endswith("confirmed the recommendation for Nordhavn: maintain")


def test_the_factors_page_saves_and_refuses_at_the_field(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    client = client_for(world, "kam")
    url = f"/portfolio/accounts/{account.pk}/factors/"
    page = client.get(url)
    assert page.status_code == 200
    assert "computed" in page.content.decode()
    refused = client.post(
        url, {"factor": "prestige", "prestige-code": "prestige", "prestige-score": ""}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Say why you give this score" in html
    saved = client.post(
        url,
        {
            "factor": "prestige",
            "prestige-code": "prestige",
            "prestige-score": "4",
            "prestige-reason": "Reference customer.",
        },
    )
    assert saved.status_code == 302
    assert "Reference customer." in client.get(url).content.decode()


def test_another_kams_account_is_not_found_for_a_kam(world: WorkspaceWorld) -> None:
    account = key_account(world, "Elsewhere", owner_role="member")
    assert (
        client_for(world, "kam").get(f"/portfolio/accounts/{account.pk}/factors/").status_code
        == 404
    )


def test_a_computed_factor_says_where_it_came_from(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    key_account(world, "Smaller", revenue=10)
    position = account_position(workspace=world.a.workspace, customer=account)
    assert position is not None
    volume = next(f for f in position.factors if f.code == "volume")
    assert volume.source.endswith("revenue at the 75th percentile of 2 key accounts")
    assert volume.score == 4


def test_a_stale_factor_edit_shows_both_judgements(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    saved = portfolio_factor_save(
        workspace=world.a.workspace, customer=account, code="prestige", score=4, reason="Known."
    )
    portfolio_factor_save(
        workspace=world.a.workspace,
        customer=account,
        code="prestige",
        score=1,
        reason="They lost the award.",
        expected_version=saved.version,
    )
    page = client_for(world, "kam").post(
        f"/portfolio/accounts/{account.pk}/factors/",
        {
            "factor": "prestige",
            "prestige-code": "prestige",
            "prestige-score": "5",
            "prestige-reason": "Award winner.",
            "prestige-version": str(saved.version),
        },
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert "Keep mine" in html and "They lost the award." in html
    assert f'name="prestige-version" value="{saved.version + 1}"' in html
    assert 'value="Award winner."' in html
