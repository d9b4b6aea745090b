"""The demo's CSFs and Open Spaces: rows from real sales segments, catalog columns, cells."""

from __future__ import annotations

import random
from decimal import Decimal

from accounts.models import Offering
from planning.demo.account import _Account, _round
from planning.models import (
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)

CSF_TITLES = (
    ("Zero unplanned downtime on the main lines", "Every lost hour costs a full shift of output."),
    ("Cut energy use per tonne by 15 %", "Board target for 2027; energy is their largest cost."),
    ("Meet the new emissions permit", "Permit renewal depends on lower VOC and noise."),
    ("Grow output without new sites", "Capacity must come from existing plants."),
    ("Safer maintenance work", "Lost-time injuries must halve; fewer confined-space entries."),
    ("Shorter project start-ups", "New lines must reach nameplate in weeks, not months."),
    ("Lower working capital in spares", "Spare-part stock is tied-up cash they want back."),
)


#: The customer's own business units: rows are grouped region > business unit.
CUSTOMER_UNITS = ("Production", "Utilities & energy", "Engineering projects", "Maintenance hub")


CO_CREATION = (
    ("Pump-as-a-service (pay per m³)", "Co-creation"),
    ("Digital twin of the compressor house", "Co-creation"),
    ("Shared spare-parts pool with their other sites", "Co-creation"),
)


COMPETITORS = ("Krupa Pumps", "Atlas Flowtech", "Vesta Air", "Hydronic Service", "Nordkraft")


def _feed_upv(accounts: list[_Account]) -> Decimal:
    """Store each matrix's UPV on its account; the scores pick it up in one recompute.

    ``upv_feed`` marks each account dirty; all of it happens in the demo's one
    transaction, which asks for a single scores run on commit.
    """
    from planning.open_space.services.open_spaces import upv_feed

    total = Decimal(0)
    for account in accounts:
        assert account.open_space is not None
        total += upv_feed(open_space=account.open_space).total
    return total


def _segments(account: _Account, real: list[str], rng: random.Random) -> list[OpenSpaceSegment]:
    """6 to 14 rows: the segments it buys in, then the same sites' other units (open)."""
    customer = account.customer
    region = customer.region or "Home market"
    target = rng.randint(6, 14)
    sites = real[:6] or [f"{region} site {n}" for n in range(1, 3)]
    rows: list[tuple[str, str, str]] = [
        (f"{region} > {CUSTOMER_UNITS[0]}", site, site) for site in sites
    ]
    units = list(CUSTOMER_UNITS[1:])
    i = 0
    while len(rows) < target:
        unit = units[i % len(units)]
        site = sites[(i // len(units)) % len(sites)]
        name = f"{site} ({unit.split()[0].lower()})"
        if all(r[1] != name for r in rows):
            rows.append((f"{region} > {unit}", name, ""))
        i += 1
        if i > 60:
            break
    rows.sort(key=lambda r: (CUSTOMER_UNITS.index(r[0].split(" > ", 1)[1]), r[1]))
    assert account.open_space is not None
    return [
        OpenSpaceSegment(
            workspace=account.open_space.workspace,
            open_space=account.open_space,
            group=group,
            name=name,
            sales_segment=sales_segment,
            position=position,
        )
        for position, (group, name, sales_segment) in enumerate(rows)
    ]


def _columns(
    account: _Account, catalog: list[Offering], bought: set[int], rng: random.Random
) -> list[OpenSpaceColumn]:
    """All it buys, then one to three offerings it buys nowhere (cross-sell), plus co-creation."""
    assert account.open_space is not None
    # At least eight catalog columns, and always some it does not buy at all:
    # without them the matrix would show no cross-sell, only up-sell.
    target = min(len(catalog), max(8, len(bought) + rng.randint(1, 3)))
    chosen = [o for o in catalog if o.pk in bought]
    others = [o for o in catalog if o.pk not in bought]
    rng.shuffle(others)
    chosen += others[: max(0, target - len(chosen))]
    chosen.sort(key=lambda o: (o.business_unit, o.code))
    columns = [
        OpenSpaceColumn(
            workspace=account.open_space.workspace,
            open_space=account.open_space,
            offering=offering,
            group=offering.business_unit,
            position=position,
        )
        for position, offering in enumerate(chosen)
    ]
    for name, group in rng.sample(CO_CREATION, k=rng.randint(1, 2)):
        columns.append(
            OpenSpaceColumn(
                workspace=account.open_space.workspace,
                open_space=account.open_space,
                name=name,
                group=group,
                position=len(columns),
            )
        )
    return columns


def _cells(
    account: _Account, sold: set[tuple[str, int]], rng: random.Random
) -> list[OpenSpaceCell]:
    assert account.open_space is not None
    cells: list[OpenSpaceCell] = []
    scale = rng.uniform(0.6, 1.8)
    for segment in account.segments:
        key = (segment.sales_segment or segment.name).strip().lower()
        for column in account.columns:
            incumbent = column.offering_id is not None and (key, column.offering_id) in sold
            if incumbent:
                # Sales come from the lines; a competitor note on a few, no potential.
                if rng.random() < 0.12:
                    cells.append(
                        OpenSpaceCell(
                            workspace=account.open_space.workspace,
                            open_space=account.open_space,
                            segment=segment,
                            column=column,
                            competitor=rng.choice(COMPETITORS),
                            note="incumbent",
                        )
                    )
                continue
            if rng.random() > 0.72:
                continue  # left empty: nobody has estimated it yet
            csf = rng.choice(account.csfs) if rng.random() < 0.22 else None
            competitor = rng.choice(COMPETITORS) if rng.random() < 0.25 else ""
            base = 60_000 if column.offering_id is None else 35_000
            cells.append(
                OpenSpaceCell(
                    workspace=account.open_space.workspace,
                    open_space=account.open_space,
                    segment=segment,
                    column=column,
                    potential=_round(base * scale * rng.lognormvariate(0, 0.8)),
                    success_factor=csf,
                    competitor=competitor,
                    note="open",
                )
            )
    # A believable handful of priority cells, never none: align a few more if needed.
    priority = [c for c in cells if c.note == "open" and c.success_factor and not c.competitor]
    candidates = [
        c for c in cells if c.note == "open" and not c.success_factor and not c.competitor
    ]
    rng.shuffle(candidates)
    for cell in candidates[: max(0, 3 - len(priority))]:
        cell.success_factor = rng.choice(account.csfs)
    for cell in cells:
        cell.note = ""
    return cells
