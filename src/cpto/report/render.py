"""One renderer per output format: terminal (Rich), Markdown, self-contained HTML and JSON."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table as RichTable
from rich.text import Text

from cpto.report.model import (
    ALWAYS,
    NARROW,
    TONES,
    UNSAFE_CHARACTERS,
    WIDE,
    Block,
    Blocks,
    Entry,
    LazyRows,
    Link,
    Report,
    Table,
    Tag,
    printable,
    safe_href,
)

WIDE_COLUMNS = 120  # a terminal narrower than this gets a section's narrow form (a pipe is 80)
TONE_STYLE = {
    "good": "green",
    "warn": "yellow",
    "attention": "magenta",
    "bad": "red",
    "info": "blue",
    "muted": "dim",
}
SHORT_WORD = 12  # a column of single words up to this long (ids, dates, labels) is never wrapped


def render_text(report: Report, fmt: str) -> str:
    """Render ``report`` as Markdown, HTML or JSON text."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "json":
        return render_json(report)
    raise ValueError(f"no text renderer for format {fmt!r}")


def render_terminal(report: Report, console: Console) -> None:
    """Print ``report`` to a Rich console; sections meant for another width than the console's are left out.

    Every value goes in as ``Text`` (see :func:`_text`), never as a string Rich would read markup in:
    text from PRDs and commits (``[bold]``, ``[/]``) is shown as written, and its control characters
    (an escape sequence in a commit message) are shown, not obeyed.
    """
    wide = console.width >= WIDE_COLUMNS
    console.print(_text(report.title, "bold"))
    if report.subtitle:
        console.print(_text(report.subtitle, "dim"))
    if report.facts:
        facts = RichTable(box=None, show_header=False, padding=(0, 2, 0, 0))
        facts.add_column(style="bold")
        facts.add_column()
        for key, value in report.facts:
            facts.add_row(_text(key), _text(value))
        console.print(_Indented(facts))
    for section in report.tables:
        if _shown(section, WIDE if wide else NARROW):
            console.print(
                _Indented(_rich_table(section) if isinstance(section, Table) else _rich_blocks(section))
            )
    for note in report.notes:
        console.print(Text.assemble(("! ", "yellow"), printable(note)))


def _text(value: Any, style: str = "") -> Text:
    """A value for Rich: ``Text``, so ``[red]`` in it is not markup, with every character that would
    steer the terminal (ESC and the CSI and OSC sequences it opens, CR, bidi overrides) shown instead."""
    return Text(printable(_cell(value)), style=style)


def _shown(section: Table | Blocks, width: str) -> bool:
    """Whether a renderer showing the ``width`` form of sections shows ``section``."""
    return section.show in (ALWAYS, width)


def _rich_table(table: Table) -> RichTable:
    rich = RichTable(  # Text, not str: a value like "[sla]" is data, not Rich markup
        title=_text(table.title, "italic"),
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        caption=_text(table.caption, "dim") if table.caption else None,
    )
    numeric = _numeric_columns(table)
    unbroken = _unbroken_columns(table)
    for i, column in enumerate(table.columns):
        rich.add_column(
            _text(column, "bold"),
            justify="right" if i in numeric else "left",
            overflow="fold",
            # the first column is a row's name, kept whole; a table of one column is prose and wraps
            no_wrap=i in numeric or i in unbroken or (i == 0 and len(table.columns) > 1),
        )
    for row in table.rows:
        rich.add_row(*(_rich_cell(v) for v in row))
    return rich


def _rich_cell(value: Any) -> Text:
    if isinstance(value, Tag):
        return _text(value.text, TONE_STYLE.get(value.tone, ""))
    return _text(value)


def _unbroken_columns(table: Table) -> set[int]:
    """Columns a narrow table must not break inside a word: tags, and single short words (dates, ids).

    Rich otherwise squeezes every column alike, and ``shipped`` comes out as ``shipp`` / ``ed``.
    """
    out = set()
    for i in range(len(table.columns)):
        values = [row[i] for row in table.rows if row[i] is not None and row[i] != ""]
        if values and all(
            isinstance(v, Tag) or (len(_cell(v)) <= SHORT_WORD and not any(c.isspace() for c in _cell(v)))
            for v in values
        ):
            out.add(i)
    return out


def _rich_blocks(blocks: Blocks) -> Group:
    parts: list[RenderableType] = [_text(blocks.title, "italic"), Text()]
    for block in blocks.blocks:
        parts += [_rich_block(block), Text()]
    if blocks.caption:
        parts += [_text(blocks.caption, "dim"), Text()]
    return Group(*parts)


class _Indented:
    """``renderable`` wrapped ``indent`` columns in, without the spaces Rich pads lines with.

    ``Padding`` fills every line to the console's width: text pasted from a pipe into a pull request
    or chat would carry a tail of spaces on every line.
    """

    def __init__(self, renderable: RenderableType, indent: int = 0) -> None:
        self.renderable = renderable
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = options.update_width(max(1, options.max_width - self.indent))
        for line in console.render_lines(self.renderable, inner, pad=False):
            if self.indent:
                yield Segment(" " * self.indent)
            yield from _rstrip(line)
            yield Segment.line()


def _rstrip(line: list[Segment]) -> list[Segment]:
    """A rendered line without its trailing spaces."""
    out = list(line)
    while out and not out[-1].control and not out[-1].text.rstrip():
        out.pop()
    if out and not out[-1].control:
        last = out[-1]
        out[-1] = Segment(last.text.rstrip(), last.style)
    return out


def _rich_block(block: Block) -> Group:
    """A heading line, then the paragraph and entries indented under it, wrapped at words."""
    head = Text()  # pieces appended with their own style: a Text's base style would colour them all
    head.append(_text(block.heading, "bold"))
    if block.tag is not None:
        head.append("  ")
        head.append(_rich_cell(block.tag))
    if block.note:
        head.append(_text(f"  {block.note}", "dim"))
    parts: list[RenderableType] = [_Indented(head)]
    if block.paragraph:
        text = Text()
        text.append(_text(block.lead, "bold"))
        text.append(_text(block.joiner + block.text))
        parts.append(_Indented(text, 2))
    for label, value in block.entries:
        if not isinstance(value, list):
            parts.append(_Indented(Text.assemble(_text(f"{label}: ", "dim"), _text(value)), 2))
            continue
        items = RichTable.grid(padding=(0, 1, 0, 0))
        items.add_column(no_wrap=True)
        items.add_column()
        for item in value:
            items.add_row(Text("-", style="dim"), _text(item))
        parts += [
            _Indented(_text(f"{label}:", "dim"), 2),
            _Indented(items, 4),
        ]
    return Group(*parts)


def render_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown, to paste into chat, email or a pull request.

    Sections take their wide form: where Markdown is read, tables render and wrap. Every value is
    escaped (:func:`_md`), so a ``|``, ``*``, ``<script>``, ``[x](javascript:…)`` or ``![](http://…)``
    in a PRD, a commit or a record stays text: no HTML, link, image or formatting comes from data.
    """
    lines = [f"# {_md_heading(report.title)}", ""]
    if report.subtitle:
        lines += [f"_{md_escape(report.subtitle)}_", ""]
    for key, value in report.facts:
        lines.append(f"- **{md_escape(key)}:** {_md_value(value)}")
    if report.facts:
        lines.append("")
    for section in report.tables:
        if _shown(section, WIDE):
            lines += _md_table(section) if isinstance(section, Table) else _md_blocks(section)
    for note in report.notes:
        lines.append(f"> **Note:** {md_escape(note)}")
    return "\n".join(lines).rstrip() + "\n"


def _md_value(value: Any) -> str:
    """A value as Markdown: escaped (:func:`md_escape`), and a :class:`Link` to an ``http(s)`` page
    (a commit on the forge) as a link; a ``#`` or relative link is text, as the section or page it
    points at is not in the Markdown."""
    if isinstance(value, Link) and (href := safe_href(value.href)) and "://" in href:
        return f"[{md_escape(value.text) or md_escape(href)}]({_md_href(href)})"
    return md_escape(value)


def _md_href(href: str) -> str:
    """A link's address as a Markdown link destination: the characters that would end it or open
    markup (parentheses, angle brackets, backticks, brackets, spaces) written as %-escapes."""
    return "".join(f"%{ord(c):02X}" if c in "()<>[]`* _|\\\"'" else c for c in href)


def _md_table(table: Table) -> list[str]:
    numeric = _numeric_columns(table)
    lines = [f"## {_md_heading(table.title)}", ""]
    lines.append("| " + " | ".join(md_escape(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if i in numeric else "---" for i in range(len(table.columns))) + "|")
    lines += ["| " + " | ".join(_md_value(v) for v in row) + " |" for row in table.rows]
    if table.caption:
        lines += ["", f"_{md_escape(table.caption)}_"]
    return [*lines, ""]


def _md_blocks(blocks: Blocks) -> list[str]:
    lines = [f"## {_md_heading(blocks.title)}", ""]
    for block in blocks.blocks:
        head = " \u00b7 ".join(_md_value(part) for part in (block.heading, block.tag, block.note) if part)
        lines += [f"### {_md_trailing_hashes(head)}", ""]
        if block.paragraph:
            lead = f"**{md_escape(block.lead)}**" if block.lead else ""
            lines += [_md_line_start(lead + block.joiner + md_escape(block.text)), ""]
        for label, value in block.entries:
            if not isinstance(value, list):
                lines.append(f"- **{md_escape(label)}:** {_md_value(value)}")
            else:
                lines.append(f"- **{md_escape(label)}:**")
                lines += [f"  - {_md_line_start(_md_value(item))}" for item in value]
        if block.entries:
            lines.append("")
    if blocks.caption:
        lines += [f"_{md_escape(blocks.caption)}_", ""]
    return lines


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#1f2328}
h1{margin-bottom:.2rem}.sub{color:#59636e;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
.block{margin:0 0 1.2rem}.block h3{margin:0 0 .3rem;font-size:1.05em}.block p{margin:.2rem 0}
.block ul{margin:0;padding-left:1.2rem}.note-head{color:#59636e;font-weight:400}
.tag{font-weight:600;padding:0 .45em;border-radius:.6em;white-space:nowrap}
.good{color:#1a7f37;background:#dafbe1}.warn{color:#9a6700;background:#fff8c5}
.attention{color:#8250df;background:#fbefff}.bad{color:#cf222e;background:#ffebe9}
.info{color:#0969da;background:#ddf4ff}.muted{color:#59636e;background:#eff2f5}
.narrow{display:none}@media (max-width:760px){.wide{display:none}.narrow{display:block}}
th,td{border-bottom:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.note{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .8rem;margin:.3rem 0}
caption{caption-side:bottom;text-align:left;color:#59636e;font-size:.9em}
figure{margin:.5rem 0 1.5rem}figcaption{color:#59636e;font-size:.9em}
"""


def render_html(report: Report) -> str:
    """One self-contained HTML file (no external assets, no script); every value is escaped (:func:`_h`)
    and the only attributes holding data are a section's ``id`` (its anchor, escaped) and a
    :class:`Link`'s ``href`` (escaped, and only http(s), relative or ``#``: :func:`safe_href`); class
    names come from fixed lists."""
    esc = _h
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(report.title)}</h1>",
    ]
    if report.subtitle:
        parts.append(f'<p class="sub">{esc(report.subtitle)}</p>')
    if report.facts:
        parts.append("<dl>")
        parts += [f"<dt>{esc(k)}</dt><dd>{_html_value(v)}</dd>" for k, v in report.facts]
        parts.append("</dl>")
    for note in report.notes:
        parts.append(f'<p class="note">{esc(note)}</p>')
    for number, chart in enumerate(report.charts):
        from cpto.report.charts import chart_svg  # pygal only when a page has charts

        parts.append(f"<h2>{esc(chart.title)}</h2>{chart_svg(chart, number)}")
    anchors: set[str] = set()
    for section in report.tables:
        parts.append(_html_section_start(section, anchors))
        parts += _html_table(section) if isinstance(section, Table) else _html_blocks(section)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_section_start(section: Table | Blocks, anchors: set[str]) -> str:
    """A section's opening tag with its anchor as ``id``, so ``#anchor`` links land on it.

    An id is written once per page: the first section with an anchor has it, a later one with the same
    anchor (the narrow blocks of a wide table) is its other form. A section shown at one width only
    carries its id on an empty element before it, which every width displays: a link to a wide table
    lands, on a phone, where its narrow form is (the hidden table takes no room).
    """
    shown = section.show if section.show in (WIDE, NARROW) else ""
    tag = f'<section class="{shown}">' if shown else "<section>"
    if section.anchor in anchors:
        return tag
    anchors.add(section.anchor)
    anchor = _h(section.anchor)
    return f'<div id="{anchor}"></div>{tag}' if shown else f'<section id="{anchor}">'


def _html_table(table: Table) -> list[str]:
    esc = _h
    numeric = _numeric_columns(table)
    parts = [f"<h2>{esc(table.title)}</h2><table>"]
    if table.caption:
        parts.append(f"<caption>{esc(table.caption)}</caption>")
    cls = ['class="n"' if i in numeric else "" for i in range(len(table.columns))]
    parts.append("<tr>" + "".join(f"<th {c}>{esc(h)}</th>" for c, h in zip(cls, table.columns, strict=True)))
    for row in table.rows:
        parts.append(
            "<tr>" + "".join(f"<td {c}>{_html_value(v)}</td>" for c, v in zip(cls, row, strict=True))
        )
    return [*parts, "</table>"]


def _html_blocks(blocks: Blocks) -> list[str]:
    esc = _h
    parts = [f"<h2>{esc(blocks.title)}</h2>"]
    for block in blocks.blocks:
        head = esc(block.heading)
        if block.tag is not None:
            head += f" {_html_value(block.tag)}"
        if block.note:
            head += f' <span class="note-head">{_html_value(block.note)}</span>'
        parts.append(f'<div class="block"><h3>{head}</h3>')
        if block.paragraph:
            lead = f"<strong>{esc(block.lead)}</strong>" if block.lead else ""
            parts.append(f"<p>{lead}{esc(block.joiner + block.text)}</p>")
        if block.entries:
            parts.append(
                "<dl>" + "".join(_html_entry(label, value) for label, value in block.entries) + "</dl>"
            )
        parts.append("</div>")
    if blocks.caption:
        parts.append(f'<p class="sub">{esc(blocks.caption)}</p>')
    return parts


def _html_entry(label: str, value: Entry) -> str:
    esc = _h
    if not isinstance(value, list):
        return f"<dt>{esc(label)}</dt><dd>{_html_value(value)}</dd>"
    items = "".join(f"<li>{_html_value(item)}</li>" for item in value)
    return f"<dt>{esc(label)}</dt><dd><ul>{items}</ul></dd>"


def _html_value(value: Any) -> str:
    """A value as HTML: escaped, a :class:`Tag` in its tone, a :class:`Link` as a link when its address
    is one a page may follow (:func:`safe_href`; else its text alone)."""
    if isinstance(value, Tag):
        tone = value.tone if value.tone in TONES else ""
        return f'<span class="tag {tone}">{_h(value.text)}</span>'
    if isinstance(value, Link) and (href := safe_href(value.href)):
        external = ' rel="noopener noreferrer"' if "://" in href else ""
        return f'<a href="{html.escape(href, quote=True)}"{external}>{_h(value.text) or _h(href)}</a>'
    return _h(value)


def _h(value: Any) -> str:
    """A value as HTML text: ``<``, ``>``, ``&`` and both quotes escaped, so it can open no element and
    leave no attribute, and characters that would steer a terminal (the page may be printed to one)
    or reorder the text shown (see :func:`printable`)."""
    return html.escape(printable(_cell(value)), quote=True)


def render_json(report: Report) -> str:
    """The report's machine-readable payload, stable for scripts (see :func:`json_chunks`)."""
    return "".join(json_chunks(report))


def json_chunks(report: Report) -> Iterator[str]:
    """The JSON payload in pieces: indented while small enough to read; past LARGE_JSON values compact
    and one top-level list item at a time, so a review of a thousand requirements is written without
    holding its 80 MB of text (and only the compact form gets Python's fast C encoder)."""
    data = report.data
    if _size(data) <= LARGE_JSON or not isinstance(data, dict):
        yield _json(data, indent=2) + "\n"
        return
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + _json(key) + ":"
        if isinstance(value, list | LazyRows):
            yield "["
            for i, item in enumerate(value):
                yield ("," if i else "") + _json(item)
            yield "]"
        else:
            yield _json(value)
    yield "}\n"


def _json(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON, non-ASCII text as it is (readable, and half the size) but for the characters
    :func:`printable` shows: JSON escapes C0 itself, and DEL, C1 and bidi overrides are written as
    ``\\u`` escapes here, so the data is exact and printing it to a terminal steers nothing (outside
    a string JSON has no raw characters, so every one replaced is inside a string)."""
    text = json.dumps(value, indent=indent, default=_json_default, ensure_ascii=False)
    return UNSAFE_CHARACTERS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


LARGE_JSON = 20_000


def _size(value: Any, limit: int = LARGE_JSON) -> int:
    """How many values ``value`` holds, counting only up to ``limit`` (cheap for any payload)."""
    count = 0
    stack = [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, LazyRows):
            count += item.values
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, LazyRows):
        return list(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    return str(value)


def _numeric_columns(table: Table) -> set[int]:
    """Columns whose values are all numbers (or empty) are right-aligned."""
    numeric = set()
    for i in range(len(table.columns)):
        values = [row[i] for row in table.rows if row[i] is not None and row[i] != ""]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            numeric.add(i)
    return numeric


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINK_TARGET = re.compile(r"(?<=\\\])\(")
_MD_TRAILING_HASHES = re.compile(r"#+$")
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([#>+\-=])|(\d+)([.)]))")


def md_escape(value: Any) -> str:
    """A value as inline Markdown that shows as written, wherever it sits (a table cell, a list item,
    emphasis, a heading).

    Written here, not taken from a library: no maintained Python package escapes Markdown (markdown-it-py
    and mdformat parse and format it; the escaping packages on PyPI are one-person and new). CommonMark
    lets any ASCII punctuation be escaped with a backslash, so each character that could start markup
    is: ``\\`` and backticks (code), ``*``, ``_`` and ``~`` (emphasis, strikethrough), ``[`` and ``]``
    (links, images, footnotes), and the ``(`` after a ``]``, so ``[x](javascript:…)`` and
    ``![](http://tracker/…)`` are text and nothing grepping the page finds ``](javascript:``; ``|``
    (a table's cells). ``<`` and ``>`` become ``&lt;`` and ``&gt;`` (no HTML, no autolink
    ``<http://…>``; Markdown readers that do not take a backslash before ``<``, such as Python-Markdown,
    take these), and an ``&`` that would start an entity becomes ``&amp;``. Line breaks become spaces, so a value stays on its
    line and in its cell, and leading and trailing blanks are dropped (four leading spaces would make
    a code block). Control characters are shown first (:func:`printable`). Tested against markdown-it-py
    as the parser, with Hypothesis (tests/report/test_markdown_escape.py). Line starts (``# x``,
    ``- x``) are :func:`_md_line_start`'s job, headings' closing ``#`` :func:`_md_heading`'s.
    """
    text = " ".join(printable(_cell(value)).splitlines()).strip()
    text = _MD_SPECIAL.sub(r"\\\1", _MD_ENTITY.sub("&amp;", text))
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LINK_TARGET.sub(r"\\(", text)


def _md_heading(value: Any) -> str:
    """A value as a heading's text."""
    return _md_trailing_hashes(md_escape(value))


def _md_trailing_hashes(text: str) -> str:
    """A heading's text whose last ``#`` are escaped: ``## Done #`` would lose them as a closing run."""
    return _MD_TRAILING_HASHES.sub(lambda m: "".join("\\#" for _ in m.group()), text)


def _md_line_start(line: str) -> str:
    """A paragraph that would otherwise open a heading, quote or list (``# x``, ``- x``, ``1. x``)."""
    return _MD_BLOCK_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", line, count=1
    )
