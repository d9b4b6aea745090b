"""Change-log scenarios of the portfolio: judged factors and decisions."""

from __future__ import annotations

import datetime

from accounts.models import CustomerStatus
from tests.kam.change_log_scenarios import Ctx, Expect, expected, scenario

PORTFOLIO = "planning.portfolio.services"


@scenario(f"{PORTFOLIO}.portfolio_factor_save")
def _factor(ctx: Ctx) -> Expect:
    from planning.portfolio import services

    factor = services.portfolio_factor_save(
        workspace=ctx.workspace,
        customer=ctx.customer,
        code="prestige",
        score=4,
        reason="A reference in its industry.",
        user=ctx.actor,
    )
    services.portfolio_factor_save(
        workspace=ctx.workspace,
        customer=ctx.customer,
        code="prestige",
        score=5,
        reason="Now the reference.",
        expected_version=factor.version,
        user=ctx.actor,
    )
    return expected(factor, ctx.customer.pk)


@scenario(f"{PORTFOLIO}.portfolio_decision_confirm")
def _confirm(ctx: Ctx) -> Expect:
    from planning.portfolio import services
    from tests.model_factories.accounts import CustomerYearFiguresFactory
    from tests.model_factories.plan import PortfolioFactorFactory

    customer = ctx.customer
    customer.status = CustomerStatus.KEY_ACCOUNT
    customer.save(update_fields=["status"])
    # What a recommendation needs: last year's margin and one judged difficulty factor.
    CustomerYearFiguresFactory.create(customer=customer, year=datetime.date.today().year - 1)
    PortfolioFactorFactory.create(customer=customer, code="power", score=2)
    decision = services.portfolio_decision_confirm(
        workspace=ctx.workspace, customer=customer, user=ctx.actor
    )
    return expected(decision, customer.pk)


@scenario(f"{PORTFOLIO}.portfolio_decision_override")
def _override(ctx: Ctx) -> Expect:
    from planning.portfolio import services
    from tests.model_factories.accounts import CustomerYearFiguresFactory
    from tests.model_factories.plan import PortfolioFactorFactory

    customer = ctx.customer
    customer.status = CustomerStatus.KEY_ACCOUNT
    customer.save(update_fields=["status"])
    CustomerYearFiguresFactory.create(customer=customer, year=datetime.date.today().year - 1)
    PortfolioFactorFactory.create(customer=customer, code="power", score=2)
    decision = services.portfolio_decision_override(
        workspace=ctx.workspace,
        customer=customer,
        decision="reduce",
        reason="Their new owner buys centrally from a rival group.",
        user=ctx.actor,
    )
    return expected(decision, customer.pk)
