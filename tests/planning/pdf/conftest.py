"""The plan tests' account, reused: a key account with figures, texts and opportunities."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.planning.plan.conftest import Plan, grow, plan

__all__ = ["Plan", "grow", "media", "pdf_pages", "pdf_text", "plan"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Job results and tickets go to a folder of this test alone."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def pdf_text(pdf: bytes, html: str | None = None) -> str:
    """The text of a PDF: pdftotext when the machine has it, else WeasyPrint's own layout.

    The fallback lays out ``html`` again and reads the text of every page box,
    which is what the PDF's pages hold.
    """
    binary = shutil.which("pdftotext")
    if binary is not None:
        completed = subprocess.run(
            [binary, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        )
        return completed.stdout.decode("utf-8")
    assert html is not None, "pdftotext is missing: pass the HTML to read the layout"
    from weasyprint import HTML

    from planning.pdf.render import StaticOnlyFetcher, base_url

    document = HTML(string=html, base_url=base_url(), url_fetcher=StaticOnlyFetcher()).render()
    parts: list[str] = []

    def walk(box: object) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            parts.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
        parts.append("\f")
    return " ".join(parts)


def pdf_pages(text: str) -> int:
    """Pages of a PDF, from its text (both readers end every page with a form feed)."""
    return text.count("\f")
