"""The plan page: every section, nothing written by a GET, a flat query count, bad input."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Customer, CustomerStatus
from kam.changelog.models import ChangeLogEntry
from kam.tenancy.context import workspace_context
from planning.models import AccountPlan, PlanText, SatisfactionEntry
from planning.plan.selectors import SECTIONS
from tests.factories import WorkspaceWorld
from tests.planning.plan.conftest import Plan, grow

pytestmark = pytest.mark.django_db


def _page(plan: Plan, role: str = "kam") -> str:
    response = plan.client(role).get(plan.url())
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_every_section_has_its_anchor_in_order_and_in_the_contents(plan: Plan) -> None:
    html = _page(plan)
    positions = [html.index(f'id="{anchor}"') for anchor, _ in SECTIONS]
    assert positions == sorted(positions)
    for anchor, title in SECTIONS:
        assert f'href="#{anchor}"' in html, title


def test_the_page_shows_what_the_account_holds(plan: Plan) -> None:
    html = _page(plan)
    # Overview: the margin trend from the year figures, with its source.
    assert "1,000,000" in html and "15.0 %" in html and "Margin falling" in html
    assert "No review held yet" in html and "Not scheduled" in html
    # Profile text with its confirmation and no stale mark (10 days old).
    assert "Copper prices are up" in html
    assert "Confirm unchanged" in html
    # Live summaries of world A's rows.
    assert "Grow exploration in Africa" in html
    assert "Deciders and facilitators covered: <strong>1 of 1</strong>" in html
    # Portfolio, growth and value-proposition alarms.
    assert "I · In progress" in html and "Slurry pump retrofit" in html
    assert "value-proposition alarm" in html
    # Not started: the button says what it does.
    assert "Start the plan" in html and "freezes today's figures" in html
    assert "reviews will" not in html  # the review log wording is ours
    assert "60-day and 90-day reviews" in html


def test_plan_is_the_first_tab(plan: Plan) -> None:
    html = _page(plan)
    nav = html[html.index('class="cluster account-tabs"') :]
    assert nav.index(">Plan<") < nav.index(">Buying center<")
    assert 'aria-current="page">Plan<' in nav


def test_opening_the_plan_writes_nothing(plan: Plan) -> None:
    client = plan.client()
    with workspace_context(plan.workspace):
        before = (
            ChangeLogEntry.objects.count(),
            AccountPlan.objects.count(),
            PlanText.objects.count(),
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(plan.url()).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    with workspace_context(plan.workspace):
        after = (
            ChangeLogEntry.objects.count(),
            AccountPlan.objects.count(),
            PlanText.objects.count(),
        )
    assert after == before


def _count(plan: Plan) -> int:
    client = plan.client()
    client.get(plan.url())  # warm the content-type cache and the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(plan.url()).status_code == 200
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_the_account(plan: Plan) -> None:
    grow(plan, people=1, opportunities=2, segments=1, columns=2, actions=2)
    small = _count(plan)
    grow(plan, people=37, opportunities=13, segments=6, columns=5, actions=30)
    big = _count(plan)
    assert big == small, (small, big)


def test_a_customer_without_a_plan_says_why(world: WorkspaceWorld, plan: Plan) -> None:
    with workspace_context(plan.workspace):
        Customer.objects.filter(pk=plan.customer.pk).update(status=CustomerStatus.CUSTOMER)
    html = _page(plan)
    assert "Only key accounts and candidates have an account plan" in html
    assert f"/selection/customers/{plan.customer.pk}/" in html or "Open it in the selection" in html


def test_another_workspace_account_is_not_found(world: WorkspaceWorld, plan: Plan) -> None:
    other = world.b.customer
    assert other is not None
    assert plan.client().get(f"/accounts/{other.pk}/plan/").status_code == 404


def test_home_opens_the_plan(plan: Plan) -> None:
    html = plan.client().get("/").content.decode()
    assert f'href="/accounts/{plan.customer.pk}/plan/"' in html


def test_start_the_plan_freezes_the_baseline_once(plan: Plan) -> None:
    client = plan.client()
    response = client.post(f"{plan.url()}start/")
    assert response.status_code == 302 and response["Location"].endswith("#metrics")
    with workspace_context(plan.workspace):
        started = AccountPlan.objects.get(customer=plan.customer)
    assert started.started_on == datetime.date.today()
    assert started.baseline["opportunities"] == 2
    assert started.owner_id == plan.world.a.user("kam").pk
    client.post(f"{plan.url()}start/")
    html = unescape(client.get(plan.url()).content.decode())
    assert "its baseline stays frozen" in html
    assert "Measured against the baseline frozen on" in html


def test_satisfaction_refuses_nonsense_next_to_the_fields(plan: Plan) -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = plan.client().post(
        f"{plan.url()}satisfaction/",
        {"measured_on": tomorrow.isoformat(), "score": "11", "source": "Survey Q4"},
    )
    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert "The score goes from 0 to 10." in html
    assert 'value="Survey Q4"' in html  # the form comes back filled
    response = plan.client().post(
        f"{plan.url()}satisfaction/",
        {"measured_on": tomorrow.isoformat(), "score": "8", "source": "Survey Q4"},
    )
    assert response.status_code == 422
    assert "is in the future" in unescape(response.content.decode())


def test_satisfaction_is_added_and_listed(plan: Plan) -> None:
    client = plan.client()
    response = client.post(
        f"{plan.url()}satisfaction/",
        {"measured_on": "2026-01-15", "score": "8", "source": "Annual survey"},
    )
    assert response.status_code == 302
    html = unescape(client.get(plan.url()).content.decode())
    assert "8/10" in html and "Annual survey" in html
    with workspace_context(plan.workspace):
        entry = SatisfactionEntry.objects.get(customer=plan.customer)
    url = f"{plan.url()}satisfaction/{entry.pk}/delete/"
    assert client.post(url, {"version": entry.version}).status_code == 302
    with workspace_context(plan.workspace):
        assert not SatisfactionEntry.objects.filter(pk=entry.pk).exists()


def test_owner_is_a_member_and_a_stale_change_is_refused(plan: Plan) -> None:
    client = plan.client()
    admin = plan.world.a.user("admin")
    response = client.post(f"{plan.url()}owner/", {"owner": admin.pk, "version": 0})
    assert response.status_code == 302
    with workspace_context(plan.workspace):
        row = AccountPlan.objects.get(customer=plan.customer)
    assert row.owner_id == admin.pk
    # Someone else's page, opened before that change, still says version 0.
    response = client.post(
        f"{plan.url()}owner/", {"owner": plan.world.a.user("kam").pk, "version": 0}
    )
    assert response.status_code == 302
    html = unescape(client.get(plan.url()).content.decode())
    assert "Someone changed the plan owner meanwhile" in html
    outsider = plan.world.outsider
    response = client.post(f"{plan.url()}owner/", {"owner": outsider.pk, "version": row.version})
    assert response.status_code == 422


def test_a_viewer_reads_the_plan_without_editing_it(plan: Plan) -> None:
    html = _page(plan, role="viewer")
    assert "Copper prices are up" in html
    assert ">Confirm unchanged</button>" not in html and "Start the plan</button>" not in html
    assert 'name="text"' not in html
    response = plan.client("viewer").post(
        f"{plan.url()}texts/", {"topic": "market", "text": "No", "version": 1}
    )
    assert response.status_code == 403


def test_a_candidate_has_a_plan_too(plan: Plan) -> None:
    with workspace_context(plan.workspace):
        Customer.objects.filter(pk=plan.customer.pk).update(status=CustomerStatus.CANDIDATE)
    html = _page(plan)
    assert 'id="overview"' in html and "Key-account candidate" in html


def test_the_first_refused_field_gets_the_focus(plan: Plan) -> None:
    response = plan.client().post(
        f"{plan.url()}satisfaction/", {"measured_on": "", "score": "x", "source": ""}
    )
    assert response.status_code == 422
    html = unescape(response.content.decode())
    start = html.index('name="measured_on"')
    tag = html[html.rindex("<", 0, start) : html.index(">", start)]
    assert "autofocus" in tag
    assert "Give a whole number from 0 to 10." in html


def test_every_demo_key_account_plan_renders(db: None) -> None:
    """The demo's key accounts (real-looking data in every section) open on their plan."""
    from io import StringIO

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from kam.workspaces.models import Workspace

    call_command("demo", "--customers", "40", "--seed", "3", stdout=StringIO())
    main = Workspace.objects.get(slug="nordhavn")
    client = Client()
    client.force_login(User.objects.get(username="kam"))
    client.post("/workspaces/switch/", {"workspace_id": main.pk})
    with workspace_context(main):
        accounts = list(Customer.objects.filter(status=CustomerStatus.KEY_ACCOUNT))
    assert accounts
    for account in accounts:
        response = client.get(f"/accounts/{account.pk}/plan/")
        assert response.status_code == 200, account.name
        html = unescape(response.content.decode())
        for anchor, _ in SECTIONS:
            assert f'id="{anchor}"' in html
        assert "I · In progress" in html
        assert "Open the Open Space" in html


def test_health_shows_on_the_first_screen_with_its_reasons(plan: Plan) -> None:
    from planning.health.services import health_recompute

    with workspace_context(plan.workspace):
        health_recompute(workspace=plan.workspace, customer_ids=[plan.customer.pk])
    html = _page(plan)
    line = html.split('class="plan-health-line', 1)[1].split("</p>", 1)[0]
    assert 'href="#health"' in line
    # The line comes before the overview, so it is on the first screen.
    assert html.index('class="plan-health-line') < html.index('id="overview"')
