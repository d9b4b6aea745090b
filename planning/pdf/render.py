"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

Any printed document (the account plan today, a plan review later) goes
through :func:`render_pdf`: a template name and its context in, PDF bytes out.

Why a restricted fetcher: the documents carry text people typed. Templates
escape it, but a document must stay safe even if some day a fragment is
marked safe by mistake, so WeasyPrint is never allowed to open a network
address or a file outside the static files: an ``<img src="http://...">`` or
a CSS ``url(http://...)`` fetches nothing, it is refused and noted.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# WeasyPrint reports every step and every screen-only CSS rule it skips; the
# shared stylesheets hold many of those. Refused URLs are logged by the fetcher.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def base_url() -> str:
    """The address documents are rendered "at": the app's own (``SITE_URL``).

    Links in the PDF then open the app. Nothing is fetched from it: the fetcher
    reads ``<SITE_URL>/static/...`` from the static files on disk and refuses
    every other address, the app's own pages included.
    """
    return settings.SITE_URL.rstrip("/") + "/"


class RefusedURL(Exception):
    """The document asked for something outside the app's static files."""


def static_file(path: str) -> Path | None:
    """The file behind a static path (``css/print.css``), from STATIC_ROOT or the finders."""
    clean = Path(unquote(path).lstrip("/"))
    if ".." in clean.parts:
        return None
    collected = Path(settings.STATIC_ROOT) / clean
    if collected.is_file():
        return collected
    found = finders.find(str(clean))
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


@dataclass
class StaticOnlyFetcher:
    """A WeasyPrint URL fetcher for ``data:`` URIs and the app's static files only."""

    refused: list[str] = field(default_factory=list)

    def _static_prefix(self) -> str:
        return base_url() + settings.STATIC_URL.strip("/") + "/"

    def __call__(self, url: str) -> Any:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        if url.startswith("data:"):
            return URLFetcher(allowed_protocols=["data"]).fetch(url)
        prefix = self._static_prefix()
        if url.startswith(prefix):
            path = static_file(urlsplit(url).path[len(urlsplit(prefix).path) :])
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        logger.info("Document asked for %s; refused (only static files are served)", url)
        raise RefusedURL(f"Not fetched: {url[:200]}")

    # WeasyPrint's own fetcher exposes these; its fetch helper reads them.
    _fail_on_errors = False

    def fetch(self, url: str, headers: Any = None) -> Any:
        return self(url)


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The document's HTML, rendered without a request (no forms, no edit controls)."""
    return render_to_string(template_name, context)


def content_hash(html: str) -> str:
    """What a stored PDF is keyed by: the same HTML renders the same document."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=base_url(), url_fetcher=fetcher or StaticOnlyFetcher()
    ).write_pdf()
    assert isinstance(document, bytes)
    return document


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))
