"""The product review as a report (terminal, Markdown, HTML) and as the ``cpto trace --json`` contract."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from cpto.report import Report, Table
from cpto.review.trace import (
    IN_PROGRESS,
    NOT_STARTED,
    SHIPPED,
    UNCLEAR,
    Effort,
    Link,
    RequirementTrace,
    TraceResult,
)

STATUS_LABEL = {
    SHIPPED: "shipped",
    IN_PROGRESS: "in progress",
    NOT_STARTED: "not started",
    UNCLEAR: "unclear",
}


def trace_data(result: TraceResult) -> dict[str, Any]:
    """The JSON of ``cpto trace --json`` (shape fixed in shared/data/CONTRACTS.md), with extra detail keys."""
    return {
        "requirements": [_requirement_data(t) for t in result.requirements],
        "unplanned": [
            {
                "kind": "commit",
                "ref": c.sha,
                "title": c.subject,
                "author": c.author,
                "date": _iso(c.time),
                "lines": c.added + c.deleted,
                "paths": list(c.paths[:20]),
            }
            for c in result.unplanned
        ],
        "unplanned_since": _iso(result.since),
        "summary": result.counts(),
        "warnings": result.warnings,
        "subjects": result.subjects,
    }


def _requirement_data(t: RequirementTrace) -> dict[str, Any]:
    r = t.requirement
    return {
        "id": r.id,
        "title": r.title,
        "text": r.text,
        "status": t.status,
        "links": [asdict(link) for link in t.links],  # exactly the contract's link keys
        "reason": t.reason,
        "prd": t.prd,
        "line": r.line,
        "effort": _effort_data(t.effort),
        "tests": t.tests,
        "releases": t.releases,
    }


def _effort_data(e: Effort) -> dict[str, Any]:
    return {
        "commits": e.commits,
        "lines": e.lines,
        "people": list(e.people),
        "first": _iso(e.first),
        "last": _iso(e.last),
    }


def review_report(result: TraceResult, *, repo: str, evidence: int = 4) -> Report:
    """The product review for people: status per requirement, its evidence and effort, unplanned work."""
    counts = result.counts()
    total = len(result.requirements)
    prds = sorted({t.prd for t in result.requirements})
    unplanned_lines = sum(c.added + c.deleted for c in result.unplanned)
    facts: list[tuple[str, Any]] = [
        ("requirements", total),
        *((STATUS_LABEL[s], counts[s]) for s in (SHIPPED, IN_PROGRESS, NOT_STARTED, UNCLEAR)),
        ("unplanned commits", f"{len(result.unplanned)} ({unplanned_lines} lines)"),
    ]
    rows = [
        [
            t.requirement.id,
            _short(t.requirement.title, 48),
            STATUS_LABEL[t.status],
            t.effort.commits,
            t.effort.lines,
            len(t.effort.people),
            f"{t.effort.last:%Y-%m-%d}" if t.effort.last else "",
            t.reason,
        ]
        for t in result.requirements
    ]
    evidence_rows = [
        [t.requirement.id, link.kind, _ref(link, result.subjects), link.why]
        for t in result.requirements
        for link in _top_evidence(t, evidence)
    ]
    area_rows = [
        [
            a.area,
            a.effort.commits,
            a.effort.lines,
            len(a.effort.people),
            _span(a.effort),
            "; ".join(_short(c.subject, 40) for c in a.commits[-2:]),
        ]
        for a in result.unplanned_areas
    ]
    since = f"since {result.since:%Y-%m-%d}" if result.since else "all history"
    return Report(
        title="Product review",
        subtitle=f"{', '.join(prds)} against {repo}",
        facts=facts,
        tables=[
            Table(
                "Requirements",
                ["id", "requirement", "status", "commits", "lines", "people", "last", "why"],
                rows,
            ),
            Table(
                "Evidence",
                ["id", "kind", "evidence", "why linked"],
                evidence_rows,
                caption=f"Up to {evidence} linked items per requirement, explicit references first.",
            ),
            Table(
                "Unplanned work by area",
                ["area", "commits", "lines", "people", "dates", "latest"],
                area_rows,
                caption=f"Commits {since} that trace to no requirement.",
            ),
        ],
        notes=list(result.warnings),
        data=trace_data(result),
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _top_evidence(t: RequirementTrace, n: int) -> list[Link]:
    linked = [link for link in t.links if link.linked]
    return sorted(linked, key=lambda link: (not link.explicit, link.kind != "commit", -link.score))[:n]


def _ref(link: Link, subjects: dict[str, str]) -> str:
    if link.kind == "commit":
        return _short(f"{link.ref[:10]} {subjects.get(link.ref, '')}".strip(), 64)
    return link.ref


def _span(e: Effort) -> str:
    if e.first is None or e.last is None:
        return ""
    return (
        f"{e.first:%Y-%m-%d}"
        if e.first.date() == e.last.date()
        else f"{e.first:%Y-%m-%d} to {e.last:%Y-%m-%d}"
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
