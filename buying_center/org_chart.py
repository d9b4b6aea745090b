"""Reports-to lines of an org chart: finding cycles. Plain Python, no Django.

Used by the stakeholder services (one person at a time) and by the import
(a whole file at once), so both refuse a loop with the same wording.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def chain_upwards(start: K, manager_of: Mapping[K, K | None], *, limit: int = 10_000) -> list[K]:
    """``start`` and its managers upwards, stopping before any person seen twice."""
    chain = [start]
    seen = {start}
    current = manager_of.get(start)
    while current is not None and current not in seen and len(chain) < limit:
        chain.append(current)
        seen.add(current)
        current = manager_of.get(current)
    return chain


def path_to(start: K, goal: K, manager_of: Mapping[K, K | None]) -> list[K] | None:
    """The reports-to path from ``start`` up to ``goal`` (both included), or ``None``."""
    chain = chain_upwards(start, manager_of)
    if goal in chain:
        return chain[: chain.index(goal) + 1]
    return None


def find_cycles(manager_of: Mapping[K, K | None]) -> list[list[K]]:
    """Every reports-to loop, each once, as [a, b, ..., a's manager chain back to a]."""
    cycles: list[list[K]] = []
    state: dict[K, int] = {}  # 1 = on the current walk, 2 = done
    for origin in manager_of:
        walk: list[K] = []
        current: K | None = origin
        while current is not None and state.get(current) is None:
            state[current] = 1
            walk.append(current)
            current = manager_of.get(current)
        if current is not None and state.get(current) == 1:
            cycles.append(walk[walk.index(current) :])
        for person in walk:
            state[person] = 2
    return cycles


def first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def cycle_text(names: Sequence[str]) -> str:
    """'Tom -> Mia -> Anna -> Tom' for a loop of three people."""
    return " -> ".join([*names, names[0]]) if names else ""
