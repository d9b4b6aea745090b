"""The renderer fetches nothing from outside, and typed text prints escaped and wrapped."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic
from planning.models import PlanText
from planning.pdf.document import plan_document
from planning.pdf.render import StaticOnlyFetcher, base_url, html_to_pdf, static_file
from tests.planning.pdf.conftest import Plan


def _texts(box: object) -> list[str]:
    found = [box.text] if isinstance(getattr(box, "text", None), str) else []  # type: ignore[attr-defined]
    for child in getattr(box, "children", []) or []:
        found.extend(_texts(child))
    return found


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local port that records whether anybody connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def _connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def test_outside_urls_in_html_and_css_fetch_nothing(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">
      <style>body {{ background: url(http://127.0.0.1:{port}/bg.png) }}
             @import url(http://127.0.0.1:{port}/more.css);</style></head>
      <body><p>Hello</p><img src="http://127.0.0.1:{port}/x">
      <img src="file:///etc/passwd"><img src="/accounts/1/map.svg">
      <img src="/static/../../kam/settings.py"></body></html>"""
    fetcher = StaticOnlyFetcher()

    pdf = html_to_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert not _connected(listener)
    refused = " ".join(fetcher.refused)
    for name in ("evil.css", "bg.png", "/x", "/etc/passwd", "map.svg", "settings.py"):
        assert name in refused, name


def test_static_files_and_data_uris_are_served() -> None:
    fetcher = StaticOnlyFetcher()
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
        "2mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    )
    html = f'<link rel="stylesheet" href="/static/css/print.css"><img src="{pixel}"><p>x</p>'

    html_to_pdf(html, fetcher=fetcher)

    assert fetcher.refused == []
    assert static_file("css/print.css") is not None
    assert static_file("../kam/settings.py") is None


@pytest.mark.django_db
def test_typed_html_prints_as_text_and_long_words_wrap(plan: Plan) -> None:
    attack = '<img src="http://127.0.0.1:9/x"><b>bold</b>'
    long_word = "W" * 40 + "supercalifragilistic" * 30
    with workspace_context(plan.workspace):
        PlanText.objects.filter(customer=plan.customer, topic="market").update(
            text=f"{attack} {long_word} " + "words and more words " * 240
        )
        with workspace_atomic():
            document = plan_document(workspace=plan.workspace, customer=plan.customer, user=None)
    assert attack not in document.html
    assert "&lt;img src=&quot;http://127.0.0.1:9/x&quot;&gt;" in document.html

    from weasyprint import HTML

    fetcher = StaticOnlyFetcher()
    laid_out = HTML(string=document.html, base_url=base_url(), url_fetcher=fetcher).render()
    assert not [url for url in fetcher.refused if "127.0.0.1" in url]
    assert len(laid_out.pages) > 1
    # One PDF bookmark per section, and the contents give each a page number.
    bookmarks = [mark[0] for mark in laid_out.make_bookmark_tree()]  # (label, target, ...)
    for title in ("Contents", "Overview and scorecard", "SWOT", "Action plan", "Review log"):
        assert title in bookmarks, bookmarks
    contents = laid_out.pages[1]._page_box
    assert any(text.strip().isdigit() for text in _texts(contents)), "no page numbers"

    def overflowing(box: object, right_edge: float) -> list[str]:
        found = []
        text = getattr(box, "text", None)
        if isinstance(text, str) and text.strip():
            x, width = getattr(box, "position_x", 0), getattr(box, "width", 0) or 0
            # A full stop may hang past the edge after an unbreakable word, as in print.
            if x + width > right_edge + 6:
                found.append(text[:40])
        for child in getattr(box, "children", []) or []:
            found.extend(overflowing(child, right_edge))
        return found

    for page in laid_out.pages:
        root = page._page_box.children[0]  # the <html> box, inside the page margins
        assert overflowing(root, root.content_box_x() + root.width) == []
