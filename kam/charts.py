"""Charts: one Vega-Lite spec for the browser, the PDF and the projector.

Specs are built with altair (``chart.to_dict()``) by the area that owns the
numbers and handed to ``templates/components/chart.html``:

- in the browser, ``static/js/charts.js`` embeds every ``[data-vega-spec]``
  element with the Vega runtime served by :func:`vega_runtime` (tooltips, click
  a point with an ``href`` to open it);
- on the server, :func:`chart_svg` renders the same spec to SVG with
  vl-convert: inside ``<noscript>`` on pages, and for WeasyPrint and the
  projector later.

The runtime is vl-convert's own bundle of Vega, Vega-Lite and Vega-Embed: no
CDN and no third-party JavaScript in the repository, and the app works offline.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import vl_convert
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

#: Vega-Lite version the specs are written for (altair's schema) and rendered with.
VEGA_LITE_VERSION = "6.4"
#: A year: the runtime URL carries its version, so a new runtime is a new URL.
RUNTIME_MAX_AGE = 365 * 24 * 60 * 60
#: Rendered SVGs are cached by the spec's hash; a spec that changes is a new key.
SVG_CACHE_SECONDS = 24 * 60 * 60

#: Plain styling shared by every chart; charts.js overrides colours and sizes
#: from the page's design tokens (light or projector theme) in the browser.
BASE_CONFIG: dict[str, Any] = {
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "grid": True, "gridOpacity": 0.5},
    "legend": {"labelFontSize": 12, "titleFontSize": 13},
    "background": None,
}


def runtime_version() -> str:
    """Changes whenever vl-convert (and so the bundled Vega) changes."""
    # vl-convert's stubs leave out __version__, which the module has.
    return f"{vl_convert.__version__}-vl{VEGA_LITE_VERSION}"  # type: ignore[attr-defined]


def _runtime_file() -> Path:
    return Path(settings.STATIC_ROOT) / "vendor" / f"vega-runtime-{runtime_version()}.js"


@functools.cache
def runtime_bundle() -> bytes:
    """The Vega runtime JavaScript, built once per version.

    Building takes seconds, so the result is kept on disk under STATIC_ROOT
    (shared by every worker process and surviving restarts) and in memory.
    """
    path = _runtime_file()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    # The stubs make ``snippet`` required; at run time it defaults to the snippet
    # that puts vegaEmbed, vegaLite and vega on window, which the pages rely on.
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION).encode()  # type: ignore[call-arg]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a second process never reads half a file.
        partial = path.with_suffix(".partial")
        partial.write_bytes(bundle)
        partial.replace(path)
    except OSError:  # a read-only file system still gets the in-memory copy
        logger.warning("could not store the Vega runtime at %s", path)
    return bundle


@functools.cache
def runtime_etag() -> str:
    return '"' + hashlib.sha256(runtime_bundle()).hexdigest()[:32] + '"'


@require_GET
def vega_runtime(request: HttpRequest) -> HttpResponse:
    """Serve the Vega runtime with long cache headers and an ETag."""
    etag = runtime_etag()
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(runtime_bundle(), content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={RUNTIME_MAX_AGE}, immutable"
    return response


def with_base_config(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the shared styling underneath its own ``config``."""
    config = {**BASE_CONFIG, **spec.get("config", {})}
    return {**spec, "config": config}


def spec_hash(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def chart_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document, rendered on the server (cached by the spec's hash).

    Links (``href``) are dropped from the static picture: they cannot be
    followed from a PDF page or a ``<noscript>`` image.
    """
    key = f"chart-svg:{runtime_version()}:{spec_hash(spec)}"
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(with_base_config(spec), vl_version=VEGA_LITE_VERSION)
        cache.set(key, svg, SVG_CACHE_SECONDS)
    return svg


def spec_for_page(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec the browser embeds: the shared styling plus a responsive width."""
    page_spec = with_base_config(spec)
    page_spec["width"] = "container"
    page_spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return page_spec
