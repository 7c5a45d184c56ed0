"""Charts in HTML reports: inline SVG that parses, escapes every label, and leaves gaps for no data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cpto.report import Chart, Report, render_text
from cpto.report.charts import chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ET.Element:
    """The chart's <svg> element, parsed as XML (so a stray quote or bracket fails the test)."""
    html = chart_svg(chart)
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])


def test_each_kind_is_well_formed_svg_with_escaped_labels():
    hostile = '<script>alert("x")</script>.py'
    charts = [
        Chart("Allocation", "bars", ["W1", "W2"], {"feature": [2, 1], "fix": [0, 3]}),
        Chart("DORA", "lines", ["W1", "W2", "W3"], {"deploys/week": [1, 2, 0]}),
        Chart("Hotspots", "treemap", [hostile, "b.py"], {"size": [80, 20], "heat": [9, 1]}),
    ]
    for chart in charts:
        assert "<script>" not in chart_svg(chart)
        assert parsed(chart).tag == f"{SVG}svg"


def test_bars_are_shares_of_each_week():
    svg = parsed(Chart("A", "bars", ["W1"], {"feature": [1], "fix": [3]}))
    heights = [float(r.get("height", 0)) for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert heights[1] == 3 * heights[0]


def test_a_week_with_nothing_measured_breaks_the_line():
    svg = chart_svg(
        Chart("Lead time", "lines", ["W1", "W2", "W3", "W4"], {"h": [1.0, 2.0, float("nan"), 3.0]})
    )
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 3


def test_html_report_carries_its_charts_and_other_formats_ignore_them():
    report = Report("Heartbeat", charts=[Chart("Allocation over weeks", "bars", ["W1"], {"fix": [1]})])
    assert "<svg" in render_text(report, "html") and "Allocation over weeks" in render_text(report, "html")
    assert "<svg" not in render_text(report, "markdown")
