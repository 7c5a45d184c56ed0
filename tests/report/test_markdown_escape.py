"""Markdown escaping, checked by a real parser: text from users' data renders as the literal text.

markdown-it-py (CommonMark, with GitHub's tables and strikethrough) is the oracle: whatever the text,
escaped and parsed it gives back the same visible text and no HTML, link, image, code or emphasis.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from cpto.report import Block, Blocks, Report, Table, Tag
from cpto.report.model import printable
from cpto.report.render import _md_heading, _md_line_start, md_escape, render_markdown

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# what data must never open: markup that is not text
FROM_DATA = {
    "html_inline",
    "html_block",
    "link_open",
    "image",
    "code_inline",
    "code_block",
    "fence",
    "em_open",
    "strong_open",
    "s_open",
    "hr",
    "blockquote_open",
}
# Markdown's own characters, in the mixes that make markup, so Hypothesis tries them often
MARKUP = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "![](http://tracker/p.png)",
        "<http://evil.example>",
        "<a@b.example>",
        "[ref]: http://evil.example",
        "[^1]",
        "&lt;",
        "&#60;",
        "&#x3C;",
        "&copy;",
        "`",
        "``",
        "```",
        "~~~",
        "*",
        "**",
        "_",
        "__",
        "~~",
        "#",
        "# ",
        "- ",
        "+ ",
        "1. ",
        "1) ",
        "> ",
        "|",
        "\\",
        "    ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "---",
        "===",
        "\x1b[2J",
        "\x1b]8;;http://evil.example\x07",
        "\u202e",
        "\x00",
        "\x9b",
        "  \n",
        "<!--",
        "-->",
        "!",
        "(",
        ")",
    ]
)
HOSTILE = st.lists(st.one_of(MARKUP, st.text(max_size=6)), max_size=12).map("".join)


def tokens(markdown: str) -> Iterator[Token]:
    """Every token the parser makes of ``markdown``, inline ones included."""
    stack = list(reversed(PARSER.parse(markdown)))
    while stack:
        token = stack.pop()
        yield token
        stack.extend(reversed(token.children or []))


def visible(markdown: str) -> str:
    """The text a reader sees, from the parser's text tokens."""
    return "".join(t.content for t in tokens(markdown) if t.type == "text")


def expected(text: str) -> str:
    """What a value shows as: control characters pictured, on one line, without outer blanks."""
    return " ".join(printable(text).splitlines()).strip()


def markup_from(markdown: str) -> list[str]:
    return [t.type for t in tokens(markdown) if t.type in FROM_DATA]


@given(HOSTILE)
@settings(max_examples=400)
def test_a_paragraph_of_any_text_shows_that_text_and_opens_nothing(text: str) -> None:
    markdown = _md_line_start(md_escape(text))
    assert markup_from(markdown) == []
    assert [t.type for t in tokens(markdown) if t.type.endswith("_open")] in ([], ["paragraph_open"])
    assert visible(markdown) == expected(text)


@given(HOSTILE)
@settings(max_examples=300)
def test_a_table_cell_of_any_text_stays_in_its_cell(text: str) -> None:
    markdown = f"| a | b |\n|---|---|\n| {md_escape(text)} | z |\n"
    assert markup_from(markdown) == []
    cells = [t for t in tokens(markdown) if t.type == "td_open"]
    assert len(cells) == 2
    inline = [t for t in PARSER.parse(markdown) if t.type == "inline"]
    assert [visible_of(t) for t in inline] == ["a", "b", expected(text), "z"]


def visible_of(inline: Token) -> str:
    return "".join(t.content for t in inline.children or [] if t.type == "text")


@given(HOSTILE)
@settings(max_examples=300)
def test_emphasis_and_headings_around_any_text_hold_it_as_text(text: str) -> None:
    shown = expected(text)
    for markdown, wrappers in (
        (f"_{md_escape(text)}_", ["em_open"]),
        (f"**{md_escape(text)}**", ["strong_open"]),
        (f"### {_md_heading(text)}", ["heading_open"]),
        (f"- **k:** {md_escape(text)}", ["bullet_list_open", "strong_open"]),
    ):
        if not shown:
            continue
        types = [t.type for t in tokens(markdown)]
        assert [t for t in types if t in FROM_DATA or t in wrappers] == wrappers, markdown
        assert visible(markdown).endswith(shown), markdown


@given(HOSTILE)
@settings(max_examples=150)
def test_a_whole_report_of_hostile_text_has_the_structure_of_a_plain_one(text: str) -> None:
    def report(value: str) -> Report:
        block = Block(value, tag=Tag(value, "warn"), note=value, lead=value, text=value)
        block.entries = [(value, value), (value, [value, value])]
        return Report(
            value,
            subtitle=value,
            facts=[(value, value)],
            tables=[Table(value, [value, "n"], [[value, 1]], caption=value), Blocks(value, [block])],
            notes=[value],
        )

    def shape(markdown: str) -> list[str]:
        return [t.type for t in tokens(markdown) if t.type not in ("text", "softbreak")]

    plain = render_markdown(report("plain"))
    hostile = render_markdown(report(text)) if expected(text) else plain
    assert shape(hostile) == shape(plain)
    assert "<script" not in PARSER.render(hostile)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        ("![](http://tracker.example/pixel.png)", "![](http://tracker.example/pixel.png)"),
        ("<http://evil.example>", "<http://evil.example>"),
        ("&lt;b&gt;", "&lt;b&gt;"),
        ("a | b", "a | b"),
        ("line one\nline two", "line one line two"),
        ("`rm -rf`", "`rm -rf`"),
        ("Done ##", "Done ##"),
        ("title\x1b]0;pwned\x07", "title␛]0;pwned␇"),
        ("abc\u202edef", "abc<U+202E>def"),
    ],
)
def test_known_attacks_render_as_their_text(text: str, shown: str) -> None:
    markdown = f"### {_md_heading(text)}\n\n{_md_line_start(md_escape(text))}\n"
    assert markup_from(markdown) == []
    html = PARSER.render(markdown)
    assert "<script" not in html and "<a " not in html and "<img" not in html and "\x1b" not in html
    assert visible(markdown) == shown + shown
