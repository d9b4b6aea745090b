"""The portfolio page: who sees which accounts, the matrices, the table, decisions, filters."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Customer, CustomerStatus
from planning.models import PortfolioDecision
from tests.factories import WorkspaceWorld
from tests.planning.portfolio.conftest import client_for, key_account


def _no_key_accounts(world: WorkspaceWorld) -> None:
    Customer.objects.filter(workspace=world.a.workspace).update(status=CustomerStatus.CUSTOMER)


def test_with_no_key_account_the_page_says_what_to_do(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    page = client_for(world, "executive").get("/portfolio/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "There are no key accounts yet" in html
    assert "data-matrix" not in html


def test_one_key_account_sits_on_the_matrices_with_a_recommendation(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    key_account(world, "Nordhavn")
    html = client_for(world, "executive").get("/portfolio/").content.decode()
    assert 'data-account="Nordhavn"' in html
    for matrix in ("fiocca", "profit", "relationship"):
        assert f'data-matrix="{matrix}"' in html
    assert 'id="portfolio-fiocca-spec"' in html
    # Alone it is the median: high present and potential (desirable); volume and
    # potential computed at the middle (3) keep it not key; easy to serve.
    assert "Desirable" in html
    assert "Not key, easy" in html
    assert "Maintain" in html


def test_many_accounts_and_an_account_without_data_is_listed_not_drawn_at_zero(
    world: WorkspaceWorld,
) -> None:
    _no_key_accounts(world)
    for index in range(4):
        key_account(world, f"Account {index}", revenue=1000 * (index + 1), margin=100 * index)
    key_account(world, "Newcomer", upv=None, difficulty=None)
    html = client_for(world, "executive").get("/portfolio/").content.decode()
    assert html.count("data-account=") == 5
    missing = html.split("data-not-enough-data", 1)[1].split("</section>", 1)[0]
    assert "Newcomer" in missing
    assert "no difficulty factor judged yet" in missing
    assert "no unrealised potential value (UPV)" in missing
    assert "Account 1" not in missing


def test_a_kam_sees_only_own_accounts_and_a_viewer_not_the_page(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    key_account(world, "Karin's account", owner_role="kam")
    key_account(world, "Someone else's", owner_role="member")
    html = client_for(world, "kam").get("/portfolio/").content.decode()
    assert "Karin&#x27;s account" in html
    assert "Someone else" not in html
    assert 'name="kam"' not in html  # no KAM filter for a KAM
    assert "Confirm maintain" not in html  # a KAM does not decide
    assert client_for(world, "viewer").get("/portfolio/").status_code == 403
    assert client_for(world, "member").get("/portfolio/").status_code == 403


def test_filters_choose_accounts_without_moving_them(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    key_account(world, "North one", region="North", revenue=100, margin=10)
    key_account(world, "South one", region="South", revenue=9000, margin=900)
    client = client_for(world, "executive")
    everyone = client.get("/portfolio/").content.decode()
    south = client.get("/portfolio/?region=South").content.decode()
    assert "North one" not in south and "South one" in south
    row = everyone.split('data-account="South one"', 1)[1].split("</tr>", 1)[0]
    assert row.split("data-recommendation>", 1)[1][:200] in south
    candidates = client.get("/portfolio/?candidates=1").content.decode()
    assert "North one" in candidates


def test_candidates_show_only_when_asked(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    key_account(world, "Key one")
    key_account(world, "Maybe one", status=CustomerStatus.CANDIDATE)
    client = client_for(world, "executive")
    assert "Maybe one" not in client.get("/portfolio/").content.decode()
    assert "Maybe one" in client.get("/portfolio/?candidates=1").content.decode()


def test_confirm_and_override_with_a_reason_keep_history(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    account = key_account(world, "Nordhavn")
    client = client_for(world, "executive")
    url = f"/portfolio/accounts/{account.pk}/decision/"
    confirmed = client.post(url, {"action": "confirm", "recommendation": "maintain"})
    assert confirmed.status_code == 302
    refused = client.post(
        url, {"action": "override", "recommendation": "maintain", "decision": "reduce"}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Say why you decide otherwise than recommended." in html
    assert 'value="reduce" selected' in html
    overridden = client.post(
        url,
        {
            "action": "override",
            "recommendation": "maintain",
            "decision": "reduce",
            "reason": "Their new owner buys centrally.",
        },
    )
    assert overridden.status_code == 302
    decisions = list(PortfolioDecision.objects.filter(customer=account).order_by("pk"))
    assert [(d.recommendation, d.decision) for d in decisions] == [
        ("maintain", "maintain"),
        ("maintain", "reduce"),
    ]
    html = client.get("/portfolio/").content.decode()
    assert "Overridden" in html
    assert "Their new owner buys centrally." in html
    assert "History (2)" in html


def test_a_stale_recommendation_is_refused(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    account = key_account(world, "Nordhavn")
    page = client_for(world, "executive").post(
        f"/portfolio/accounts/{account.pk}/decision/",
        {"action": "confirm", "recommendation": "cease"},
    )
    assert page.status_code == 400
    assert (
        "The recommendation changed to maintain since the page was loaded" in page.content.decode()
    )


def test_a_kam_may_not_decide(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    account = key_account(world, "Nordhavn")
    answer = client_for(world, "kam").post(
        f"/portfolio/accounts/{account.pk}/decision/",
        {"action": "confirm", "recommendation": "maintain"},
    )
    assert answer.status_code == 403
    assert not PortfolioDecision.objects.exists()


def _queries(world: WorkspaceWorld) -> int:
    client = client_for(world, "executive")
    client.get("/portfolio/")  # warm up the session and the chart cache paths
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/portfolio/").status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_accounts(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    for index in range(3):
        key_account(world, f"Few {index}", revenue=100 * (index + 1))
    few = _queries(world)
    for index in range(12):
        key_account(world, f"Many {index}", revenue=50 * (index + 1))
    assert _queries(world) == few


def test_the_plan_overview_shows_the_latest_decision(world: WorkspaceWorld) -> None:
    _no_key_accounts(world)
    account = key_account(world, "Nordhavn")
    client = client_for(world, "executive")
    plan = f"/accounts/{account.pk}/plan/"
    assert "None yet" in client.get(plan).content.decode().split("data-portfolio-decision", 1)[1]
    client.post(
        f"/portfolio/accounts/{account.pk}/decision/",
        {
            "action": "override",
            "recommendation": "maintain",
            "decision": "increase",
            "reason": "New plant.",
        },
    )
    line = client.get(plan).content.decode().split("data-portfolio-decision", 1)[1][:400]
    assert "Increase the commitment (overriding maintain)" in line
    assert "New plant." in line
