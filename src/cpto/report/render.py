"""One renderer per output format: terminal (Rich), Markdown, self-contained HTML and JSON."""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from cpto.report.charts import chart_svg
from cpto.report.model import Report, Table

FORMATS = ("terminal", "markdown", "json", "html")


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
    """Print ``report`` to a Rich console."""
    console.print(Text(report.title, style="bold"))
    if report.subtitle:
        console.print(Text(report.subtitle, style="dim"))
    if report.facts:
        facts = RichTable(box=None, show_header=False, padding=(0, 2, 0, 0))
        facts.add_column(style="bold")
        facts.add_column()
        for key, value in report.facts:
            facts.add_row(Text(key), Text(_cell(value)))
        console.print(facts)
    for table in report.tables:
        console.print(_rich_table(table))
    for note in report.notes:
        console.print(Text.assemble(("! ", "yellow"), note))


def _rich_table(table: Table) -> RichTable:
    rich = RichTable(  # Text, not str: a value like "[sla]" is data, not Rich markup
        title=Text(table.title, style="italic"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        caption=Text(table.caption, style="dim") if table.caption else None,
    )
    numeric = _numeric_columns(table)
    for i, column in enumerate(table.columns):
        rich.add_column(
            Text(column, style="bold"),
            justify="right" if i in numeric else "left",
            overflow="fold",
            no_wrap=i in numeric or i == 0,
        )
    for row in table.rows:
        rich.add_row(*(Text(_cell(v)) for v in row))
    return rich


def render_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown, to paste into chat, email or a pull request."""
    lines = [f"# {report.title}", ""]
    if report.subtitle:
        lines += [f"_{report.subtitle}_", ""]
    for key, value in report.facts:
        lines.append(f"- **{key}:** {_md_cell(value)}")
    if report.facts:
        lines.append("")
    for table in report.tables:
        numeric = _numeric_columns(table)
        lines += [f"## {table.title}", ""]
        lines.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
        lines.append(
            "|" + "|".join("---:" if i in numeric else "---" for i in range(len(table.columns))) + "|"
        )
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in table.rows]
        if table.caption:
            lines += ["", f"_{table.caption}_"]
        lines.append("")
    for note in report.notes:
        lines.append(f"> **Note:** {_md_cell(note)}")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#1f2328}
h1{margin-bottom:.2rem}.sub{color:#59636e;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
th,td{border-bottom:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.note{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .8rem;margin:.3rem 0}
caption{caption-side:bottom;text-align:left;color:#59636e;font-size:.9em}
figure{margin:.5rem 0 1.5rem}figcaption{color:#59636e;font-size:.9em}
"""


def render_html(report: Report) -> str:
    """One self-contained HTML file (no external assets); every value is escaped."""
    esc = html.escape
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
        parts += [f"<dt>{esc(str(k))}</dt><dd>{esc(_cell(v))}</dd>" for k, v in report.facts]
        parts.append("</dl>")
    for note in report.notes:
        parts.append(f'<p class="note">{esc(note)}</p>')
    for chart in report.charts:
        parts.append(f"<h2>{esc(chart.title)}</h2>{chart_svg(chart)}")
    for table in report.tables:
        numeric = _numeric_columns(table)
        parts.append(f"<h2>{esc(table.title)}</h2><table>")
        if table.caption:
            parts.append(f"<caption>{esc(table.caption)}</caption>")
        cls = ['class="n"' if i in numeric else "" for i in range(len(table.columns))]
        parts.append(
            "<tr>" + "".join(f"<th {c}>{esc(h)}</th>" for c, h in zip(cls, table.columns, strict=True))
        )
        for row in table.rows:
            parts.append(
                "<tr>" + "".join(f"<td {c}>{esc(_cell(v))}</td>" for c, v in zip(cls, row, strict=True))
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_json(report: Report) -> str:
    """The report's machine-readable payload, stable for scripts."""
    return json.dumps(report.data, indent=2, default=_json_default, ensure_ascii=False) + "\n"


def _json_default(value: Any) -> Any:
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


def _md_cell(value: Any) -> str:
    return _cell(value).replace("|", "\\|").replace("\n", " ")
