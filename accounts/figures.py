"""Customer figures per year: net sales, costs and contribution margin.

Pure calculations, no Django: the "customer figures" job feeds them sales
amounts and stores what they return.

Definitions (per customer and calendar year, in the workspace's reporting
currency):

* net sales: invoiced amounts after discounts; returns and credit notes are
  negative lines and reduce it;
* cost of goods: what the goods sold cost; a return brings goods back, so its
  line carries a negative cost of goods;
* cost to serve: direct selling expenses (pre-sale, key account management,
  administration, credit, delivery); a return usually adds to it;
* gross margin = net sales - cost of goods;
* contribution margin = net sales - cost of goods - cost to serve, what the
  customer contributes to fixed costs and profit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SaleAmounts:
    """One sales line, or several lines of one customer, year and currency summed up.

    Sums of sums are sums, so the caller may pre-aggregate in the database and
    get exactly the figures it would get from the single lines.
    """

    customer_id: int
    year: int
    net_sales: Decimal
    cost_of_goods: Decimal
    cost_to_serve: Decimal
    currency: str
    line_count: int = 1


@dataclass(frozen=True)
class CustomerYear:
    customer_id: int
    year: int
    net_sales: Decimal
    cost_of_goods: Decimal
    cost_to_serve: Decimal
    line_count: int

    @property
    def gross_margin(self) -> Decimal:
        return self.net_sales - self.cost_of_goods

    @property
    def contribution_margin(self) -> Decimal:
        return self.net_sales - self.cost_of_goods - self.cost_to_serve

    @property
    def contribution_margin_ratio(self) -> Decimal | None:
        """Contribution margin as a share of net sales; ``None`` without positive net sales."""
        if self.net_sales <= 0:
            return None
        return (self.contribution_margin / self.net_sales).quantize(Decimal("0.0001"))


@dataclass
class FiguresResult:
    figures: list[CustomerYear]
    #: Lines left out because they are in another currency than the reporting
    #: one (there are no exchange rates to convert them yet).
    skipped_lines: int = 0
    skipped_currencies: set[str] = field(default_factory=set)


def customer_year_figures(amounts: Iterable[SaleAmounts], *, currency: str) -> FiguresResult:
    """Sum ``amounts`` per customer and year; lines in another currency are counted, not added.

    The result is sorted by customer, then year.
    """
    totals: dict[tuple[int, int], list[Decimal]] = {}
    counts: dict[tuple[int, int], int] = {}
    result = FiguresResult(figures=[])
    wanted = currency.upper()
    for line in amounts:
        if line.currency.upper() != wanted:
            result.skipped_lines += line.line_count
            result.skipped_currencies.add(line.currency.upper())
            continue
        key = (line.customer_id, line.year)
        sums = totals.setdefault(key, [ZERO, ZERO, ZERO])
        sums[0] += line.net_sales
        sums[1] += line.cost_of_goods
        sums[2] += line.cost_to_serve
        counts[key] = counts.get(key, 0) + line.line_count
    for (customer_id, year), (net_sales, cost_of_goods, cost_to_serve) in sorted(totals.items()):
        result.figures.append(
            CustomerYear(
                customer_id=customer_id,
                year=year,
                net_sales=net_sales.quantize(CENT),
                cost_of_goods=cost_of_goods.quantize(CENT),
                cost_to_serve=cost_to_serve.quantize(CENT),
                line_count=counts[(customer_id, year)],
            )
        )
    return result
