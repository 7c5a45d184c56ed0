"""Records as reports (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

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
