"""The renderers on any report: sections for one width, blocks, tags, and escaping in every format."""

from __future__ import annotations

import io

from rich.console import Console

from cpto.report import NARROW, WIDE, Block, Blocks, Report, Table, Tag
from cpto.report.render import render_html, render_markdown, render_terminal


def two_forms() -> Report:
    rows = [["A-1", "# not a heading [b]x[/b] <i>y</i> | z", Tag("in progress", "warn")]]
    blocks = [
        Block(
            "A-1",
            tag=Tag("in progress", "warn"),
            note="v1",
            lead="Lead",
            text="- not a list",
            entries=[("why", "because"), ("items", ["# one", "1. two"])],
        )
    ]
    return Report(
        "R",
        tables=[
            Table("Wide", ["id", "text", "status"], rows, show=WIDE),
            Blocks("Narrow", blocks, caption="cap", show=NARROW),
        ],
    )


def terminal(report: Report, width: int) -> str:
    buffer = io.StringIO()
    render_terminal(report, Console(width=width, file=buffer))
    return buffer.getvalue()


def test_a_terminal_shows_the_form_for_its_width() -> None:
    narrow, wide = terminal(two_forms(), 80), terminal(two_forms(), 140)
    assert "Narrow" in narrow and "Wide" not in narrow
    assert "Wide" in wide and "Narrow" not in wide
    assert "A-1  in progress  v1\n  Lead: - not a list\n  why: because\n  items:\n    - # one\n" in narrow
    assert "[b]x[/b] <i>y</i>" in wide  # text, not Rich markup


def test_a_narrow_table_never_breaks_a_tag_or_a_short_word() -> None:
    rows = [[f"ID-{i}", "word " * 30, Tag("in progress", "warn"), "2026-10-05"] for i in range(3)]
    out = terminal(Report("R", tables=[Table("T", ["id", "text", "status", "last"], rows)]), 60)
    assert out.count("in progress") == 3 and out.count("2026-10-05") == 3


def test_markdown_shows_the_wide_form_with_everything_escaped() -> None:
    out = render_markdown(two_forms())
    assert "Narrow" not in out
    assert "| A-1 | # not a heading \\[b\\]x\\[/b\\] &lt;i&gt;y&lt;/i&gt; \\| z | in progress |" in out


def test_markdown_blocks_cannot_open_headings_or_lists() -> None:
    report = two_forms()
    report.tables = [Blocks("B", [Block("H", text="# no"), *two_forms().tables[1].blocks])]  # type: ignore[union-attr]
    out = render_markdown(report)
    assert "### H\n\n\\# no\n" in out
    assert "### A-1 · in progress · v1\n\n**Lead**: - not a list\n" in out
    assert "- **items:**\n  - \\# one\n  - 1\\. two\n" in out


def test_html_has_both_forms_switched_by_screen_width_and_escapes() -> None:
    out = render_html(two_forms())
    assert (
        '<section class="wide">\n<h2>Wide</h2>' in out and '<section class="narrow">\n<h2>Narrow</h2>' in out
    )
    assert "@media (max-width:760px){.wide{display:none}.narrow{display:block}}" in out
    assert '<span class="tag warn">in progress</span>' in out
    assert "&lt;i&gt;y&lt;/i&gt;" in out and "<i>y" not in out
    assert "<p><strong>Lead</strong>: - not a list</p>" in out
