"""Charts in HTML reports: pygal's SVG made self-contained (no script, no fetch), with axes, values and
legends, every label escaped, and "no activity" instead of an empty frame."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from cpto.report import Chart, Report, render_text
from cpto.report.charts import chart_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>.py'


def svgs(html: str) -> list[ET.Element]:
    """Every <svg> element of a chart, parsed as XML (so a stray quote or bracket fails the test)."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_each_kind_is_well_formed_self_contained_svg_with_escaped_labels():
    charts = [
        Chart("Allocation", "bars", ["W1", "W2"], {"feature": [2, 1], HOSTILE: [0, 3]}),
        Chart("DORA", "lines", ["W1", "W2", "W3"], {"deploys/week": [1, 2, 0], HOSTILE: [1, 1, 1]}),
        Chart("Hotspots", "treemap", [HOSTILE, "b.py"], {"size": [80, 20], "heat": [9, 1]}),
    ]
    for n, chart in enumerate(charts):
        html = chart_svg(chart, n)
        assert "<script" not in html and "http://" not in html.replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )
        assert "<!--" not in html  # pygal's comments carry the build date
        parsed = svgs(html)
        assert parsed and all(s.tag == f"{SVG}svg" for s in parsed)
        assert any(HOSTILE in " ".join(texts(s)) for s in parsed) or chart.kind == "bars"


def test_bars_have_axes_printed_values_and_a_legend():
    (svg,) = svgs(chart_svg(Chart("Allocation", "bars", ["W1", "W2"], {"feature": [1, 2], "fix": [3, 2]})))
    words = texts(svg)
    assert "W1" in words and "W2" in words  # x axis
    assert "25%" in words and "75%" in words and "50%" in words  # values printed on the bars
    assert "feature" in words and "fix" in words  # legend
    assert "% of the week" in words  # y axis title


def test_the_same_data_gives_the_same_svg():
    chart = Chart("DORA", "lines", ["W1", "W2"], {"lead time (h)": [1.0, 2.0]})
    assert chart_svg(chart, 1) == chart_svg(chart, 1)
    assert chart_svg(chart, 1) != chart_svg(chart, 2)  # ids differ per chart of a page (scoped CSS)


def test_a_week_with_nothing_measured_is_a_gap_and_a_series_with_nothing_says_so():
    html = chart_svg(
        Chart(
            "DORA",
            "lines",
            ["W1", "W2", "W3", "W4"],
            {"h": [1.0, 2.0, float("nan"), 3.0], "rate": [float("nan")] * 4},
        )
    )
    assert len(svgs(html)) == 1 and "rate: nothing measured in these weeks" in html
    (svg,) = svgs(html)
    lines = [p for p in svg.iter(f"{SVG}path") if p.get("class") == "line reactive nofill"]
    dots = [c for c in svg.iter(f"{SVG}circle") if "dot" in (c.get("class") or "")]
    assert (len(lines), len(dots)) == (1, 3)  # W1-W2 joined; W3 a gap; W4 a dot on its own


def test_a_chart_with_no_activity_draws_no_empty_frame():
    html = chart_svg(Chart("Allocation over weeks", "bars", ["W1", "W2"], {"feature": [0, 0], "fix": [0, 0]}))
    assert "<svg" not in html and "no activity" in html


def test_html_report_carries_its_charts_and_other_formats_ignore_them():
    report = Report("Heartbeat", charts=[Chart("Allocation over weeks", "bars", ["W1"], {"fix": [1]})])
    assert "<svg" in render_text(report, "html") and "Allocation over weeks" in render_text(report, "html")
    assert "<svg" not in render_text(report, "markdown")
