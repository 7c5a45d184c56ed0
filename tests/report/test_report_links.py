"""Links in reports: a figure to the section it was computed from, a commit to its forge page; each
format shows them where they can be followed, and no address from data can run or hide anything."""

from __future__ import annotations

import io

from rich.console import Console
from tests.report.html_links import Page

from cpto.report import DETAIL, NARROW, WIDE, Block, Blocks, Link, Report, Table
from cpto.report.model import safe_href, slug
from cpto.report.render import render_html, render_json, render_markdown, render_terminal

FORGE = "https://github.com/acme/shop/commit/abc123"


def linked() -> Report:
    return Report(
        "R",
        facts=[("deploys", Link("2", "#deploys")), ("commits", 3)],
        tables=[
            Table("Changes", ["change"], [[Link("abc123", FORGE)]], show=WIDE),
            Blocks(
                "Changes",
                [Block("abc123", note=Link("2/week", "#deploys"), entries=[("at", [Link("x", FORGE)])])],
                show=NARROW,
            ),
            Table("Deploys in 2026-W45", ["deploy"], [["v1.5.0"]], show=DETAIL, anchor="deploys"),
        ],
        data={"deploys": 2},
    )


def parse(page: str) -> Page:
    found = Page()
    found.feed(page)
    return found


def terminal(report: Report, width: int = 140) -> str:
    out = io.StringIO()
    render_terminal(report, Console(width=width, file=out))
    return out.getvalue()


def test_html_links_figures_to_sections_of_the_page_and_commits_to_the_forge() -> None:
    page = parse(render_html(linked()))
    assert page.hrefs == ["#deploys", FORGE, "#deploys", FORGE]
    assert len(page.ids) == len(set(page.ids))  # the wide and narrow "Changes" share one id
    assert {"deploys", "changes"} <= set(page.ids)
    assert all(h[1:] in page.ids for h in page.hrefs if h.startswith("#"))


def test_an_href_is_escaped_and_only_http_relative_or_anchor_is_linked() -> None:
    hostile = [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "http:evil",
        "https://x\u202e/y",
        "/a\\b",
    ]
    for href in hostile:
        assert safe_href(href) == ""
        page = render_html(Report("R", facts=[("k", Link("click", href))]))
        assert parse(page).hrefs == [] and "click" in page
    for href in (
        "https://github.com/a/b/pull/1",
        "http://x/y?a=1&b=2",
        "/review#R-1",
        "#deploys",
        "x.html#a",
    ):
        assert safe_href(href) == href
    page = render_html(Report("R", facts=[("k", Link('<b>"q"</b>', 'https://x/?a="><script>'))]))
    assert "<script>" not in page and "<b>" not in page
    assert parse(page).hrefs == ['https://x/?a="><script>']  # the quote escaped: it never left the attribute


def test_markdown_links_forge_pages_only_with_text_and_address_escaped() -> None:
    out = render_markdown(linked())
    assert "- **deploys:** 2\n" in out  # a section of the HTML page is not in the Markdown
    assert f"| [abc123]({FORGE}) |" in out
    assert "Deploys in" not in out  # the detail is HTML's
    tricky = render_markdown(Report("R", facts=[("k", Link("a](javascript:x) *b*", "https://x/(y)<z>|w"))]))
    assert "[a\\]\\(javascript:x) \\*b\\*](https://x/%28y%29%3Cz%3E%7Cw)" in tricky
    assert "](javascript:" not in tricky


def test_the_terminal_shows_the_text_alone_and_json_the_data_unchanged() -> None:
    wide, narrow = terminal(linked()), terminal(linked(), 80)
    assert "abc123" in wide and "github.com" not in wide and "#deploys" not in wide and "\x1b]8" not in wide
    assert "2/week" in narrow and "github.com" not in narrow and "Deploys in" not in wide + narrow
    assert render_json(linked()) == '{\n  "deploys": 2\n}\n'


def test_a_section_anchor_defaults_to_its_title() -> None:
    assert Table("Delivery (DORA 2024) 2026-W45", [], []).anchor == "delivery-dora-2024-2026-w45"
    assert slug("Évite") == "vite" and slug("!!") == "section"
