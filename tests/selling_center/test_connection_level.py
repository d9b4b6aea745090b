"""The diamond rules as plain data: no database, no Django."""

from __future__ import annotations

from selling_center.connection_level import (
    CONSULTATIVE,
    TRANSACTIONAL,
    TRANSFORMATIVE,
    StakeholderCoverage,
    suggest_connection_level,
)


def person(*roles: str, covered: bool = True, score: int | None = 1) -> StakeholderCoverage:
    return StakeholderCoverage(roles=frozenset(roles), covered=covered, score=score)


def test_nobody_recorded_is_transactional_and_says_why() -> None:
    suggestion = suggest_connection_level([], executive_pairs=0)

    assert suggestion.level == TRANSACTIONAL
    assert "No stakeholders" in suggestion.reasons[0]


def test_every_role_covered_strong_scores_and_exec_pair_is_transformative() -> None:
    people = [person("decider", score=2), person("buyer"), person("influencer", "user")]

    suggestion = suggest_connection_level(people, executive_pairs=1)

    assert suggestion.level == TRANSFORMATIVE
    assert suggestion.average_score is not None and suggestion.average_score >= 1


def test_without_an_executive_pair_the_best_is_consultative() -> None:
    people = [person("decider", score=2), person("buyer"), person("influencer")]

    suggestion = suggest_connection_level(people, executive_pairs=0)

    assert suggestion.level == CONSULTATIVE
    assert any("No executive-to-executive pair" in reason for reason in suggestion.reasons)


def test_an_uncovered_role_blocks_transformative_and_is_named() -> None:
    people = [person("decider", score=2), person("gatekeeper", covered=False), person("influencer")]

    suggestion = suggest_connection_level(people, executive_pairs=2)

    assert suggestion.level == CONSULTATIVE
    assert any("gatekeeper" in reason for reason in suggestion.reasons)


def test_consultative_needs_every_influencer_and_facilitator_covered() -> None:
    people = [
        person("buyer", score=1),
        person("influencer", score=1),
        person("facilitator", covered=False, score=1),
    ]

    suggestion = suggest_connection_level(people, executive_pairs=0)

    assert suggestion.level == TRANSACTIONAL
    assert "1 of 2 influencers and facilitators" in suggestion.reasons[0]


def test_a_negative_average_keeps_the_account_transactional() -> None:
    people = [person("influencer", score=-2), person("facilitator", score=1)]

    assert suggest_connection_level(people, executive_pairs=0).level == TRANSACTIONAL


def test_neutral_average_with_the_network_covered_is_consultative() -> None:
    people = [
        person("influencer", score=0),
        person("facilitator", score=None),
        person("buyer", score=0),
    ]

    assert suggest_connection_level(people, executive_pairs=0).level == CONSULTATIVE


def test_nobody_scored_is_never_above_transactional() -> None:
    people = [person("decider", score=None), person("influencer", score=None)]

    suggestion = suggest_connection_level(people, executive_pairs=3)

    assert suggestion.level == TRANSACTIONAL
    assert "No relationship is scored yet." in suggestion.reasons[0]


def test_the_rules_module_imports_nothing_from_django() -> None:
    import ast
    from pathlib import Path

    import selling_center.connection_level as module

    tree = ast.parse(Path(module.__file__).read_text())
    top_level = [
        node.module or ""
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module != "__future__"
    ] + [alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in top_level if name.startswith(("django", "accounts", "buying"))]
