"""Charts as inline SVG, so an HTML report stays one self-contained file that any browser opens.

Every label is escaped; sizes are fixed so the charts read the same in a browser and in an email.
"""

from __future__ import annotations

import html

from cpto.report.model import Chart

WIDTH, HEIGHT, PAD = 640, 220, 36
PALETTE = ("#2f6fb0", "#d1495b", "#edae49", "#66a182", "#8d96a3", "#6d597a", "#00798c")


def chart_svg(chart: Chart) -> str:
    """One chart as an ``<svg>`` element with a legend; an unknown kind is a programming error."""
    draw = {"bars": _bars, "lines": _lines, "treemap": _treemap}[chart.kind]
    body = draw(chart)
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 30}" '
        f'width="{WIDTH}" role="img" aria-label="{_e(chart.title)}">{body}</svg>'
        + (f"<figcaption>{_e(chart.caption)}</figcaption>" if chart.caption else "")
        + "</figure>"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _legend(names: list[str]) -> str:
    items, x = [], PAD
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        items.append(
            f'<rect x="{x}" y="{HEIGHT + 12}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{HEIGHT + 21}" font-size="11">{_e(name)}</text>'
        )
        x += 22 + 7 * len(name)
    return "".join(items)


def _x_labels(labels: list[str], step: float, offset: float) -> str:
    return "".join(
        f'<text x="{PAD + offset + i * step:.1f}" y="{HEIGHT - 4}" font-size="11" '
        f'text-anchor="middle">{_e(label)}</text>'
        for i, label in enumerate(labels)
    )


def _bars(chart: Chart) -> str:
    """Stacked bars: each label's series as shares of its total, so weeks of different size compare."""
    names = list(chart.series)
    n = max(len(chart.labels), 1)
    step = (WIDTH - 2 * PAD) / n
    plot = HEIGHT - PAD - 10
    parts = []
    for i in range(len(chart.labels)):
        values = [max(chart.series[name][i], 0.0) for name in names]
        total = sum(values) or 1.0
        y = float(HEIGHT - PAD)
        for j, value in enumerate(values):
            h = plot * value / total
            y -= h
            parts.append(
                f'<rect x="{PAD + i * step + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{_e(chart.labels[i])} '
                f"{_e(names[j])}: {value / total:.0%}</title></rect>"
            )
    return "".join(parts) + _x_labels(chart.labels, step, step / 2) + _legend(names)


def _lines(chart: Chart) -> str:
    """One line per series, each scaled to its own maximum: trends, not magnitudes, are the point.
    A week with nothing measured (NaN) leaves a gap."""
    names = list(chart.series)
    inset = PAD + 24  # room for the first and last week's label
    step = (WIDTH - 2 * inset) / max(len(chart.labels) - 1, 1)
    plot = HEIGHT - PAD - 10
    parts = []
    for j, name in enumerate(names):
        values = chart.series[name]
        top = max((v for v in values if v == v), default=0.0) or 1.0
        colour = PALETTE[j % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate([*values, float("nan")]):
            if v == v:
                x, y = inset + i * step, HEIGHT - PAD - plot * v / top
                run.append(f"{x:.1f},{y:.1f}")
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                    f"<title>{_e(chart.labels[i])} {_e(name)}: {v:g}</title></circle>"
                )
                continue
            if len(run) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>'
                )
            run = []
    return "".join(parts) + _x_labels(chart.labels, step, inset - PAD) + _legend(names)


def _treemap(chart: Chart) -> str:
    """Slice-and-dice boxes: area from ``size``, redder for more ``heat`` (Tornhill's hotspot map)."""
    sizes = chart.series.get("size", [])
    heat = chart.series.get("heat", [0.0] * len(sizes))
    total = sum(sizes) or 1.0
    hottest = max(heat, default=0.0) or 1.0
    parts, x, y, w, h = [], float(PAD), 0.0, float(WIDTH - 2 * PAD), float(HEIGHT - 10)
    for i, (label, size) in enumerate(zip(chart.labels, sizes, strict=False)):
        share = size / total
        total -= size
        horizontal = w >= h
        bw, bh = (w * share, h) if horizontal else (w, h * share)
        t = heat[i] / hottest  # 0: calm (pale), 1: the most changed file (deep red)
        fill = f"rgb({int(235 - 60 * t)},{int(190 - 160 * t)},{int(180 - 150 * t)})"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" fill="{fill}" '
            f'stroke="#fff"><title>{_e(label)}: size {size:g}, heat {heat[i]:g}</title></rect>'
        )
        if bw > 60 and bh > 14:
            parts.append(
                f'<text x="{x + 4:.1f}" y="{y + 13:.1f}" font-size="11" fill="{"#fff" if t > 0.5 else "#1f2328"}">'
                f"{_e(label.rsplit('/', 1)[-1][: int(bw / 7)])}</text>"
            )
        if horizontal:
            x, w = x + bw, w - bw
        else:
            y, h = y + bh, h - bh
    return "".join(parts)
