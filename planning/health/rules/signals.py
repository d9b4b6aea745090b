"""The signals of account health: each reads the facts and gives a verdict with evidence."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from planning.health.rules.facts import (
    CONTACT_STALE_AFTER_DAYS,
    DECIDER,
    EVIDENCE_ITEMS,
    FACILITATOR,
    LARGE_SHARE_OF_PIPELINE,
    LARGE_SHARE_OF_SALES,
    MARGIN_DROP_AT_LEAST,
    PLAN_TEXT_STALE_AFTER_DAYS,
    PROBABILITY_ALIVE_BELOW,
    SCORE_SIGNS,
    AccountInputs,
    Person,
    Ref,
)


@dataclass(frozen=True)
class Verdict:
    active: bool
    evidence: tuple[str, ...] = ()
    as_of: datetime.date | None = None
    unknown: bool = False
    #: What each evidence line is about (same order; ``None``: nothing to link to).
    refs: tuple[Ref | None, ...] = ()


def _unknown(why: str) -> Verdict:
    return Verdict(active=False, unknown=True, evidence=(why,))


def _listed(lines: Sequence[str]) -> tuple[str, ...]:
    if len(lines) <= EVIDENCE_ITEMS:
        return tuple(lines)
    return (*lines[:EVIDENCE_ITEMS], f"and {len(lines) - EVIDENCE_ITEMS} more")


def _refs(refs: Sequence[Ref | None]) -> tuple[Ref | None, ...]:
    """The refs of the lines :func:`_listed` keeps ("and N more" links nowhere)."""
    if len(refs) <= EVIDENCE_ITEMS:
        return tuple(refs)
    return (*refs[:EVIDENCE_ITEMS], None)


def _active(
    lines: Sequence[str], refs: Sequence[Ref | None], as_of: datetime.date | None
) -> Verdict:
    return Verdict(True, _listed(lines), as_of, refs=_refs(refs))


def _newest(dates: Sequence[datetime.date | None]) -> datetime.date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):,}"


def severe_concerns(inputs: AccountInputs) -> Verdict:
    if not inputs.needs:
        return _unknown("No expectations or concerns are recorded on this account's opportunities.")
    hits = [
        n
        for n in inputs.needs
        if n.kind == "concern" and n.severity == "high" and n.status != "addressed"
    ]
    if not hits:
        return Verdict(
            False, ("No severe concern is open.",), _newest([n.updated_on for n in inputs.needs])
        )
    lines = [f"{n.stakeholder} on {n.opportunity}: {n.description}" for n in hits]
    refs = [Ref("opportunity_needs", n.opportunity_id) if n.opportunity_id else None for n in hits]
    return _active(lines, refs, _newest([n.updated_on for n in hits]))


def unmet_expectations(inputs: AccountInputs) -> Verdict:
    if not inputs.needs:
        return _unknown("No expectations or concerns are recorded on this account's opportunities.")
    hits = [n for n in inputs.needs if n.kind == "expectation" and n.status == "not_met"]
    if not hits:
        return Verdict(
            False,
            ("No expectation is marked as not met.",),
            _newest([n.updated_on for n in inputs.needs]),
        )
    lines = [f"{n.stakeholder} on {n.opportunity}: {n.description}" for n in hits]
    refs = [Ref("opportunity_needs", n.opportunity_id) if n.opportunity_id else None for n in hits]
    return _active(lines, refs, _newest([n.updated_on for n in hits]))


def stale_assessments(inputs: AccountInputs) -> Verdict:
    players = [p for p in inputs.people if p.is_key_player]
    if not players:
        return _unknown("No decider, facilitator, influencer or advisor is mapped yet.")
    limit = inputs.assessment_stale_after_days
    lines: list[str] = []
    refs: list[Ref | None] = []
    dates: list[datetime.date | None] = []
    for person in players:
        if person.assessed_on is None:
            lines.append(f"{person.name} ({person.role_words()}) was never assessed")
            dates.append(person.updated_on)
        elif (inputs.today - person.assessed_on).days > limit:
            age = (inputs.today - person.assessed_on).days
            lines.append(
                f"{person.name} ({person.role_words()}) was last assessed {_days(age)} ago"
            )
            dates.append(person.assessed_on)
        else:
            continue
        refs.append(_person_ref(person, "assess"))
    if not lines:
        newest = _newest([p.assessed_on for p in players])
        return Verdict(
            False, (f"Every key player was assessed in the last {_days(limit)}.",), newest
        )
    return _active(lines, refs, _newest(dates))


def _person_ref(person: Person, key: str = "") -> Ref | None:
    return Ref("stakeholder", person.id, key, person.version) if person.id else None


def uncovered_key_players(inputs: AccountInputs) -> Verdict:
    if not inputs.people:
        return _unknown("Nobody of the buying center is mapped yet.")
    lines: list[str] = []
    refs: list[Ref | None] = []
    dates: list[datetime.date | None] = []
    for person in inputs.people:
        if not {DECIDER, FACILITATOR} & set(person.roles):
            continue
        who = f"{person.name} ({person.role_words()})"
        if not person.has_owner:
            lines.append(f"{who} has no owner on our side")
            dates.append(person.updated_on)
        elif person.relationship_score is not None and person.relationship_score <= 0:
            sign = SCORE_SIGNS.get(person.relationship_score, str(person.relationship_score))
            lines.append(f"{who}: our relationship is {sign}, at or below neutral")
            dates.append(person.assessed_on or person.updated_on)
        else:
            continue
        refs.append(_person_ref(person, "edit"))
    if not lines:
        return Verdict(
            False,
            ("Every decider and facilitator has an owner and a relationship above neutral.",),
            _newest([p.updated_on for p in inputs.people]),
        )
    return _active(lines, refs, _newest(dates))


def _powerful(person: Person) -> str:
    """Why an opponent carries weight ('' when they do not)."""
    if DECIDER in person.roles:
        return "is a decider"
    if person.dominant_advisor:
        return "is a dominant advisor"
    if person.strongest_influence >= 3:
        return "strongly influences others"
    if person.in_power_zone:
        return "sits in the power zone"
    return ""


def powerful_opponent(inputs: AccountInputs) -> Verdict:
    if not inputs.people:
        return _unknown("Nobody of the buying center is mapped yet.")
    hits = [(p, _powerful(p)) for p in inputs.people if p.opponent_influencer and _powerful(p)]
    if not hits:
        return Verdict(
            False,
            ("No opponent influencer is a decider, a dominant advisor or strongly influential.",),
            _newest([p.updated_on for p in inputs.people]),
        )
    lines = [f"{p.name} works against our proposal and {why}" for p, why in hits]
    refs = [_person_ref(p) for p, _ in hits]
    return _active(lines, refs, _newest([p.updated_on for p, _ in hits]))


def overdue_actions(inputs: AccountInputs) -> Verdict:
    if not inputs.has_actions:
        return _unknown("No actions are recorded for this account yet.")
    hits = sorted(
        (a for a in inputs.open_actions if a.due_on is not None and a.due_on < inputs.today),
        key=lambda a: a.due_on or inputs.today,
    )
    if not hits:
        return Verdict(False, ("No open action is past its due date.",), inputs.today)
    dated = [a for a in hits if a.due_on is not None]
    lines = [
        f"{a.title}: due {a.due_on.isoformat()}, {_days((inputs.today - a.due_on).days)} ago"
        for a in dated
        if a.due_on is not None
    ]
    refs = [Ref("action", a.id, "", a.version) if a.id else None for a in dated]
    return _active(lines, refs, inputs.today)


def declining_margin(inputs: AccountInputs) -> Verdict:
    years = sorted((y for y in inputs.years if y.year < inputs.today.year), key=lambda y: y.year)
    years = years[-3:]
    if len(years) < 2:
        return _unknown("Fewer than two complete years of sales figures.")
    as_of = _newest([y.computed_on for y in years])
    previous, last = years[-2], years[-1]
    trail = ", ".join(f"{y.year}: {_money(y.contribution_margin)}" for y in years)
    base = abs(previous.contribution_margin)
    drop = previous.contribution_margin - last.contribution_margin
    falling = drop > 0 and (base == 0 or drop / base >= MARGIN_DROP_AT_LEAST)
    if not falling:
        return Verdict(False, (f"Contribution margin {trail}: not falling.",), as_of)
    share = f" ({drop / base:.0%} down)" if base else ""
    return Verdict(
        True,
        (
            f"Contribution margin fell from {_money(previous.contribution_margin)}"
            f" in {previous.year}"
            f" to {_money(last.contribution_margin)} in {last.year}{share}; {trail}.",
        ),
        as_of,
        refs=(Ref("open_space", inputs.customer_id),),
    )


def _large_at(inputs: AccountInputs) -> tuple[Decimal, str]:
    years = sorted((y for y in inputs.years if y.year < inputs.today.year), key=lambda y: y.year)
    if years and years[-1].net_sales > 0:
        last = years[-1]
        return last.net_sales * LARGE_SHARE_OF_SALES, f"a tenth of {last.year}'s sales"
    pipeline = sum((o.value for o in inputs.open_opportunities), Decimal(0))
    return pipeline * LARGE_SHARE_OF_PIPELINE, "a quarter of the open pipeline"


def unqualified_large_opportunities(inputs: AccountInputs) -> Verdict:
    if not inputs.has_opportunities:
        return _unknown("No opportunities are recorded for this account yet.")
    if not inputs.open_opportunities:
        return Verdict(False, ("No opportunity is open.",), inputs.today)
    large_at, words = _large_at(inputs)
    hits = [
        o
        for o in inputs.open_opportunities
        if o.value > 0 and o.value >= large_at and o.missing_cabs
    ]
    if not hits:
        return Verdict(
            False,
            (
                f"Every open opportunity worth {words} or more is qualified"
                " on all four CABS points.",
            ),
            _newest([o.updated_on for o in inputs.open_opportunities]),
        )
    lines = [
        f"{o.title} ({_money(o.value)}): {', '.join(o.missing_cabs)} not established" for o in hits
    ]
    refs = [Ref("opportunity", o.id, "cabs") if o.id else None for o in hits]
    return _active(lines, refs, _newest([o.updated_on for o in hits]))


#: A key account should have had a review meeting within this many days.
REVIEW_GAP_DAYS = 90


def no_recent_review(inputs: AccountInputs) -> Verdict:
    if not inputs.reviews_recorded:
        return _unknown("Review meetings are not recorded in the app yet.")
    if inputs.last_review_on is None:
        started = inputs.plan_started_on
        if started is None:
            return Verdict(False, ("No plan started yet, so no review is owed.",), inputs.today)
        since = (inputs.today - started).days
        if since <= REVIEW_GAP_DAYS:
            return Verdict(
                False,
                (f"The plan started {_days(since)} ago; its first reviews are still ahead.",),
                started,
            )
        return Verdict(
            True, (f"No review held since the plan started {_days(since)} ago.",), started
        )
    age = (inputs.today - inputs.last_review_on).days
    if age > REVIEW_GAP_DAYS:
        return Verdict(True, (f"The last review was {_days(age)} ago.",), inputs.last_review_on)
    return Verdict(False, (f"The last review was {_days(age)} ago.",), inputs.last_review_on)


def stale_plan_sections(inputs: AccountInputs) -> Verdict:
    if not inputs.texts:
        return _unknown("No section of the plan is written yet.")
    lines: list[str] = []
    refs: list[Ref | None] = []
    for text in inputs.texts:
        if text.confirmed_on is None:
            lines.append(f"{text.label}: never confirmed")
        elif (inputs.today - text.confirmed_on).days > PLAN_TEXT_STALE_AFTER_DAYS:
            lines.append(
                f"{text.label}: last confirmed {_days((inputs.today - text.confirmed_on).days)} ago"
            )
        else:
            continue
        refs.append(Ref("plan_text", text.id, text.topic, text.version) if text.topic else None)
    as_of = _newest([t.confirmed_on or t.updated_on for t in inputs.texts])
    if not lines:
        return Verdict(
            False,
            (
                "Every written section was confirmed in the last"
                f" {PLAN_TEXT_STALE_AFTER_DAYS} days.",
            ),
            as_of,
        )
    return _active(lines, refs, as_of)


def low_probability_alive(inputs: AccountInputs) -> Verdict:
    if inputs.probability_alive is None:
        return _unknown("The purchase model (BG/NBD) has no estimate for this customer yet.")
    share = f"{inputs.probability_alive:.0%}"
    if inputs.probability_alive < PROBABILITY_ALIVE_BELOW:
        return Verdict(
            True,
            (f"The purchase model puts the chance this customer still buys at {share}.",),
            inputs.scores_computed_on,
        )
    return Verdict(
        False,
        (f"The purchase model puts the chance this customer still buys at {share}.",),
        inputs.scores_computed_on,
    )


def no_recent_contact(inputs: AccountInputs) -> Verdict:
    players = [p for p in inputs.people if p.is_key_player and p.last_contact_on is not None]
    if not players:
        return _unknown("Contacts with the key players are not recorded in the app yet.")
    lines = [
        f"{p.name} ({p.role_words()}): last contact"
        f" {_days((inputs.today - p.last_contact_on).days)} ago"
        for p in players
        if p.last_contact_on is not None
        and (inputs.today - p.last_contact_on).days > CONTACT_STALE_AFTER_DAYS
    ]
    as_of = _newest([p.last_contact_on for p in players])
    if not lines:
        return Verdict(
            False,
            (
                "Every recorded key player was contacted in the last"
                f" {CONTACT_STALE_AFTER_DAYS} days.",
            ),
            as_of,
        )
    return Verdict(True, _listed(lines), as_of)


@dataclass(frozen=True)
class Signal:
    code: str
    label: str
    #: What the settings page says about it, in plain words.
    help: str
    default_weight: Decimal
    check: Callable[[AccountInputs], Verdict]


SIGNALS: dict[str, Signal] = {
    s.code: s
    for s in (
        Signal(
            "severe_concerns",
            "Open severe concerns",
            "A stakeholder's concern of high severity that is not addressed yet.",
            Decimal(3),
            severe_concerns,
        ),
        Signal(
            "unmet_expectations",
            "Unmet expectations",
            "A stakeholder's expectation marked as not met.",
            Decimal(2),
            unmet_expectations,
        ),
        Signal(
            "uncovered_key_players",
            "Deciders or facilitators not covered",
            "A decider or facilitator nobody on our side owns, or whose relationship with us"
            " is neutral or worse.",
            Decimal(3),
            uncovered_key_players,
        ),
        Signal(
            "powerful_opponent",
            "A powerful opponent",
            "An opponent influencer who is a decider or a dominant advisor, strongly"
            " influences others, or sits in the power zone.",
            Decimal(2),
            powerful_opponent,
        ),
        Signal(
            "stale_assessments",
            "Stale buying-center assessments",
            "A key player (decider, facilitator, influencer, advisor) never assessed,"
            " or not for six months.",
            Decimal(1),
            stale_assessments,
        ),
        Signal(
            "overdue_actions",
            "Overdue actions",
            # 2, not 1: missed commitments plus a stale plan is a plan going stale (amber).
            "An open action past its due date.",
            Decimal(2),
            overdue_actions,
        ),
        Signal(
            "declining_margin",
            "Declining margin",
            "The contribution margin of the last complete year fell by 5 % or more"
            " from the year before.",
            Decimal(2),
            declining_margin,
        ),
        Signal(
            "unqualified_large_opportunities",
            "Large opportunities not qualified",
            "An open opportunity worth a tenth of last year's sales or more that does not"
            " hold on all four CABS points.",
            Decimal(1),
            unqualified_large_opportunities,
        ),
        Signal(
            "low_probability_alive",
            "Customer may be slipping away",
            "The purchase model (BG/NBD) gives less than a 50 % chance that the customer"
            " still buys.",
            Decimal(2),
            low_probability_alive,
        ),
        Signal(
            "no_recent_review",
            "No review in 90 days",
            "No review meeting held on the account in the last 90 days.",
            Decimal(1),
            no_recent_review,
        ),
        Signal(
            "stale_plan_sections",
            "Stale plan sections",
            "A hand-typed section of the plan not confirmed for 90 days.",
            Decimal(1),
            stale_plan_sections,
        ),
        Signal(
            "no_recent_contact",
            "Key players out of touch",
            "A key player with no recorded contact for 90 days.",
            Decimal(1),
            no_recent_contact,
        ),
    )
}
