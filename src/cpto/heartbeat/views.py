"""The heartbeat as a report (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from cpto.heartbeat.allocation import Allocation
from cpto.heartbeat.classify import CATEGORIES
from cpto.heartbeat.debt import complexity_grew
from cpto.heartbeat.dora import Delivery
from cpto.heartbeat.week import Heartbeat
from cpto.records.views import duration
from cpto.report import Chart, Report, Table
from cpto.workspace.config import BANDS


def _pct(rate: float | None) -> str:
    return f"{rate:.0%}" if rate is not None else ""


def _hours(span: timedelta | None) -> float | None:
    return round(span.total_seconds() / 3600, 2) if span is not None else None


def alarms(beat: Heartbeat) -> list[str]:
    """What should stop the line, by the thresholds in [alarms]: stop cords pulled, DORA metrics in a
    band worse than allowed, debt paydown under its floor while the hotspots grow, appeals over the
    agreed rate, decisions past their SLA."""
    out = [f"stop cord pulled by {a.by}: {a.id} {a.title}" for a in beat.pulled]
    worst = beat.thresholds.worst_band
    for metric, band in beat.delivery.bands().items():
        if band and BANDS.index(band) > BANDS.index(worst[metric]):
            out.append(f"{metric} is in DORA's {band} band (the agreed floor is {worst[metric]})")
    steps = beat.thresholds.debt_weeks
    debt_shares = [a.shares("commits")["debt"] for _, a in beat.effort[-steps:]]
    if (
        len(debt_shares) == steps
        and all(share < beat.thresholds.debt_floor for share in debt_shares)
        and complexity_grew(beat.debt, steps)
    ):
        out.append(
            f"debt paydown under {_pct(beat.thresholds.debt_floor)} of commits while the hotspots' complexity"
            f" grew {steps} weeks running ({' -> '.join(str(w.hotspot_complexity) for w in beat.debt[-steps - 1 :])})"
        )
    if beat.appeal_rate is not None and beat.appeal_rate > beat.max_appeal_rate:
        out.append(
            f"appeal rate {_pct(beat.appeal_rate)} this quarter is over the agreed {_pct(beat.max_appeal_rate)}"
        )
    if beat.past_sla:
        out.append(
            f"{len(beat.past_sla)} decision(s) open past their SLA: {', '.join(d.id for d in beat.past_sla)}"
        )
    return out


def _axis_table(title: str, axis: str, effort: Allocation) -> Table | None:
    """Effort under each label of one axis this week: commits, share, changed lines, main bucket."""
    slices = effort.by.get(axis)
    if not slices:
        return None
    total = sum(s.total for s in slices.values()) or 1.0
    rows = [
        [label, _count(s.total), _pct(s.total / total), round(s.lines), _split(s.commits, s.total)]
        for label, s in sorted(slices.items(), key=lambda kv: (-kv[1].total, kv[0]))
    ]
    return Table(title, [axis, "commits", "share", "changed lines", "buckets"], rows)


def _count(value: float) -> float | int:
    """Whole commits as integers; a commit shared between labels leaves a fraction."""
    return int(value) if float(value).is_integer() else round(value, 1)


def _split(commits: dict[str, float], total: float) -> str:
    parts = [f"{c} {v / total:.0%}" for c, v in sorted(commits.items(), key=lambda kv: -kv[1]) if v]
    return ", ".join(parts)


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _charts(beat: Heartbeat) -> list[Chart]:
    weeks = [week for week, _ in beat.trend]
    return [
        Chart(
            "Allocation over weeks",
            "bars",
            weeks,
            {c: [a.commits[c] for _, a in beat.effort] for c in CATEGORIES},
            caption="share of commits per bucket",
        ),
        Chart(
            "DORA trends",
            "lines",
            weeks,
            {
                "deploys/week": [w.deploys_per_week for _, w in beat.trend],
                "lead time (h)": [_or_nan(_hours(w.lead_time)) for _, w in beat.trend],
                "change failure rate": [_or_nan(w.change_failure_rate) for _, w in beat.trend],
                "restore (h)": [_or_nan(_hours(w.time_to_restore)) for _, w in beat.trend],
            },
            caption="each line scaled to its own maximum; gaps where nothing was measured",
        ),
        Chart(
            "Hotspot map",
            "treemap",
            [h.path for h in beat.hotspots],
            {"size": [h.complexity for h in beat.hotspots], "heat": [h.commits for h in beat.hotspots]},
            caption="box area = indentation complexity, redder = more commits in the last 12 weeks",
        ),
    ]


def _delivery_data(d: Delivery) -> dict[str, Any]:
    return {
        "deploys": d.deploys,
        "deploys_per_week": d.deploys_per_week,
        "lead_time_hours": _hours(d.lead_time),
        "change_failure_rate": d.change_failure_rate,
        "failed_deploys": d.failed,
        "time_to_restore_hours": _hours(d.time_to_restore),
        "rework_rate": d.rework_rate,
        "rework_deploys": d.rework,
        "bands": d.bands(),
    }


def heartbeat_report(beat: Heartbeat, workspace: str) -> Report:
    d = beat.delivery
    bands = d.bands()
    delivery_rows = [
        [
            "deployment frequency",
            f"{d.deploys_per_week:g}/week ({', '.join(d.deploys) or 'none'})",
            bands["deployment frequency"],
        ],
        ["lead time for changes", duration(d.lead_time), bands["lead time for changes"]],
        [
            "change failure rate",
            f"{_pct(d.change_failure_rate)} {' '.join(d.failed)}".strip(),
            bands["change failure rate"],
        ],
        ["time to restore", duration(d.time_to_restore), bands["time to restore"]],
        ["rework rate", f"{_pct(d.rework_rate)} {' '.join(d.rework)}".strip(), ""],
    ]
    trend_rows = [
        [
            week,
            w.deploys_per_week,
            duration(w.lead_time),
            _pct(w.change_failure_rate),
            duration(w.time_to_restore),
            _pct(w.rework_rate),
        ]
        for week, w in beat.trend
    ]
    notes = alarms(beat)
    effort = beat.effort[-1][1]
    commit_share, line_share, people_share = (effort.shares(m) for m in ("commits", "lines", "people_weeks"))
    return Report(
        title=f"Heartbeat {beat.week}",
        subtitle=f"{workspace}: {beat.start:%Y-%m-%d} to {beat.end - timedelta(days=1):%Y-%m-%d}",
        facts=[
            ("deploys", len(d.deploys)),
            ("incidents started", len(beat.incidents)),
            ("decisions open past SLA", len(beat.past_sla)),
            ("appeal rate this quarter", _pct(beat.appeal_rate)),
            ("alarms", len(notes)),
        ],
        tables=[
            Table("Delivery (DORA)", ["metric", "this week", "band"], delivery_rows),
            Table(
                "Trend",
                ["week", "deploys/week", "lead time", "change failure", "restore", "rework"],
                trend_rows,
            ),
            Table(
                "Where effort went this week",
                ["bucket", "commits", "share", "changed lines", "share", "people-weeks", "share"],
                [
                    [
                        c,
                        effort.commits[c],
                        _pct(commit_share[c]),
                        effort.lines[c],
                        _pct(line_share[c]),
                        effort.people_weeks[c],
                        _pct(people_share[c]),
                    ]
                    for c in CATEGORIES
                ],
                caption="buckets from cpto classify (conventional types, leading verbs, words, changed paths)",
            ),
            Table(
                "Effort trend (share of commits)",
                ["week", *CATEGORIES],
                [[week, *(_pct(a.shares("commits")[c]) for c in CATEGORIES)] for week, a in beat.effort],
            ),
            *(
                t
                for t in (
                    _axis_table("Effort per team", "team", effort),
                    _axis_table("Effort per PRD", "prd", effort),
                    _axis_table("Effort per roadmap item", "roadmap item", effort),
                )
                if t is not None
            ),
            Table(
                "Tech-debt hotspots (last 12 weeks)",
                ["file", "score", "why"],
                [[h.path, h.score, h.why] for h in beat.hotspots],
                caption="score = commits x indentation complexity at HEAD (Tornhill); tests, docs, build files and records excluded",
            ),
            Table(
                "Tech-debt trend",
                ["week", "markers", "hotspot complexity", "test lines", "code lines", "test/code"],
                [
                    [w.week, w.markers, w.hotspot_complexity, w.test_lines, w.code_lines, w.test_ratio]
                    for w in beat.debt
                ],
                caption="TODO/FIXME/HACK/XXX markers in code and the complexity of this week's hotspots as the code stood at each week's end; lines changed in tests and in code during the week",
            ),
            Table(
                "Incidents this week",
                ["id", "severity", "title", "time to restore"],
                [[i.id, i.severity, i.title[:50], duration(i.time_to("resolved"))] for i in beat.incidents],
            ),
            Table(
                "Decisions open past their SLA",
                ["id", "title", "point", "days open"],
                [
                    [
                        x.id,
                        x.title[:50],
                        x.point,
                        round(w.total_seconds() / 86400, 1) if (w := x.waited(beat.end)) else "",
                    ]
                    for x in beat.past_sla
                ],
            ),
        ],
        charts=_charts(beat),
        notes=[*notes, *beat.warnings],
        data={
            "week": beat.week,
            "start": beat.start.isoformat(),
            "end": beat.end.isoformat(),
            "delivery": _delivery_data(d),
            "trend": [{"week": week, **_delivery_data(w)} for week, w in beat.trend],
            "incidents": [
                {"id": i.id, "severity": i.severity, "hours_to_restore": _hours(i.time_to("resolved"))}
                for i in beat.incidents
            ],
            "effort": [
                {
                    "week": week,
                    "commits": a.commits,
                    "lines": a.lines,
                    "people_weeks": a.people_weeks,
                    "shares": {m: a.shares(m) for m in ("commits", "lines", "people_weeks")},
                    "by": {
                        axis: {
                            label: {
                                "commits": round(x.total, 2),
                                "lines": round(x.lines),
                                "buckets": x.commits,
                            }
                            for label, x in slices.items()
                        }
                        for axis, slices in a.by.items()
                    },
                }
                for week, a in beat.effort
            ],
            "hotspots": [asdict(h) | {"why": h.why} for h in beat.hotspots],
            "debt": [asdict(w) | {"test_ratio": w.test_ratio} for w in beat.debt],
            "decisions_past_sla": [x.id for x in beat.past_sla],
            "appeal_rate": beat.appeal_rate,
            "alarms": notes,
            "warnings": beat.warnings,
        },
    )
