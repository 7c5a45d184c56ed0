"""Records as reports (terminal, Markdown, HTML, JSON)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cpto.records.actions import ActionItem, ActionList, record_action_items
from cpto.records.alarms import Alarm
from cpto.records.check import ERROR, INFO, WARNING, CheckResult
from cpto.records.decisions import (
    UNKNOWN,
    Decision,
    Finding,
    appeal_rates,
    check_under,
    decisions_folder,
    point_stats,
    waited_for_meeting,
)
from cpto.records.ids import Section, no_records
from cpto.records.incidents import KINDS, Incident, check_incident
from cpto.records.people import UNKNOWN_DISCIPLINE, Contributions, Lanes, People, Person, org_shape
from cpto.records.roadmap import ItemClock, Review, Roadmap, overall_speed
from cpto.records.timeline import SOURCES, Moment
from cpto.records.times import days, duration
from cpto.report import NARROW, WIDE, Block, Blocks, Report, Table, Tag
from cpto.workspace.config import WorkspaceConfig


def people_report(people: People, work: Contributions | None, crossings: Lanes | None = None) -> Report:
    """Who is who, the organisation's shape, whose git identities are whose, and work across lanes."""
    shape = org_shape(people)
    commits = work.commits if work else {}
    known = {d: n for d, n in shape.disciplines.items() if d != UNKNOWN_DISCIPLINE}
    # A column nobody in people.yaml fills says nothing: it is left out (and a narrow terminal keeps
    # the names readable); the facts below say what is not set.
    columns: list[tuple[str, Callable[[Person], Any], bool]] = [
        ("handle", lambda p: p.handle, True),
        ("name", lambda p: p.name, True),
        ("discipline", lambda p: p.discipline, bool(known)),
        ("role", lambda p: p.role, any(p.role for p in people.people)),
        ("team", lambda p: p.team, any(p.team for p in people.people)),
        ("manager", lambda p: p.manager, bool(shape.spans)),
        ("reports", lambda p: shape.spans.get(p.handle, 0), bool(shape.spans)),
        ("commits", lambda p: commits.get(p.handle, 0), True),
    ]
    shown = [(name, value) for name, value, filled in columns if filled]
    rows = [[value(p) for _, value in shown] for p in people.people]
    tables = [
        Table("People", [name for name, _ in shown], rows),
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
        ("disciplines", len(known) if known else "unknown: no discipline set in people.yaml"),
        ("teams", len(shape.teams) if any(p.team for p in people.people) else "none set in people.yaml"),
        ("managers", len(shape.spans) if spans else "none set in people.yaml"),
        ("widest span", max(spans) if spans else "unknown: no manager set in people.yaml"),
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


DECISION_HOW = (
    'raise one with `cpto decision new "TITLE" --domain outcomes --point HANDLE`; if your decision'
    " records (ADRs) live elsewhere, point [workspace] decisions in cpto.toml at that folder"
)


def no_decisions_report(folder: Path | None) -> Report:
    """No decision records: say so and how to start, instead of a page of zero counts and empty tables."""
    reason = no_records(folder, "decision")
    return Report(
        title="Decisions",
        subtitle=reason,
        facts=[("decision records", "none found")],
        notes=[f"{reason}: {DECISION_HOW}"],
        data={
            "decisions": [],
            "points": None,
            "appeals": None,
            "reason": reason,
            "how_to_add": DECISION_HOW,
        },
    )


def decisions_report(
    decisions: list[Decision], people: People, config: WorkspaceConfig, now: datetime
) -> Report:
    """Every decision with its status, point person and wait; who decides how fast; appeals per quarter."""
    if not decisions:
        return no_decisions_report(decisions_folder(config))
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
            f"{d.raised:%Y-%m-%d}" if d.raised else "unknown",
            f"{days(w):.1f}" if (w := waited[d.id]) is not None else "unknown",
            "; ".join(flagged.get(d.id, [])),
        ]
        for d in decisions
    ]
    stats = point_stats(decisions, config.decision_sla, now)
    appeals = appeal_rates(decisions, config.max_appeal_rate)
    past_sla = sum(p.past_sla for p in stats)
    meetings: Any = (
        sum(1 for d in decisions if waited_for_meeting(d, config.meeting_days, config.zone) is not None)
        if config.meeting_days
        else "not measured: set [meetings] joint_review in cpto.toml"
    )
    untimed = [d.id for d in decisions if d.raised is None]
    notes = [
        f"appeal rate {a.rate:.0%} in {a.quarter} is over the agreed {config.max_appeal_rate:.0%}:"
        " constant appeals mean the leadership team is not deciding together"
        for a in appeals
        if a.over
    ]
    if untimed:
        notes.append(
            f"{len(untimed)} decision(s) record no raised time ({', '.join(untimed[:6])}"
            f"{', ...' if len(untimed) > 6 else ''}): their time to decision is unknown, not zero;"
            " add raised: (when it was first asked) to their front matter"
        )
    tables: list[Table] = [
        Table("Decisions", ["id", "title", "status", "domain", "point", "raised", "days", "flags"], rows),
        Table(
            "Time to decision per point person",
            ["point", "decided", "timed", "median days", "slowest days", "open", "open past SLA"],
            [
                [
                    p.handle,
                    p.decided,
                    p.timed,
                    p.median_days if p.median_days is not None else "unknown",
                    p.slowest_days if p.slowest_days is not None else "unknown",
                    p.open,
                    p.past_sla,
                ]
                for p in stats
            ],
            caption="timed: decided ones with a raised time; the others' wait is unknown",
        ),
    ]
    if appeals:
        tables.append(
            Table(
                "Appeals per quarter",
                ["quarter", "decided", "appealed", "rate", "over threshold"],
                [
                    [a.quarter, a.decided, a.appealed, f"{a.rate:.0%}", "yes" if a.over else ""]
                    for a in appeals
                ],
                caption=f"threshold {config.max_appeal_rate:.0%} ([working_agreement] max_appeal_rate)",
            )
        )
    else:
        notes.append("no decision is decided yet: appeal rates are unknown until one is")
    return Report(
        title="Decisions",
        subtitle=f"SLA {days(config.decision_sla):g}d; appeals to {config.appeals_to}",
        facts=[
            ("decisions", len(decisions)),
            ("open", sum(d.is_open for d in decisions)),
            ("open past SLA", past_sla),
            ("appealed", sum(bool(d.appeal) for d in decisions)),
            ("waited for a meeting", meetings),
            ("flagged", len(flagged)),
        ],
        tables=tables,
        notes=notes,
        data={
            "decisions": [_decision_data(d, waited[d.id], flagged.get(d.id, [])) for d in decisions],
            "points": [asdict(p) for p in stats],
            "appeals": [asdict(a) for a in appeals] if appeals else None,
            "appeals_reason": None if appeals else "no decision is decided yet",
            "waited_for_meeting": meetings if config.meeting_days else None,
            "waited_for_meeting_reason": None if config.meeting_days else "no [meetings] in cpto.toml",
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
        "days_waited_reason": None if waited is not None else _why_not_timed(d),
        "consulted": list(d.consulted),
        "appeal": {k: str(v) for k, v in d.appeal.items()},
        "path": str(d.path),
        "flags": flags,
    }


def _why_not_timed(d: Decision) -> str:
    """Why a decision's wait is unknown: said in the JSON beside the null, never a zero."""
    if d.raised is None:
        return "no raised time"
    if d.status == UNKNOWN:
        return "no status"
    if d.is_open or d.decided is not None:
        return "its dates contradict each other or lie in the future (see flags)"
    return "not decided"


def section_tables(sections: Sequence[Section]) -> list[Table]:
    """A record's sections, whole and in document order: one table per heading, a row per paragraph,
    list item or code block, with the line it starts on. The record's ``#`` title alone (already the
    report's title) is left out; an empty section says so."""
    tables = []
    for s in sections:
        chunks = s.chunks()
        if s.level == 1 and not chunks:
            continue
        rows: list[list[Any]] = [[line, text] for line, text in chunks] or [[s.line, "(nothing written)"]]
        tables.append(Table(s.trail or "(before the first heading)", ["line", "text"], rows))
    return tables


def sections_data(sections: Sequence[Section]) -> list[dict[str, Any]]:
    return [
        {"title": s.title, "trail": s.trail, "level": s.level, "line": s.line, "text": s.text}
        for s in sections
    ]


def action_summary(items: list[ActionItem]) -> str:
    """``1 open, 2 done`` for a record's action items, or that it has none."""
    if not items:
        return "none written (- [ ] what (owner))"
    still = sum(not i.done for i in items)
    return f"{still} open, {len(items) - still} done"


def decision_report(
    d: Decision, findings: list[Finding], people: People, now: datetime, meeting_wait: int | None
) -> Report:
    """One decision whole: its facts and wait, every section of the record in order, appeal and flags."""
    waited = d.waited(now)
    point = people.by_handle.get(d.point)
    items = record_action_items("decision", d.id, d.title, d.path, d.sections)
    if waited is not None:
        wait = f"{days(waited):.1f}"
    elif d.raised is None:
        wait = "unknown: no raised time in the record"
    else:
        wait = "not decided"
    facts: list[tuple[str, Any]] = [
        ("status", d.status),
        ("domain", d.domain or "not set"),
        ("point", f"{d.point} ({point.discipline})" if point else d.point or "not set"),
        ("raised", f"{d.raised:%Y-%m-%d %H:%M}" if d.raised else "unknown"),
        ("decided", f"{d.decided:%Y-%m-%d %H:%M}" if d.decided else "not yet"),
        ("days to decision" if d.decided else "days open", wait),
        ("consulted", ", ".join(d.consulted) or "nobody named"),
        ("action items", action_summary(items)),
    ]
    if meeting_wait is not None:
        facts.append(("waited for a meeting", f"{meeting_wait} days"))
    tables = section_tables(d.sections)
    if d.appeal:
        tables.append(Table("Appeal", ["field", "value"], [[k, str(v)] for k, v in d.appeal.items()]))
    flags = [f.problem for f in findings]
    notes = list(flags)
    if not d.sections:
        notes.append(f"{d.path} has no text under its front matter")
    return Report(
        title=f"{d.id}: {d.title}",
        subtitle=str(d.path),
        facts=facts,
        tables=tables,
        notes=notes,
        data=_decision_data(d, waited, flags)
        | {
            "sections": sections_data(d.sections),
            "discussion": [
                {"by": r.handle, "day": r.day.isoformat(), "text": r.text, "line": r.line}
                for r in d.discussion
            ],
            "action_items": [_action_data(i) for i in items],
        },
    )


MEASURES = ("detect", "acknowledge", "mitigate", "restore")  # time to ..., for KINDS[1:]


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


def incident_how(severities: tuple[str, ...]) -> str:
    """How to write the first incident record, with a severity this workspace accepts."""
    sev = severities[min(1, len(severities) - 1)] if severities else "SEV2"
    return (
        f'open one with `cpto incident new "TITLE" --severity {sev} --commander HANDLE --started'
        " 2026-11-03T14:22`; if your postmortems live elsewhere, point [workspace] incidents in cpto.toml"
        " at that folder"
    )


def no_incidents_report(folder: Path | None, severities: tuple[str, ...]) -> Report:
    """No incident records: unknown, not zero incidents. Say so and how to start."""
    reason = no_records(folder, "incident")
    how = incident_how(severities)
    return Report(
        title="Incidents",
        subtitle=reason,
        facts=[("incident records", "none found")],
        notes=[
            f"{reason}: times to detect and restore are unknown, not zero; {how}",
        ],
        data={
            "incidents": [],
            "medians": None,
            "severities": list(severities),
            "reason": reason,
            "how_to_add": how,
        },
    )


def incidents_report(
    incidents: list[Incident],
    severities: tuple[str, ...],
    causes: dict[str, str | None],
    known: set[str] | None,
    folder: Path | None = None,
) -> Report:
    """Every incident with its times from impact start; medians per severity, most severe first."""
    if not incidents:
        return no_incidents_report(folder, severities)
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
            f"{i.started:%Y-%m-%d %H:%M}" if i.started else "unknown",
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
    items = [a for i in incidents for a in record_action_items("incident", i.id, i.title, i.path, i.sections)]
    return Report(
        title="Incidents",
        subtitle="times from impact start: to detect, acknowledge, mitigate, restore",
        facts=[
            ("incidents", len(incidents)),
            ("open", sum(i.is_open for i in incidents)),
            ("with a causing change", sum(bool(causes.get(i.id)) for i in incidents)),
            ("action items", action_summary(items)),
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
                caption="a blank time: that event is not in the incident's timeline (unknown, not zero)",
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
            "open_action_items": [_action_data(a) for a in items if not a.done],
        },
    )


def _median_span(spans: list[timedelta | None]) -> timedelta | None:
    known = sorted(s for s in spans if s is not None)
    if not known:
        return None
    mid = len(known) // 2
    return known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2


def _time_to(i: Incident, kind: str) -> str:
    """A time from impact start, or why it is unknown."""
    if i.started is None:
        return "unknown: no started event"
    span = i.time_to(kind)
    return duration(span) if span is not None else f"unknown: no {kind} event"


def incident_report(i: Incident, cause: str | None, known: set[str] | None) -> Report:
    """One incident whole: its facts, its times from impact start, every section of the record in
    order (summary, timeline, root cause, action items...), and the timeline measured from the start."""
    problems = check_incident(i, known)
    if i.caused_by and cause is None:
        problems.append(f"caused_by '{i.caused_by}' is not a commit or tag of the repository")
    items = record_action_items("incident", i.id, i.title, i.path, i.sections)
    facts: list[tuple[str, Any]] = [
        ("severity", i.severity or "not set"),
        ("services", ", ".join(i.services) or "not named"),
        ("commander", i.commander or "not named"),
        ("status", "open" if i.is_open else "resolved"),
        (
            "caused by",
            f"{i.caused_by} ({cause[:12]})"
            if cause and cause[:7] not in i.caused_by
            else i.caused_by or "not recorded (caused_by: in the front matter)",
        ),
    ]
    facts += [(f"time to {verb}", _time_to(i, k)) for k, verb in zip(KINDS[1:], MEASURES, strict=True)]
    facts.append(("action items", action_summary(items)))
    tables = section_tables(i.sections)
    tables.append(
        Table(
            "Timeline measured from impact start",
            ["time (UTC)", "event", "what", "+ from start"],
            [
                [
                    f"{e.at.astimezone(UTC):%Y-%m-%d %H:%M}",
                    e.kind,
                    e.text,
                    duration(e.at - i.started) if i.started else "unknown",
                ]
                for e in i.events
            ],
        )
    )
    notes = list(problems)
    if not i.sections:
        notes.append(f"{i.path} has no text under its front matter")
    return Report(
        title=f"{i.id}: {i.title}",
        subtitle=str(i.path),
        facts=facts,
        tables=tables,
        notes=notes,
        data=_incident_data(i, cause, problems)
        | {
            "sections": sections_data(i.sections),
            "timeline": [
                {"at": e.at.isoformat(), "kind": e.kind, "text": e.text, "line": e.line} for e in i.events
            ],
            "action_items": [_action_data(a) for a in items],
        },
    )


def _action_data(a: ActionItem) -> dict[str, Any]:
    return {
        "text": a.text,
        "owner": a.owner or None,
        "done": a.done,
        "kind": a.kind,
        "record": a.record,
        "title": a.title,
        "path": str(a.path),
        "line": a.line,
        "section": a.section,
    }


def actions_report(found: ActionList, *, show_done: bool = False, owner: str | None = None) -> Report:
    """Open action items of incidents and decisions, by owner: the follow-up work records promise.

    With no records to read, or none holding an action item, the report says which and how to write
    one, so that no action items never reads as zero open work.
    """
    items, records, missing = found.items, found.records, found.missing
    who = owner.strip().lstrip("@").lower() if owner else ""
    shown = sorted(
        items if show_done else [a for a in items if not a.done],
        key=lambda a: (a.done, a.owner or "~", str(a.path), a.line),
    )
    still = [a for a in items if not a.done]
    owners: dict[str, int] = {}
    for a in still:
        owners[a.owner or "(nobody)"] = owners.get(a.owner or "(nobody)", 0) + 1
    title = "Action items" if show_done else "Open action items"
    subtitle = "the - [ ] lines of incident and decision records" + (f", owned by {who}" if who else "")
    if not records:
        reason = "; ".join(missing)
        return Report(
            title=title,
            subtitle=subtitle,
            facts=[("records read", "none")],
            notes=[
                f"open work is unknown: {reason}. Action items are `- [ ] what (owner)` lines under"
                " ## Action items in incident records (cpto incident new) and decision records"
                " (cpto decision new)"
            ],
            data={"records": 0, "open": None, "done": None, "reason": reason, "owners": None, "items": []},
        )
    notes = []
    if not items and who:
        notes.append(f"no action item names {who} as its owner")
    elif not items:
        notes.append(
            f"none of the {records} record(s) has an action item: write `- [ ] what (owner)` lines"
            " (a trailing (handle) or an @handle names the owner) under ## Action items"
        )
    unowned = owners.get("(nobody)", 0)
    if unowned:
        notes.append(f"{unowned} open action item(s) name no owner: end the line with (handle)")
    tables: list[Table | Blocks] = []
    if shown:
        tables += [
            Table(
                title,
                ["owner", "status", "what", "record", "where"],
                [
                    [a.owner or "(nobody)", _status_tag(a), a.text, a.record, f"{a.path.name}:{a.line}"]
                    for a in shown
                ],
                show=WIDE,
            ),
            Blocks(
                title,
                [
                    Block(
                        a.text,
                        tag=_status_tag(a),
                        note=a.owner or "no owner",
                        entries=[("record", f"{a.record}: {a.title}"), ("where", f"{a.path.name}:{a.line}")],
                    )
                    for a in shown
                ],
                show=NARROW,
            ),
        ]
    return Report(
        title=title,
        subtitle=subtitle,
        facts=[
            ("records read", records),
            ("open", len(still)),
            ("done", len(items) - len(still)),
            ("open without an owner", unowned),
        ],
        tables=tables,
        notes=notes,
        data={
            "records": records,
            "open": len(still),
            "done": len(items) - len(still),
            "reason": None,
            "owners": owners,
            "items": [_action_data(a) for a in shown],
        },
    )


def _status_tag(a: ActionItem) -> Tag:
    return Tag("done", "good") if a.done else Tag("open", "warn")


def timeline_report(moments: list[Moment], missing: dict[str, str] | None = None) -> Report:
    """Incidents, deploys and decisions on one line of time.

    ``missing`` names each source that has no records at all and why (no incidents/ folder, no tags
    matching [deploys] tags): its count is unknown, not zero, and the report says how to set it up.
    """
    missing = missing or {}
    counts = {s: sum(m.source == s for m in moments) for s in SOURCES}
    facts: list[tuple[str, Any]] = [
        (f"{source} events", "unknown (see below)" if source in missing else n)
        for source, n in counts.items()
    ]
    notes = [f"{source}s: {why}" for source, why in missing.items()]
    tables = []
    if moments:
        tables.append(
            Table(
                "Timeline",
                ["time (UTC)", "source", "ref", "what"],
                [[f"{m.at.astimezone(UTC):%Y-%m-%d %H:%M}", m.source, m.ref, m.what] for m in moments],
            )
        )
    elif len(missing) < len(SOURCES):
        notes.append("no event in the chosen period")
    return Report(
        title="Timeline",
        subtitle="incidents, deploys and decisions, oldest first (UTC)",
        facts=facts,
        tables=tables,
        notes=notes,
        data={
            "timeline": [asdict(m) | {"at": m.at.isoformat()} for m in moments],
            "counts": {s: None if s in missing else n for s, n in counts.items()},
            "missing": missing,
        },
    )


ROADMAP_HOW = (
    "write roadmap.yaml with reviewed: (the joint review's date) and an items: list (id, title, horizon:"
    " year|half|quarter|month|week, target, owner, prd), commit it after each joint review, or point"
    " [workspace] roadmap in cpto.toml at yours"
)


def no_roadmap_report(path: Path) -> Report:
    """No roadmap.yaml: clock speed is unknown, not zero. Say so and how to start one."""
    reason = f"no roadmap: {path} does not exist"
    return Report(
        title="Roadmap clock speed",
        subtitle=reason,
        facts=[("roadmap items", "none: no roadmap file")],
        notes=[f"{reason}; {ROADMAP_HOW}"],
        data={
            "reviews": [],
            "items": [],
            "rungs_per_review": None,
            "reason": reason,
            "how_to_add": ROADMAP_HOW,
        },
    )


def roadmap_report(
    current: Roadmap, reviews: list[Review], clocks: list[ItemClock], warnings: list[str]
) -> Report:
    """Each item's horizon at every review, what stalled, what to propose, what shows no work, and
    targets that are past or that the horizon contradicts."""
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
    doubtful = [c for c in clocks if c.target_problems]
    speed = overall_speed(clocks)
    notes = [*warnings]
    if not current.items:
        notes.append(f"{current.path} lists no items: add them under items: ({ROADMAP_HOW})")
    if len(reviews) < 2:
        notes.append(
            "fewer than two reviews in roadmap.yaml's git history: clock speed is unknown until the file"
            " is committed after a second joint review (with a new reviewed: date)"
        )
    tables: list[Table | Blocks] = [
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
            show=WIDE,
        ),
        Blocks(
            "Horizon at each review",
            [
                Block(
                    f"{c.item.id} {c.item.title}",
                    tag=Tag(c.item.status, "good") if c.item.done else None,
                    note=c.item.owner,
                    text=" → ".join(h or "-" for _, h in c.path[-6:]) or c.item.horizon,
                    entries=[
                        (
                            "rungs per review",
                            f"{c.rungs_per_review:g}" if c.rungs_per_review is not None else "unknown",
                        ),
                        *([("stalled", f"{c.stalled} review(s) in a row")] if c.stalled else []),
                    ],
                )
                for c in clocks
            ],
            caption=f"horizons at the last {len(days_shown)} reviews, oldest first",
            show=NARROW,
        ),
    ]
    if stalled:
        tables.append(
            Table(
                "One click faster",
                ["id", "title", "horizon", "stalled reviews", "proposal"],
                [[c.item.id, c.item.title[:40], c.item.horizon, c.stalled, c.proposal] for c in stalled],
                caption="targets count from today; --apply writes exactly these",
            )
        )
    if doubtful:
        tables.append(
            Table(
                "Targets to fix",
                ["id", "title", "horizon", "target", "problem"],
                [
                    [
                        c.item.id,
                        c.item.title[:40],
                        c.item.horizon,
                        c.item.target,
                        "; ".join(c.target_problems),
                    ]
                    for c in doubtful
                ],
            )
        )
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
            ("rungs per review", speed if speed is not None else "unknown: fewer than two reviews"),
            ("stalled at the last review", len(stalled)),
            ("targets to fix", len(doubtful)),
            ("no evidence of work", len(idle)),
        ],
        tables=tables,
        notes=notes,
        data={
            "reviews": [{"day": r.day.isoformat(), "sha": r.sha} for r in reviews],
            "rungs_per_review": speed,
            "rungs_per_review_reason": None if speed is not None else "fewer than two reviews",
            "items": [
                {
                    "id": c.item.id,
                    "title": c.item.title,
                    "owner": c.item.owner,
                    "horizon": c.item.horizon,
                    "target": c.item.target.isoformat() if c.item.target else None,
                    "status": c.item.status,
                    "prd": c.item.prd,
                    "horizons": [{"day": d.isoformat(), "horizon": h} for d, h in c.path],
                    "closer": c.closer,
                    "slipped": c.slipped,
                    "stalled": c.stalled,
                    "rungs_per_review": c.rungs_per_review,
                    "proposal": c.proposal,
                    "proposed_horizon": c.proposed_horizon or None,
                    "proposed_target": c.proposed_target.isoformat() if c.proposed_target else None,
                    "target_problems": c.target_problems,
                    "evidence": c.evidence,
                }
                for c in clocks
            ],
            "warnings": warnings,
        },
    )


def check_report(result: CheckResult) -> Report:
    """Every problem of every record, errors first, then warnings, then information (open action
    items); a kind of record the workspace has none of says so instead of "0 read"."""
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    ordered = sorted(result.problems, key=lambda p: (order.get(p.level, 3), p.where))
    infos = sum(p.level == INFO for p in ordered)
    summary = f"{result.errors} error(s), {result.warnings} warning(s)" + (f", {infos} info" if infos else "")
    if not any(result.checked.values()) and not result.errors:
        summary = "nothing checked: the workspace has no records or PRDs yet" + (
            f"; {result.warnings} set-up warning(s) say how to start each" if result.warnings else ""
        )
    elif not result.errors and not result.warnings:
        summary = "ok" + (f"; {infos} info" if infos else "")
    actions_known = "decisions" not in result.missing or "incidents" not in result.missing
    return Report(
        title="Workspace check",
        subtitle=summary,
        facts=[
            (f"{kind} read", f"none: {result.missing[kind]}" if kind in result.missing and not n else n)
            for kind, n in result.checked.items()
        ]
        + [
            (
                "open action items",
                result.open_actions if actions_known else "unknown: no incident or decision records",
            )
        ],
        tables=[
            Table("Problems", ["level", "where", "problem"], [[p.level, p.where, p.message] for p in ordered])
        ]
        if ordered
        else [],
        data={
            "checked": result.checked,
            "missing": result.missing,
            "open_action_items": result.open_actions if actions_known else None,
            "problems": [asdict(p) for p in ordered],
            "errors": result.errors,
            "warnings": result.warnings,
        },
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
