"""Chart specs of the portfolio: the three matrices as bubble charts (see kam/charts.py).

Each bubble is one account: its size is last year's revenue, its colour its
health, the tooltip says where it sits and why, a click opens its plan.
Dashed rules mark where the quadrants split; the quadrants are named in their
corners so the picture reads without a legend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from planning.plan.my_week import plan_url
from planning.portfolio.selectors import AccountPosition, Portfolio

SVG_WIDTH = 360
HEIGHT = 300

#: Health colours, the page's own (components.css tokens), unknown in grey.
HEALTH_DOMAIN = ["green", "amber", "red", "unknown"]
HEALTH_RANGE = ["#1e7a46", "#c77c00", "#b3261e", "#8a94a3"]


@dataclass(frozen=True)
class Axis:
    title: str
    value: Callable[[AccountPosition], float | None]
    split: float | None
    domain: tuple[float, float] | None = None
    format: str = "~s"


@dataclass(frozen=True)
class Matrix:
    key: str
    x: Axis
    y: Axis
    #: Corner names: (top-left, top-right, bottom-left, bottom-right).
    corners: tuple[str, str, str, str]
    position: Callable[[AccountPosition], str]


def _points(matrix: Matrix, accounts: list[AccountPosition]) -> list[dict[str, Any]]:
    points = []
    for account in accounts:
        x, y = matrix.x.value(account), matrix.y.value(account)
        if x is None or y is None:
            continue
        points.append(
            {
                "x": x,
                "y": y,
                "account": account.customer.name,
                "kam": account.kam,
                "position": matrix.position(account),
                "revenue": float(account.revenue) if account.revenue is not None else 0.0,
                "revenue_text": f"{account.revenue:,.0f}"
                if account.revenue is not None
                else "unknown",
                "health": account.health.rating if account.health else "unknown",
                "recommendation": account.recommendation.reason if account.recommendation else "",
                "href": plan_url(account.customer.pk),
            }
        )
    return points


def matrix_spec(matrix: Matrix, accounts: list[AccountPosition]) -> dict[str, Any]:
    # altair takes a second or more to import: only the pages that draw a chart pay it.
    import altair as alt

    points = _points(matrix, accounts)
    xs = [p["x"] for p in points] + ([matrix.x.split] if matrix.x.split is not None else [])
    ys = [p["y"] for p in points] + ([matrix.y.split] if matrix.y.split is not None else [])
    x_domain = matrix.x.domain or _padded(xs)
    y_domain = matrix.y.domain or _padded(ys)
    # Every layer takes the same scales: a layer without an explicit domain would
    # stretch the shared axis to zero.
    x_scale = alt.Scale(domain=list(x_domain), nice=False, zero=False)
    y_scale = alt.Scale(domain=list(y_domain), nice=False, zero=False)
    x = alt.X("x:Q", title=matrix.x.title, scale=x_scale, axis=alt.Axis(format=matrix.x.format))
    y = alt.Y("y:Q", title=matrix.y.title, scale=y_scale, axis=alt.Axis(format=matrix.y.format))
    bubbles = (
        alt.Chart(alt.Data(values=points))
        .mark_circle(opacity=0.8, stroke="#ffffff", strokeWidth=1, cursor="pointer")
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "revenue:Q",
                title="Revenue last year",
                scale=alt.Scale(range=[60, 900], zero=True),
                legend=None,
            ),
            color=alt.Color(
                "health:N",
                title="Health",
                scale=alt.Scale(domain=HEALTH_DOMAIN, range=HEALTH_RANGE),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("account:N", title="Account"),
                alt.Tooltip("position:N", title="Position"),
                alt.Tooltip("kam:N", title="KAM"),
                alt.Tooltip("revenue_text:N", title="Revenue last year"),
                alt.Tooltip("health:N", title="Health"),
                alt.Tooltip("recommendation:N", title="Recommendation"),
            ],
        )
    )
    layers: list[Any] = []
    if matrix.x.split is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"x": matrix.x.split}]))
            .mark_rule(strokeDash=[4, 4], opacity=0.6)
            .encode(x=alt.X("x:Q", scale=x_scale))
        )
    if matrix.y.split is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"y": matrix.y.split}]))
            .mark_rule(strokeDash=[4, 4], opacity=0.6)
            .encode(y=alt.Y("y:Q", scale=y_scale))
        )
    top_left, top_right, bottom_left, bottom_right = matrix.corners
    corners: list[tuple[float, float, str, Literal["left", "right"], Literal["top", "bottom"]]] = [
        (x_domain[0], y_domain[1], top_left, "left", "top"),
        (x_domain[1], y_domain[1], top_right, "right", "top"),
        (x_domain[0], y_domain[0], bottom_left, "left", "bottom"),
        (x_domain[1], y_domain[0], bottom_right, "right", "bottom"),
    ]
    for corner_x, corner_y, label, align, baseline in corners:
        layers.append(
            alt.Chart(alt.Data(values=[{"x": corner_x, "y": corner_y, "label": label}]))
            .mark_text(
                align=align,
                baseline=baseline,
                dx=4 if align == "left" else -4,
                dy=4 if baseline == "top" else -4,
                opacity=0.55,
                fontWeight="bold",
            )
            .encode(x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="label:N")
        )
    layers.append(bubbles)
    chart = alt.layer(*layers).properties(width=SVG_WIDTH, height=HEIGHT)
    return chart.to_dict()


def _padded(values: list[float]) -> tuple[float, float]:
    if not values:
        return (0.0, 1.0)
    low, high = min(values), max(values)
    pad = (high - low) * 0.12 or abs(high) * 0.25 or 1.0
    return (low - pad, high + pad)


_FIOCCA_WORDS = {
    "key_easy": "Key, easy",
    "key_difficult": "Key, difficult",
    "non_key_easy": "Not key, easy",
    "non_key_difficult": "Not key, difficult",
}


def _label(value: object) -> str:
    return str(value).replace("_", " ").capitalize() if value else "unknown"


def matrices(portfolio: Portfolio) -> list[tuple[Matrix, list[AccountPosition]]]:
    """The three matrices with the accounts that have their inputs."""
    currency = portfolio.currency
    year = portfolio.year or "last year"
    fiocca = Matrix(
        key="fiocca",
        x=Axis("Difficulty (1-5)", lambda a: a.difficulty, 3.0, (1, 5), ".1f"),
        y=Axis("Strategic importance (1-5)", lambda a: a.importance, 3.0, (1, 5), ".1f"),
        corners=("Key, easy", "Key, difficult", "Not key, easy", "Not key, difficult"),
        position=lambda a: _FIOCCA_WORDS.get(a.fiocca or "", "unknown"),
    )
    profit = Matrix(
        key="profit",
        x=Axis(
            f"Present: margin {year} ({currency})",
            lambda a: a.present,
            portfolio.present_split,
        ),
        y=Axis(
            f"Potential: UPV + CLV growth ({currency})",
            lambda a: a.potential,
            portfolio.potential_split,
        ),
        corners=("Undeveloped", "Desirable", "Undesirable", "Developed"),
        position=lambda a: _label(a.profit),
    )
    relationship = Matrix(
        key="relationship",
        x=Axis(
            "Loyalty (years with purchases)",
            lambda a: a.loyalty,
            portfolio.loyalty_threshold,
            (0, 1),
            ".0%",
        ),
        y=Axis(
            "Profitability (margin share)",
            lambda a: a.profitability,
            portfolio.profitability_threshold,
            None,
            ".0%",
        ),
        corners=("Butterfly", "Friend", "Stranger", "Vulture"),
        position=lambda a: _label(a.relationship),
    )
    return [(m, portfolio.on(m.key)) for m in (fiocca, profit, relationship)]
