"""Chart specs of the model page (Vega-Lite, built with altair; see kam/charts.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from accounts.scoring.diagnostics import HoldoutCalibration

SVG_WIDTH = 720
HEIGHT = 280
ALIVE_BINS = 20


def calibration_spec(check: HoldoutCalibration) -> dict[str, Any]:
    """Mean repeat purchases in the holdout, predicted and actual, by calibration frequency."""
    import altair as alt

    last = check.rows[-1].frequency if check.rows else 0
    values = []
    for row in check.rows:
        label = f"{row.frequency}+" if row.frequency == last and last >= 7 else str(row.frequency)
        for series, mean in (("Predicted", row.predicted), ("Actual", row.actual)):
            values.append(
                {
                    "frequency": label,
                    "order": row.frequency,
                    "series": series,
                    "mean": round(mean, 3),
                    "customers": row.customers,
                }
            )
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "frequency:O",
            title="Repeat purchases in the calibration period",
            sort=alt.SortField("order"),
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y("mean:Q", title=f"Purchases per customer in the {check.holdout_days}-day holdout"),
        color=alt.Color("series:N", title=None, sort=["Predicted", "Actual"]),
        # One legend: colour and dash tell the same series apart.
        strokeDash=alt.StrokeDash("series:N", sort=["Predicted", "Actual"], legend=None),
        tooltip=[
            alt.Tooltip("frequency:O", title="Repeat purchases before"),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("mean:Q", title="Purchases per customer", format=".2f"),
            alt.Tooltip("customers:Q", title="Customers", format=","),
        ],
    )
    chart = alt.layer(base.mark_line(strokeWidth=2), base.mark_point(size=50, filled=True))
    return chart.properties(width=SVG_WIDTH, height=HEIGHT).to_dict()


def alive_histogram_spec(values: list[float]) -> dict[str, Any]:
    """How many customers have each probability of still being active (bins of 5 %)."""
    import altair as alt

    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=ALIVE_BINS, range=(0, 1))
    data = [
        {
            "from": round(float(edges[i]), 2),
            "to": round(float(edges[i + 1]), 2),
            "customers": int(counts[i]),
            "label": f"{edges[i]:.0%} to {edges[i + 1]:.0%}",
        }
        for i in range(ALIVE_BINS)
    ]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X(
                "from:Q",
                bin="binned",
                title="Probability of still being an active customer",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            x2="to:Q",
            y=alt.Y("customers:Q", title="Customers"),
            tooltip=[
                alt.Tooltip("label:N", title="Probability alive"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
            ],
        )
    )
    return chart.properties(width=SVG_WIDTH, height=HEIGHT).to_dict()
