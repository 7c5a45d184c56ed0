"""The links and ids of an HTML page, for the tests that check every ``#anchor`` has its target."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Every ``<a href>`` and every ``id`` of a page. ``charts``: also keep the ids pygal gives its SVG
    parts (``activate-serie-*``, ``chart-*``, ``<g>``), which repeat across charts by design."""

    def __init__(self, *, charts: bool = True) -> None:
        super().__init__()
        self.charts = charts
        self.hrefs: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a":
            self.hrefs.append(found.get("href") or "")
        if "id" not in found:
            return
        ident = found["id"] or ""
        if self.charts or (tag != "g" and not ident.startswith(("activate-serie", "chart-"))):
            self.ids.append(ident)
