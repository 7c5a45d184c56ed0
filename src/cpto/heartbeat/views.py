"""The heartbeat as a report (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from cpto.heartbeat.classify import CATEGORIES
from cpto.heartbeat.dora import Delivery
from cpto.heartbeat.week import Heartbeat
from cpto.records.views import duration
from cpto.report import Report, Table


def _pct(rate: float | None) -> str:
    return f"{rate:.0%}" if rate is not None else ""


def _hours(span: timedelta | None) -> float | None:
    return round(span.total_seconds() / 3600, 2) if span is not None else None


def alarms(beat: Heartbeat) -> list[str]:
    """What should stop the line: a change failure rate in the low band, appeals over the ceiling."""
    out = [f"stop cord pulled by {a.by}: {a.id} {a.title}" for a in beat.pulled]
    if beat.delivery.bands()["change failure rate"] == "low":
        out.append(
            f"change failure rate {_pct(beat.delivery.change_failure_rate)} is in DORA's low band (over 15%)"
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
            Table(
                "Tech-debt hotspots (last 12 weeks)",
                ["file", "score", "why"],
                [[h.path, h.score, h.why] for h in beat.hotspots],
                caption="score = commits x indentation complexity at HEAD (Tornhill); tests, docs, build files and records excluded",
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
        notes=notes,
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
                }
                for week, a in beat.effort
            ],
            "hotspots": [asdict(h) | {"why": h.why} for h in beat.hotspots],
            "decisions_past_sla": [x.id for x in beat.past_sla],
            "appeal_rate": beat.appeal_rate,
            "alarms": notes,
        },
    )
