"""The editing toolkit as a KAM meets it: "keep mine / take theirs", and a stale delete."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from kam.tenancy.context import workspace_context
from planning.models import DecisionCriterion
from tests.factories import WorkspaceWorld
from tests.planning.analysis.conftest import Deal, client_for

pytestmark = pytest.mark.django_db


def _criterion(deal: Deal) -> DecisionCriterion:
    """A criterion someone else already saved once: it is at version 2, importance 7."""
    with workspace_context(deal.workspace):
        return DecisionCriterion.objects.create(
            opportunity=deal.opportunity,
            role="buyer",
            group="service",
            name="Response time",
            importance=7,
            difference=5,
            version=2,
        )


def _edit_url(deal: Deal, criterion: DecisionCriterion) -> str:
    return reverse(
        "opportunity-criterion-edit",
        kwargs={
            "customer_id": deal.customer.pk,
            "opportunity_id": deal.opportunity.pk,
            "decision_criterion_id": criterion.pk,
        },
    )


MINE = {"role": "buyer", "group": "service", "name": "Response time", "difference": 5}


def test_keep_mine_resubmits_on_the_current_version(world: WorkspaceWorld, deal: Deal) -> None:
    criterion = _criterion(deal)
    client = client_for(world)
    url = _edit_url(deal, criterion)
    stale = client.post(url, {**MINE, "importance": 3, "version": 1})
    assert stale.status_code == 409
    html = unescape(stale.content.decode())
    assert 'form="analysis-form">Keep mine</button>' in html
    assert f'href="{url}">Take theirs</a>' in html
    # "Keep mine" posts the form as shown: what was typed, on the version now seen.
    kept = client.post(url, {**MINE, "importance": 3, "version": 2})
    assert kept.status_code == 302
    with workspace_context(deal.workspace):
        assert DecisionCriterion.objects.get(pk=criterion.pk).importance == 3


def test_take_theirs_reloads_the_saved_row(world: WorkspaceWorld, deal: Deal) -> None:
    criterion = _criterion(deal)
    client = client_for(world)
    client.post(_edit_url(deal, criterion), {**MINE, "importance": 3, "version": 1})
    theirs = client.get(_edit_url(deal, criterion))
    assert theirs.status_code == 200
    html = theirs.content.decode()
    assert 'name="version" value="2"' in html and "Keep mine" not in html
    with workspace_context(deal.workspace):
        assert DecisionCriterion.objects.get(pk=criterion.pk).importance == 7


def test_a_stale_delete_removes_nothing_and_says_so(world: WorkspaceWorld, deal: Deal) -> None:
    criterion = _criterion(deal)
    client = client_for(world)
    url = reverse(
        "opportunity-criterion-delete",
        kwargs={
            "customer_id": deal.customer.pk,
            "opportunity_id": deal.opportunity.pk,
            "decision_criterion_id": criterion.pk,
        },
    )
    answer = client.post(url, {"version": 1}, follow=True)
    assert "nothing was removed" in unescape(answer.content.decode())
    with workspace_context(deal.workspace):
        assert DecisionCriterion.objects.filter(pk=criterion.pk).exists()
    gone = client.post(url, {"version": 2}, follow=True)
    assert "The criterion “Response time” was removed." in unescape(gone.content.decode())
    with workspace_context(deal.workspace):
        assert not DecisionCriterion.objects.filter(pk=criterion.pk).exists()
