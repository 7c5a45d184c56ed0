"""Records as reports (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from cpto.records.decisions import Decision, Finding, days
from cpto.records.people import Contributions, People, org_shape
from cpto.report import Report, Table


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


def decisions_report(decisions: list[Decision], findings: list[Finding], now: datetime) -> Report:
    """Every decision with its status, point person and how long it waited, and what breaks the agreement."""
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
    open_count = sum(d.is_open for d in decisions)
    appealed = sum(bool(d.appeal) for d in decisions)
    return Report(
        title="Decisions",
        facts=[
            ("decisions", len(decisions)),
            ("open", open_count),
            ("appealed", appealed),
            ("flagged", len(flagged)),
        ],
        tables=[
            Table(
                "Decisions",
                ["id", "title", "status", "domain", "point", "raised", "days", "flags"],
                rows,
            )
        ],
        data={
            "decisions": [
                {
                    "id": d.id,
                    "title": d.title,
                    "status": d.status,
                    "domain": d.domain,
                    "point": d.point,
                    "raised": d.raised.isoformat() if d.raised else None,
                    "decided": d.decided.isoformat() if d.decided else None,
                    "days_waited": round(days(w), 2) if (w := waited[d.id]) else None,
                    "appeal": {k: str(v) for k, v in d.appeal.items()},
                    "path": str(d.path),
                    "flags": flagged.get(d.id, []),
                }
                for d in decisions
            ]
        },
    )
