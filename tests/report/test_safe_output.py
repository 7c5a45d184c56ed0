"""No renderer lets users' data take over the output: every hostile string of hostile.txt, put in every
place of a report (title, facts, cells, tags, blocks, notes, charts), comes out as text in the
terminal, Markdown, HTML and JSON, never as an escape sequence, an element, a link or an image."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from rich.console import Console
from tests.report.hostile import hostile_strings

from cpto.report import Block, Blocks, Chart, Report, Table, Tag
from cpto.report.charts import chart_svg
from cpto.report.model import printable
from cpto.report.render import render_html, render_json, render_markdown, render_terminal

HOSTILE = hostile_strings()
# what would steer a terminal or reorder text: none may reach any output but as a JSON \u escape
STEERING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the only sequence a coloured terminal report may hold: Rich's colours


def everywhere(text: str) -> Report:
    """A report with ``text`` in every place a value can go."""
    block = Block(text, tag=Tag(text, "bad"), note=text, lead=text, text=text)
    block.entries = [(text, text), (text, [text, text])]
    return Report(
        text,
        subtitle=text,
        facts=[(text, text)],
        tables=[
            Table(text, [text, "n", "status"], [[text, 3, Tag(text, "warn")]], caption=text, show="wide"),
            Blocks(text, [block], caption=text, show="narrow"),
        ],
        charts=[
            Chart(text, "bars", [text, "W2"], {text: [1, 2], "fix": [1, 0]}, caption=text),
            Chart(text, "lines", [text, "W2"], {text: [1, 2]}),
            Chart(text, "treemap", [text, "b.py"], {"size": [3, 1], "heat": [2, 1]}),
        ],
        notes=[text],
        data={"text": text, "rows": [{"name": text}]},
    )


def terminal(report: Report, width: int, colour: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=colour, color_system="truecolor" if colour else None
    )
    render_terminal(report, console)
    return buffer.getvalue()


@pytest.mark.parametrize("text", HOSTILE)
def test_the_terminal_shows_data_and_obeys_none_of_it(text: str) -> None:
    for width in (80, 140):
        plain = terminal(everywhere(text), width, colour=False)
        assert STEERING.search(plain) is None, plain
        coloured = terminal(everywhere(text), width, colour=True)
        assert STEERING.search(SGR.sub("", coloured)) is None, coloured
        assert "\x1b]" not in coloured  # no OSC: no hyperlink, no window title
    shown = terminal(Report(text), 200, colour=False)
    assert shown.rstrip("\n").strip() == printable(text).strip() or "\n" in printable(text)


def test_what_the_terminal_shows_instead_of_control_characters() -> None:
    out = terminal(Report("t", notes=["a\x1b]0;pwned\x07b", "c\u202ed", "[red]x[/red]"]), 80, colour=False)
    assert "a␛]0;pwned␇b" in out and "c<U+202E>d" in out and "[red]x[/red]" in out


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_holds_no_html_link_image_or_control_character(text: str) -> None:
    out = render_markdown(everywhere(text))
    assert STEERING.search(out) is None
    assert "<script" not in out and "](javascript:" not in out and "![](" not in out
    parsed = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    html = parsed.render(out)
    assert "<script" not in html and "<a " not in html and "<img" not in html and "<svg" not in html
    plain = parsed.render(render_markdown(everywhere("plain")))
    for element in ("<em>", "<strong>", "<code>", "<del>", "<h3>", "<li>", "<td"):  # only the report's own
        assert html.count(element) == plain.count(element), element


class Elements(HTMLParser):
    """Every element and attribute of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_a_plain_page_and_a_hostile_one_have_the_same_elements() -> None:
    def outside_charts(text: str) -> list[str]:  # pygal adds a <title> to a label it shortens
        return elements(re.sub(r"<svg\b.*?</svg>", "", render_html(everywhere(text)), flags=re.S)).tags

    plain = outside_charts("plain")
    for text in HOSTILE:
        assert outside_charts(text) == plain, text


@pytest.mark.parametrize("text", HOSTILE)
def test_html_attributes_and_charts_carry_no_script_or_link(text: str) -> None:
    page = render_html(everywhere(text))
    assert STEERING.search(page) is None
    found = elements(page)
    assert "script" not in found.tags and "a" not in found.tags and "img" not in found.tags
    for name, value in found.attributes:
        assert not name.startswith("on"), name
        assert "javascript:" not in value.lower(), (name, value)
        assert name not in ("href", "src", "xlink:href", "action", "formaction"), (name, value)
    for svg in re.findall(r"<svg\b.*?</svg>", page, re.S):
        root = ET.fromstring(svg)  # well-formed: no raw control character, no stray bracket or quote
        assert not [e for e in root.iter() if e.tag.endswith(("script", "foreignObject", "a"))]


def test_a_tone_or_form_that_is_not_ours_never_reaches_a_class_attribute() -> None:
    report = Report(
        "t", tables=[Table("x", ["a"], [[Tag("x", 'bad" onclick="alert(1)')]], show='"><script>')]
    )
    page = render_html(report)
    assert "onclick" not in page and "<script" not in page
    assert '<span class="tag ">x</span>' in page


@pytest.mark.parametrize("text", HOSTILE)
def test_json_keeps_the_exact_text_and_steers_nothing_when_printed(text: str) -> None:
    out = render_json(everywhere(text))
    assert STEERING.search(out) is None
    assert json.loads(out) == {"text": text, "rows": [{"name": text}]}


def test_each_chart_kind_shows_hostile_labels_as_text() -> None:
    label = "<script>alert(1)</script>\x1b]0;t\x07"
    for kind, series in (("bars", {label: [1.0]}), ("lines", {label: [1.0]}), ("treemap", {"size": [1.0]})):
        svg = chart_svg(Chart(label, kind, [label], series, caption=label))
        assert "<script" not in svg and STEERING.search(svg) is None
        assert "&lt;script&gt;alert(1)&lt;/script&gt;␛]0;t␇" in svg


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J", "␛[2J"),
        ("\x1b]8;;http://e/\x1b\\x\x1b]8;;\x1b\\", "␛]8;;http://e/␛\\x␛]8;;␛\\"),
        ("a\r\nb", "a\nb"),
        ("a\rb", "a␍b"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("\x00\x7f\x9b", "␀␡<U+009B>"),
        ("\u202eabc\u2066", "<U+202E>abc<U+2066>"),
        ("é 漢字 \u200f", "é 漢字 \u200f"),  # text of any language, and right-to-left marks, stay
    ],
)
def test_printable_shows_what_would_steer_and_keeps_the_rest(text: str, shown: str) -> None:
    assert printable(text) == shown
