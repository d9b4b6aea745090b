"""Shared chart helpers: the bundled Vega runtime and server-side SVG."""

from __future__ import annotations

import altair as alt
import pytest
from django.test import Client
from django.urls import reverse

from kam.charts import chart_svg, runtime_bundle, runtime_etag, spec_for_page


def _spec() -> dict:
    data = alt.Data(values=[{"rank": 1, "share": 0.5, "href": "/x/"}, {"rank": 2, "share": 1}])
    return (
        alt.Chart(data).mark_line().encode(x="rank:Q", y="share:Q").properties(width=300).to_dict()
    )


def test_chart_svg_renders_the_spec_on_the_server() -> None:
    svg = chart_svg(_spec())
    assert svg.startswith("<svg")
    assert "rank" in svg  # the axis title


def test_page_spec_fits_its_container_and_keeps_the_data() -> None:
    spec = spec_for_page(_spec())
    assert spec["width"] == "container"
    assert spec["config"]["font"].startswith("system-ui")
    assert spec["data"]["values"][0]["href"] == "/x/"


@pytest.mark.django_db
def test_runtime_is_served_with_cache_headers_and_an_etag(client: Client) -> None:
    url = reverse("vega-runtime")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "immutable" in response["Cache-Control"]
    assert response["ETag"] == runtime_etag()
    assert b"window.vegaEmbed" in runtime_bundle()
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
