"""Charts as inline SVG drawn by pygal, so an HTML report stays one self-contained file that any browser
opens offline, with real axes, values and legends.

Why pygal: it is a maintained, pure-Python library that writes SVG itself (no browser, no JavaScript
runtime, no image files), with axes, printed values, legends, stacked bars, lines with gaps and a
treemap. Its output is made fit for a self-contained page here: the script element it adds (config and
tooltips, which would be the only JavaScript in the page) and its comments are removed, and its random
chart id is replaced with a stable one, so the same data always gives the same page. pygal builds the
SVG with an XML library, so every label is escaped (``<script>`` in a team name or a file path is
text in a ``<text>`` element, quotes in an attribute are ``&quot;``); the control characters XML cannot
hold and the bidi overrides that would reorder a label are shown first (``printable``), and no chart
is given a link (pygal draws one only for a value given as a dict with ``xlink``: values here are
numbers).

A chart with nothing to draw says "no activity" instead of drawing an empty frame.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from cpto.report.model import Chart, printable

WIDTH, HEIGHT = 720, 320
PALETTE = ("#2f6fb0", "#d1495b", "#edae49", "#66a182", "#8d96a3", "#6d597a", "#00798c")
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
Drawn = Any  # a pygal chart to render, or an HTML line saying why there is none
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def chart_svg(chart: Chart, number: int = 0) -> str:
    """One chart as a ``<figure>`` of inline ``<svg>``; an unknown kind is a programming error.

    ``number``: the chart's place in its page; pygal scopes its CSS by chart id, so each chart of a
    page needs its own. ``lines`` draws one small chart per series, each with its own axis and unit:
    lead time in hours and a rate in percent do not share a scale."""
    draw = {"bars": _bars, "lines": _lines, "treemap": _treemap}[chart.kind]
    chart = _printable(chart)
    if not _has_data(chart):
        body = f'<p class="sub">no activity: nothing to draw for {_e(chart.title.lower())}</p>'
    else:
        body = "".join(
            _svg(graph, f"{number}-{k}") if not isinstance(graph, str) else graph
            for k, graph in enumerate(draw(chart))
        )
    caption = f"<figcaption>{_e(chart.caption)}</figcaption>" if chart.caption else ""
    return f"<figure>{body}{caption}</figure>"


def _printable(chart: Chart) -> Chart:
    """``chart`` with its words (title, labels, series names, caption) as :func:`printable` shows them."""
    return Chart(
        printable(chart.title),
        chart.kind,
        [printable(str(label)) for label in chart.labels],
        {printable(name): values for name, values in chart.series.items()},
        printable(chart.caption),
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _known(value: float) -> bool:
    return not math.isnan(value)


def _has_data(chart: Chart) -> bool:
    return any(_known(v) and v != 0 for values in chart.series.values() for v in values)


def _style(colours: Sequence[str] = PALETTE) -> Style:
    return Style(
        background="white",
        plot_background="white",
        font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
        colors=tuple(colours),
        title_font_size=15,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
        value_font_size=11,
        tooltip_font_size=12,
    )


def _options(title: str, **extra: object) -> dict[str, object]:
    """pygal settings every chart shares: fixed size, legend below, values printed, no JavaScript."""
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "explicit_size": True,
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "print_values": True,
        "style": _style(),
        **extra,
    }


def _svg(graph: pygal.graph.graph.Graph, number: str) -> str:
    """pygal's SVG without its script and comments, with a stable id in place of its random one."""
    text = str(graph.render(is_unicode=True))
    text = _COMMENT.sub("", _SCRIPT.sub("", text))
    found = _ID.search(text)
    if found:
        text = text.replace(found.group(0)[len("chart-") :], f"cpto-{number}")
    return _UUID.sub(f"cpto-{number}", text)


def _bars(chart: Chart) -> list[Drawn]:
    """Stacked bars: each label's series as percentages of its total, so weeks of different size
    compare; a label with nothing (a quiet week) has no bar and says so on its axis label."""
    names = list(chart.series)
    totals = [sum(max(chart.series[n][i], 0.0) for n in names) for i in range(len(chart.labels))]
    graph = pygal.StackedBar(
        **_options(
            chart.title,
            y_title="% of the week",
            range=(0, 100),
            value_formatter=lambda v: f"{v:.0f}%" if v else "",
        )
    )
    graph.x_labels = [
        f"{label} (no activity)" if not total else label
        for label, total in zip(chart.labels, totals, strict=True)
    ]
    for name in names:
        graph.add(
            name,
            [
                round(100 * max(chart.series[name][i], 0.0) / total, 1) if total else None
                for i, total in enumerate(totals)
            ],
        )
    return [graph]


def _lines(chart: Chart) -> list[Drawn]:
    """One small line chart per series, its own axis and unit; weeks with nothing measured (NaN) are
    gaps, and a series with nothing measured at all says so instead of drawing an empty frame."""
    out: list[Drawn] = []
    for name, values in chart.series.items():
        if not any(_known(v) for v in values):
            out.append(f'<p class="sub">{_e(name)}: nothing measured in these weeks</p>')
            continue
        graph = pygal.Line(
            **_options(
                name,
                height=240,
                show_legend=False,
                allow_interruptions=True,
                value_formatter=lambda v: f"{v:g}",
                include_x_axis=True,
            )
        )
        graph.x_labels = list(chart.labels)
        graph.add(name, [v if _known(v) else None for v in values])
        out.append(graph)
    return out


def _treemap(chart: Chart) -> list[Drawn]:
    """Boxes with area from ``size`` and colour from ``heat`` (redder: more commits), one legend entry
    per label with its numbers (Tornhill's hotspot map)."""
    sizes = chart.series.get("size", [])
    heat = chart.series.get("heat", [0.0] * len(sizes))
    hottest = max(heat, default=0.0) or 1.0
    colours = []
    for h in heat:
        t = h / hottest  # 0: calm (pale), 1: the most changed file (deep red)
        colours.append(f"#{int(235 - 60 * t):02x}{int(190 - 160 * t):02x}{int(180 - 150 * t):02x}")
    graph = pygal.Treemap(
        **_options(
            chart.title,
            height=420,
            style=_style(colours or PALETTE),
            legend_at_bottom_columns=2,
            truncate_legend=60,
            value_formatter=lambda v: f"{v:g}",
        )
    )
    for label, size, h in zip(chart.labels, sizes, heat, strict=False):
        graph.add(f"{label} ({h:g} commits, complexity {size:g})", [size])
    return [graph]
