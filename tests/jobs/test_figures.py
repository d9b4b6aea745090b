"""Customer figures: hand-checked examples of the pure calculation."""

from __future__ import annotations

from decimal import Decimal

from accounts.figures import SaleAmounts, customer_year_figures


def line(
    customer: int,
    year: int,
    net: str,
    cogs: str = "0",
    cts: str = "0",
    currency: str = "EUR",
) -> SaleAmounts:
    return SaleAmounts(
        customer_id=customer,
        year=year,
        net_sales=Decimal(net),
        cost_of_goods=Decimal(cogs),
        cost_to_serve=Decimal(cts),
        currency=currency,
    )


def test_one_customer_one_year_adds_up_lines() -> None:
    # 1000 + 500 sold; goods cost 600 + 300; serving cost 100 + 50.
    # Contribution margin = 1500 - 900 - 150 = 450, i.e. 30 % of net sales.
    result = customer_year_figures(
        [line(1, 2025, "1000.00", "600.00", "100.00"), line(1, 2025, "500.00", "300.00", "50.00")],
        currency="EUR",
    )
    [figures] = result.figures
    assert (figures.net_sales, figures.cost_of_goods, figures.cost_to_serve) == (
        Decimal("1500.00"),
        Decimal("900.00"),
        Decimal("150.00"),
    )
    assert figures.gross_margin == Decimal("600.00")
    assert figures.contribution_margin == Decimal("450.00")
    assert figures.contribution_margin_ratio == Decimal("0.3000")
    assert figures.line_count == 2


def test_a_return_is_a_negative_line_that_reduces_sales_and_costs() -> None:
    # Sold 2000 (goods 1200), then 500 came back: credit note -500, goods -300
    # back in stock, but handling the return cost 40 to serve.
    result = customer_year_figures(
        [
            line(7, 2024, "2000.00", "1200.00", "80.00"),
            line(7, 2024, "-500.00", "-300.00", "40.00"),
        ],
        currency="EUR",
    )
    [figures] = result.figures
    assert figures.net_sales == Decimal("1500.00")
    assert figures.cost_of_goods == Decimal("900.00")
    assert figures.cost_to_serve == Decimal("120.00")
    assert figures.contribution_margin == Decimal("480.00")  # 1500 - 900 - 120


def test_figures_are_split_by_customer_and_year_and_sorted() -> None:
    result = customer_year_figures(
        [
            line(2, 2025, "10.00"),
            line(1, 2025, "20.00"),
            line(1, 2024, "30.00"),
            line(2, 2025, "5.50"),
        ],
        currency="EUR",
    )
    assert [(f.customer_id, f.year, f.net_sales) for f in result.figures] == [
        (1, 2024, Decimal("30.00")),
        (1, 2025, Decimal("20.00")),
        (2, 2025, Decimal("15.50")),
    ]


def test_a_customer_with_only_a_credit_note_has_a_negative_margin_and_no_ratio() -> None:
    [figures] = customer_year_figures(
        [line(3, 2025, "-80.00", "-50.00", "10.00")], currency="EUR"
    ).figures
    assert figures.contribution_margin == Decimal("-40.00")  # -80 + 50 - 10
    assert figures.contribution_margin_ratio is None


def test_lines_in_another_currency_are_left_out_and_counted() -> None:
    result = customer_year_figures(
        [line(1, 2025, "100.00"), line(1, 2025, "999.00", currency="usd")], currency="eur"
    )
    assert [f.net_sales for f in result.figures] == [Decimal("100.00")]
    assert result.skipped_lines == 1
    assert result.skipped_currencies == {"USD"}


def test_pre_summed_amounts_give_the_same_figures_as_single_lines() -> None:
    single = [line(1, 2025, "10.10", "4.00", "1.00"), line(1, 2025, "-2.05", "-1.00", "0.50")]
    summed = [
        SaleAmounts(
            customer_id=1,
            year=2025,
            net_sales=Decimal("8.05"),
            cost_of_goods=Decimal("3.00"),
            cost_to_serve=Decimal("1.50"),
            currency="EUR",
            line_count=2,
        )
    ]
    assert customer_year_figures(single, currency="EUR") == customer_year_figures(
        summed, currency="EUR"
    )
