"""Records as reports (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from cpto.records.decisions import (
    Decision,
    Finding,
    appeal_rates,
    check_decisions,
    point_stats,
    waited_for_meeting,
)
from cpto.records.people import Contributions, People, org_shape
from cpto.records.times import days
from cpto.report import Report, Table
from cpto.workspace.config import WorkspaceConfig


def people_report(people: People, work: Contributions | None) -> Report:
    """Who is who, the organisation's shape, whose git identities are whose, and work across lanes."""
    shape = org_shape(people)
    commits = work.commits if work else {}
    rows = [
        [
            p.handle,
            p.name,
            p.discipline,
            p.role,
            p.team,
            p.manager,
            shape.spans.get(p.handle, 0),
            commits.get(p.handle, 0),
        ]
        for p in people.people
    ]
    tables = [
        Table(
            "People",
            ["handle", "name", "discipline", "role", "team", "manager", "reports", "commits"],
            rows,
        ),
        Table(
            "Disciplines",
            ["discipline", "people", "commits"],
            [
                [d, n, sum(c for h, c in commits.items() if people.by_handle[h].discipline == d)]
                for d, n in shape.disciplines.items()
            ],
        ),
    ]
    notes = list(people.warnings)
    if work and work.across_lanes:
        tables.append(
            Table(
                "Across lanes: code by people outside engineering",
                ["handle", "discipline", "commits"],
                [[p.handle, p.discipline, n] for p, n in work.across_lanes],
            )
        )
    if work and work.unmapped:
        tables.append(
            Table(
                "Git identities nobody in people.yaml claims",
                ["email", "name", "commits", "lines"],
                [[a.email, a.name, a.commits, a.lines] for a in work.unmapped[:20]],
                caption="add the email or name to a person's emails or aliases",
            )
        )
    spans = shape.spans.values()
    facts: list[tuple[str, Any]] = [
        ("people", len(people.people)),
        ("disciplines", len(shape.disciplines)),
        ("teams", len(shape.teams)),
        ("managers", len(shape.spans)),
        ("widest span", max(spans) if spans else 0),
    ]
    if work:
        facts.append(("unmapped identities", len(work.unmapped)))
    data = {
        "people": [
            {k: v for k, v in asdict(p).items() if k != "line"}
            | {"reports": shape.spans.get(p.handle, 0), "commits": commits.get(p.handle, 0)}
            for p in people.people
        ],
        "disciplines": shape.disciplines,
        "teams": shape.teams,
        "spans": shape.spans,
        "across_lanes": [
            {"handle": p.handle, "discipline": p.discipline, "commits": n}
            for p, n in (work.across_lanes if work else [])
        ],
        "unmapped": [asdict(a) for a in (work.unmapped if work else [])],
        "warnings": people.warnings,
    }
    return Report(
        title="People",
        subtitle=str(people.path),
        facts=facts,
        tables=tables,
        notes=notes,
        data=data,
    )


def decisions_report(
    decisions: list[Decision], people: People, config: WorkspaceConfig, now: datetime
) -> Report:
    """Every decision with its status, point person and wait; who decides how fast; appeals per quarter."""
    findings = check_decisions(
        decisions,
        people,
        agreement=config.working_agreement,
        sla=config.decision_sla,
        meeting_days=config.meeting_days,
        now=now,
    )
    flagged: dict[str, list[str]] = {}
    for f in findings:
        flagged.setdefault(f.decision.id, []).append(f.problem)
    waited = {d.id: d.waited(now) for d in decisions}
    rows = [
        [
            d.id,
            d.title[:48],
            d.status,
            d.domain,
            d.point,
            f"{d.raised:%Y-%m-%d}" if d.raised else "",
            f"{days(w):.1f}" if (w := waited[d.id]) is not None else "",
            "; ".join(flagged.get(d.id, [])),
        ]
        for d in decisions
    ]
    stats = point_stats(decisions, config.decision_sla, now)
    appeals = appeal_rates(decisions, config.max_appeal_rate)
    past_sla = sum(p.past_sla for p in stats)
    met_late = sum(1 for d in decisions if waited_for_meeting(d, config.meeting_days) is not None)
    notes = [
        f"appeal rate {a.rate:.0%} in {a.quarter} is over the agreed {config.max_appeal_rate:.0%}:"
        " constant appeals mean the leadership team is not deciding together"
        for a in appeals
        if a.over
    ]
    return Report(
        title="Decisions",
        subtitle=f"SLA {days(config.decision_sla):g}d; appeals to {config.appeals_to}",
        facts=[
            ("decisions", len(decisions)),
            ("open", sum(d.is_open for d in decisions)),
            ("open past SLA", past_sla),
            ("appealed", sum(bool(d.appeal) for d in decisions)),
            ("waited for a meeting", met_late),
            ("flagged", len(flagged)),
        ],
        tables=[
            Table("Decisions", ["id", "title", "status", "domain", "point", "raised", "days", "flags"], rows),
            Table(
                "Time to decision per point person",
                ["point", "decided", "median days", "slowest days", "open", "open past SLA"],
                [[p.handle, p.decided, p.median_days, p.slowest_days, p.open, p.past_sla] for p in stats],
            ),
            Table(
                "Appeals per quarter",
                ["quarter", "decided", "appealed", "rate", "over threshold"],
                [
                    [a.quarter, a.decided, a.appealed, f"{a.rate:.0%}", "yes" if a.over else ""]
                    for a in appeals
                ],
                caption=f"threshold {config.max_appeal_rate:.0%} ([working_agreement] max_appeal_rate)",
            ),
        ],
        notes=notes,
        data={
            "decisions": [_decision_data(d, waited[d.id], flagged.get(d.id, [])) for d in decisions],
            "points": [asdict(p) for p in stats],
            "appeals": [asdict(a) for a in appeals],
            "max_appeal_rate": config.max_appeal_rate,
            "sla_days": days(config.decision_sla),
        },
    )


def _decision_data(d: Decision, waited: timedelta | None, flags: list[str]) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "status": d.status,
        "domain": d.domain,
        "point": d.point,
        "raised": d.raised.isoformat() if d.raised else None,
        "decided": d.decided.isoformat() if d.decided else None,
        "days_waited": round(days(waited), 2) if waited is not None else None,
        "consulted": list(d.consulted),
        "appeal": {k: str(v) for k, v in d.appeal.items()},
        "path": str(d.path),
        "flags": flags,
    }


def decision_report(
    d: Decision, findings: list[Finding], people: People, now: datetime, meeting_wait: int | None
) -> Report:
    """One decision: facts, wait, appeal, discussion and flags."""
    waited = d.waited(now)
    point = people.by_handle.get(d.point)
    facts: list[tuple[str, Any]] = [
        ("status", d.status),
        ("domain", d.domain),
        ("point", f"{d.point} ({point.discipline})" if point else d.point),
        ("raised", f"{d.raised:%Y-%m-%d %H:%M}" if d.raised else ""),
        ("decided", f"{d.decided:%Y-%m-%d %H:%M}" if d.decided else ""),
        ("days to decision" if d.decided else "days open", f"{days(waited):.1f}" if waited else ""),
        ("consulted", ", ".join(d.consulted)),
    ]
    if meeting_wait is not None:
        facts.append(("waited for a meeting", f"{meeting_wait} days"))
    tables = []
    if d.appeal:
        tables.append(Table("Appeal", ["field", "value"], [[k, str(v)] for k, v in d.appeal.items()]))
    tables.append(
        Table(
            "Discussion",
            ["who", "date", "remark"],
            [[r.handle, r.day.isoformat(), r.text] for r in d.discussion],
        )
    )
    flags = [f.problem for f in findings]
    return Report(
        title=f"{d.id}: {d.title}",
        subtitle=str(d.path),
        facts=facts,
        tables=tables,
        notes=flags,
        data=_decision_data(d, waited, flags)
        | {
            "discussion": [
                {"by": r.handle, "day": r.day.isoformat(), "text": r.text, "line": r.line}
                for r in d.discussion
            ]
        },
    )
