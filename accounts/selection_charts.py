"""Chart specs of the selection workspace (Vega-Lite, built with altair; see kam/charts.py)."""

from __future__ import annotations

from typing import Any

from accounts.selection_selectors import ParetoData, candidate_url

#: Width of the server-rendered picture; the browser fits the chart to its card.
SVG_WIDTH = 720
HEIGHT = 300
#: From this many customers the rank axis is logarithmic.
LOG_SCALE_FROM = 200


def pareto_spec(data: ParetoData) -> dict[str, Any]:
    """Cumulative share of the basis by customer rank, with the 40/50/80 % markers.

    Each point is a real customer (its rank, name and value in the tooltip;
    a click opens its candidate page). Markers are vertical rules at the rank
    where each share is reached, labelled "50 % at rank 16".
    """
    # altair takes a second or more to import: only the pages that draw a chart pay it.
    import altair as alt

    amount_title = f"{data.basis_label.capitalize()} ({data.currency})"
    points = alt.Data(
        values=[
            {
                "rank": point.rank,
                "share": point.share,
                "customer": point.name,
                "amount": round(point.value, 2),
                "href": candidate_url(point.customer_id),
            }
            for point in data.points
        ]
    )
    # With thousands of customers the interesting part (the first few dozen
    # ranks) would be squeezed against the axis; a log scale spreads it out.
    log = data.customers > LOG_SCALE_FROM
    rank_axis = alt.X(
        "rank:Q",
        title="Customer rank, largest first" + (" (log scale)" if log else ""),
        scale=alt.Scale(type="log", domain=[1, data.customers], nice=False)
        if log
        else alt.Scale(domain=[1, max(data.customers, 2)], nice=False),
    )
    share_axis = alt.Y(
        "share:Q",
        title=f"Cumulative share of {data.basis_label}",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    tooltip = [
        alt.Tooltip("customer:N", title="Customer"),
        alt.Tooltip("rank:Q", title="Rank", format=","),
        alt.Tooltip("share:Q", title="Cumulative share", format=".1%"),
        alt.Tooltip("amount:Q", title=amount_title, format=",.0f"),
    ]
    base = alt.Chart(points).encode(x=rank_axis, y=share_axis)
    curve = base.mark_line(interpolate="monotone", strokeWidth=2)
    dots = base.mark_circle(size=36, opacity=0.85, cursor="pointer").encode(tooltip=tooltip)
    layers: list[Any] = [curve, dots]
    if data.markers:
        markers = alt.Data(
            values=[
                {"rank": rank, "share": percent / 100, "label": f"{percent} % at rank {rank:,}"}
                for percent, rank in data.markers
            ]
        )
        marker_base = alt.Chart(markers).encode(x="rank:Q")
        layers.append(marker_base.mark_rule(strokeDash=[4, 4], opacity=0.7))
        layers.append(
            marker_base.mark_text(align="left", dx=6, dy=-6, fontWeight="bold").encode(
                y="share:Q", text="label:N"
            )
        )
    # No chart title: the sentence stands above the chart on the page, and the
    # print and projector layouts place it the same way.
    chart = alt.layer(*layers).properties(width=SVG_WIDTH, height=HEIGHT)
    return chart.to_dict()
