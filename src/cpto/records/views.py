"""Records as reports (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from cpto.records.alarms import Alarm
from cpto.records.check import CheckResult
from cpto.records.decisions import (
    Decision,
    Finding,
    appeal_rates,
    check_under,
    point_stats,
    waited_for_meeting,
)
from cpto.records.incidents import KINDS, Incident, check_incident
from cpto.records.people import Contributions, Lanes, People, org_shape
from cpto.records.roadmap import ItemClock, Review, Roadmap, overall_speed
from cpto.records.timeline import Moment
from cpto.records.times import days
from cpto.report import Report, Table
from cpto.workspace.config import WorkspaceConfig


def people_report(people: People, work: Contributions | None, crossings: Lanes | None = None) -> Report:
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
    if crossings and crossings.prds:
        tables.append(
            Table(
                "Across lanes: PRDs written outside product",
                ["handle", "discipline", "PRD"],
                [[p.handle, p.discipline, path] for p, path in crossings.prds],
            )
        )
    if crossings and crossings.consulted:
        tables.append(
            Table(
                "Across lanes: consulted on another discipline's decisions",
                ["handle", "discipline", "decisions"],
                [[p.handle, p.discipline, n] for p, n in crossings.consulted],
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
        "prds_across_lanes": [
            {"handle": p.handle, "discipline": p.discipline, "prd": path}
            for p, path in (crossings.prds if crossings else [])
        ],
        "consulted_across_lanes": [
            {"handle": p.handle, "discipline": p.discipline, "decisions": n}
            for p, n in (crossings.consulted if crossings else [])
        ],
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
    findings = check_under(config, decisions, people, now)
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
    met_late = sum(
        1 for d in decisions if waited_for_meeting(d, config.meeting_days, config.zone) is not None
    )
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


MEASURES = ("detect", "acknowledge", "mitigate", "restore")  # time to ..., for KINDS[1:]


def duration(span: timedelta | None) -> str:
    """5m, 2h 10m, 1d 3h: how incident times read."""
    if span is None:
        return ""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    d, hours = divmod(hours, 24)
    return f"{d}d {hours}h"


def _minutes(span: timedelta | None) -> float | None:
    return round(span.total_seconds() / 60, 1) if span is not None else None


def _incident_data(i: Incident, cause: str | None, problems: list[str]) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title,
        "severity": i.severity,
        "services": list(i.services),
        "commander": i.commander,
        "caused_by": i.caused_by,
        "caused_by_commit": cause,
        "started": i.started.isoformat() if i.started else None,
        "open": i.is_open,
        "minutes_to": {kind: _minutes(i.time_to(kind)) for kind in KINDS[1:]},
        "path": str(i.path),
        "problems": problems,
    }


def incidents_report(
    incidents: list[Incident],
    severities: tuple[str, ...],
    causes: dict[str, str | None],
    known: set[str] | None,
) -> Report:
    """Every incident with its times from impact start; medians per severity, most severe first."""
    rank = {s: n for n, s in enumerate(severities)}
    ordered = sorted(
        incidents,
        key=lambda i: (rank.get(i.severity, len(rank)), i.started or datetime.max.replace(tzinfo=UTC)),
    )
    problems = {i.id: check_incident(i, known) for i in incidents}
    for i in incidents:
        if i.caused_by and causes.get(i.id) is None:
            problems[i.id].append(f"caused_by '{i.caused_by}' is not a commit or tag of the repository")
    rows = [
        [
            i.id,
            i.severity,
            i.title[:44],
            i.commander,
            f"{i.started:%Y-%m-%d %H:%M}" if i.started else "",
            *(duration(i.time_to(k)) for k in KINDS[1:]),
            (causes.get(i.id) or i.caused_by)[:10],
            "; ".join(problems[i.id]),
        ]
        for i in ordered
    ]
    by_severity = []
    for sev in severities:
        mine = [i for i in incidents if i.severity == sev]
        if not mine:
            continue
        by_severity.append(
            [sev, len(mine), sum(i.is_open for i in mine)]
            + [duration(_median_span([i.time_to(k) for i in mine])) for k in KINDS[1:]]
        )
    return Report(
        title="Incidents",
        subtitle="times from impact start: to detect, acknowledge, mitigate, restore",
        facts=[
            ("incidents", len(incidents)),
            ("open", sum(i.is_open for i in incidents)),
            ("with a causing change", sum(bool(causes.get(i.id)) for i in incidents)),
        ],
        tables=[
            Table(
                "Incidents",
                [
                    "id",
                    "sev",
                    "title",
                    "commander",
                    "started",
                    "TTD",
                    "TTA",
                    "TTM",
                    "TTR",
                    "caused by",
                    "problems",
                ],
                rows,
            ),
            Table(
                "Median times per severity",
                ["severity", "incidents", "open", "TTD", "TTA", "TTM", "TTR"],
                by_severity,
                caption="severities most severe first, as ranked in [incidents] severities",
            ),
        ],
        data={
            "incidents": [_incident_data(i, causes.get(i.id), problems[i.id]) for i in ordered],
            "severities": list(severities),
        },
    )


def _median_span(spans: list[timedelta | None]) -> timedelta | None:
    known = sorted(s for s in spans if s is not None)
    if not known:
        return None
    mid = len(known) // 2
    return known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2


def incident_report(i: Incident, cause: str | None, known: set[str] | None) -> Report:
    """One incident: its facts, its times from impact start and its whole timeline."""
    problems = check_incident(i, known)
    if i.caused_by and cause is None:
        problems.append(f"caused_by '{i.caused_by}' is not a commit or tag of the repository")
    facts: list[tuple[str, Any]] = [
        ("severity", i.severity),
        ("services", ", ".join(i.services)),
        ("commander", i.commander),
        ("status", "open" if i.is_open else "resolved"),
        (
            "caused by",
            f"{i.caused_by} ({cause[:12]})" if cause and cause[:7] not in i.caused_by else i.caused_by,
        ),
    ]
    facts += [
        (f"time to {verb}", duration(i.time_to(k))) for k, verb in zip(KINDS[1:], MEASURES, strict=True)
    ]
    return Report(
        title=f"{i.id}: {i.title}",
        subtitle=str(i.path),
        facts=facts,
        tables=[
            Table(
                "Timeline",
                ["time (UTC)", "event", "what", "+ from start"],
                [
                    [
                        f"{e.at.astimezone(UTC):%Y-%m-%d %H:%M}",
                        e.kind,
                        e.text,
                        duration(e.at - i.started) if i.started else "",
                    ]
                    for e in i.events
                ],
            )
        ],
        notes=problems,
        data=_incident_data(i, cause, problems)
        | {
            "timeline": [
                {"at": e.at.isoformat(), "kind": e.kind, "text": e.text, "line": e.line} for e in i.events
            ]
        },
    )


def timeline_report(moments: list[Moment]) -> Report:
    """Incidents, deploys and decisions on one line of time."""
    counts = {s: sum(m.source == s for m in moments) for s in ("incident", "deploy", "decision")}
    return Report(
        title="Timeline",
        subtitle="incidents, deploys and decisions, oldest first (UTC)",
        facts=[(f"{source} events", n) for source, n in counts.items()],
        tables=[
            Table(
                "Timeline",
                ["time (UTC)", "source", "ref", "what"],
                [[f"{m.at.astimezone(UTC):%Y-%m-%d %H:%M}", m.source, m.ref, m.what] for m in moments],
            )
        ],
        data={"timeline": [asdict(m) | {"at": m.at.isoformat()} for m in moments]},
    )


def roadmap_report(
    current: Roadmap, reviews: list[Review], clocks: list[ItemClock], warnings: list[str]
) -> Report:
    """Each item's horizon at every review, what stalled, what to propose, and what shows no work."""
    days_shown = [r.day for r in reviews][-6:]
    rows = []
    for c in clocks:
        horizons = dict(c.path)
        rows.append(
            [
                c.item.id,
                c.item.title[:32],
                c.item.owner,
                *(horizons.get(d) or "" for d in days_shown),
                c.item.status or "",
                c.rungs_per_review if c.rungs_per_review is not None else "",
                c.stalled or "",
            ]
        )
    stalled = [c for c in clocks if c.proposal]
    idle = [c for c in clocks if c.evidence.startswith("no evidence")]
    speed = overall_speed(clocks)
    notes = [*warnings]
    if len(reviews) < 2:
        notes.append("fewer than two reviews in roadmap.yaml's git history: nothing to compare yet")
    tables = [
        Table(
            "Horizon at each review",
            [
                "id",
                "title",
                "owner",
                *(d.isoformat() for d in days_shown),
                "status",
                "rungs/review",
                "stalled",
            ],
            rows,
            caption="stalled: reviews in a row that left it at the same horizon",
        ),
        Table(
            "One click faster",
            ["id", "title", "horizon", "stalled reviews", "proposal"],
            [[c.item.id, c.item.title[:40], c.item.horizon, c.stalled, c.proposal] for c in stalled],
        ),
    ]
    if any(c.evidence for c in clocks):
        tables.append(
            Table(
                "Evidence of work (product review of each item's PRD)",
                ["id", "title", "horizon", "evidence"],
                [
                    [c.item.id, c.item.title[:40], c.item.horizon, c.evidence]
                    for c in clocks
                    if not c.item.done
                ],
            )
        )
    return Report(
        title="Roadmap clock speed",
        subtitle=f"{current.path}; {len(reviews)} reviews in its git history",
        facts=[
            ("items", len(current.items)),
            ("done", sum(c.item.done for c in clocks)),
            ("rungs per review", speed if speed is not None else ""),
            ("stalled at the last review", len(stalled)),
            ("no evidence of work", len(idle)),
        ],
        tables=tables,
        notes=notes,
        data={
            "reviews": [{"day": r.day.isoformat(), "sha": r.sha} for r in reviews],
            "rungs_per_review": speed,
            "items": [
                {
                    "id": c.item.id,
                    "title": c.item.title,
                    "owner": c.item.owner,
                    "horizon": c.item.horizon,
                    "status": c.item.status,
                    "prd": c.item.prd,
                    "horizons": [{"day": d.isoformat(), "horizon": h} for d, h in c.path],
                    "closer": c.closer,
                    "slipped": c.slipped,
                    "stalled": c.stalled,
                    "rungs_per_review": c.rungs_per_review,
                    "proposal": c.proposal,
                    "evidence": c.evidence,
                }
                for c in clocks
            ],
            "warnings": warnings,
        },
    )


def check_report(result: CheckResult) -> Report:
    """Every problem of every record, errors first."""
    ordered = sorted(result.problems, key=lambda p: (p.level != "error", p.where))
    return Report(
        title="Workspace check",
        subtitle="ok"
        if not result.problems
        else f"{result.errors} error(s), {len(ordered) - result.errors} warning(s)",
        facts=[(f"{kind} read", n) for kind, n in result.checked.items()],
        tables=[
            Table("Problems", ["level", "where", "problem"], [[p.level, p.where, p.message] for p in ordered])
        ]
        if ordered
        else [],
        data={"checked": result.checked, "problems": [asdict(p) for p in ordered], "errors": result.errors},
    )


def alarms_report(alarms: list[Alarm]) -> Report:
    """Pulled stop cords, open ones first."""
    ordered = sorted(alarms, key=lambda a: (not a.is_open, a.id))
    return Report(
        title="Alarms",
        facts=[("open", sum(a.is_open for a in alarms)), ("cleared", sum(not a.is_open for a in alarms))],
        tables=[
            Table(
                "Alarms",
                ["id", "status", "title", "by", "raised"],
                [
                    [a.id, a.status, a.title, a.by, f"{a.raised:%Y-%m-%d %H:%M}" if a.raised else ""]
                    for a in ordered
                ],
            )
        ],
        data={
            "alarms": [
                {
                    "id": a.id,
                    "status": a.status,
                    "title": a.title,
                    "by": a.by,
                    "raised": a.raised.isoformat() if a.raised else None,
                    "cleared": a.cleared.isoformat() if a.cleared else None,
                    "path": str(a.path),
                }
                for a in ordered
            ]
        },
    )
