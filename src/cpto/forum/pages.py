"""The forum's pages as reports: each is built the way its CLI command builds it, so the page and the
command show the same numbers. The web layer (:mod:`cpto.forum.app`) only wraps them in a layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from cpto.history.forge import workspace_forge
from cpto.report.model import Report
from cpto.review.prd import Prd
from cpto.review.trace import Link, TraceResult
from cpto.review.views import at_risk
from cpto.workspace.config import WorkspaceConfig


@dataclass(frozen=True)
class Attention:
    """One thing on the home page that needs someone: what, why, and which page shows it."""

    kind: str  # stop cord | decision | requirement | incident
    what: str
    why: str
    page: str  # the forum path that shows it


HOME_KINDS = (
    ("stop cord", "stop cords open"),
    ("decision", "decisions past SLA"),
    ("requirement", "requirements at risk"),
    ("incident", "incidents in the last 7 days"),
)


def workspace_review(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig
) -> tuple[TraceResult, list[Prd]]:
    """The product review of the workspace's PRDs and the PRDs themselves (Home needs no report of it)."""
    from cpto.review.service import load_prds, review_workspace, workspace_prds

    prds = load_prds(workspace_prds(config))
    return review_workspace(con, config, prds), prds


def review_page(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig
) -> tuple[Report, TraceResult, list[Prd]]:
    """The product review of the workspace's PRDs, as ``cpto review`` shows it."""
    from cpto.review.views import review_report

    result, prds = workspace_review(con, config)
    report = review_report(
        result,
        repo=", ".join(str(r) for r in config.repos),
        root=config.root,
        prds=prds,
        forge=workspace_forge(config),
    )
    return report, result, prds


def heartbeat_page(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    week: str | None,
    now: datetime,
    forge: Callable[[Link], str] | None = None,
) -> Report:
    """The weekly heartbeat of ``week`` (ISO week or a date in it; None: the last full week), as
    ``cpto heartbeat --week`` shows it."""
    from cpto.heartbeat.views import heartbeat_report
    from cpto.heartbeat.week import week_start, workspace_heartbeat

    start = week_start(week, now.date(), config.zone)
    beat = workspace_heartbeat(con, config, start, now=now)
    return heartbeat_report(beat, config.name, now, person_scores=config.person_scores, forge=forge)


def incidents_page(config: WorkspaceConfig) -> Report:
    """Every incident, as ``cpto incident list`` shows it."""
    from cpto.history.git import resolve_commit
    from cpto.records import incidents as inc
    from cpto.records.people import workspace_people
    from cpto.records.views import incidents_report

    folder = inc.incidents_folder(config)
    incidents = inc.read_incidents(folder, config.severities)
    people = workspace_people(config)
    known = set(people.by_handle) if people.people else None
    causes = {
        i.id: resolve_commit(config.repos[0], i.caused_by) if i.caused_by and config.repos else None
        for i in incidents
    }
    return incidents_report(incidents, config.severities, causes, known, folder)


def decisions_page(config: WorkspaceConfig, now: datetime) -> Report:
    """Every decision, as ``cpto decision list`` shows it."""
    from cpto.records import decisions as dec
    from cpto.records.people import workspace_people
    from cpto.records.views import decisions_report

    decisions = dec.read_decisions(dec.decisions_folder(config))
    return decisions_report(decisions, workspace_people(config), config, now)


def people_page(con: duckdb.DuckDBPyConnection, config: WorkspaceConfig) -> Report:
    """People with their work from the history, as ``cpto people`` shows it."""
    from cpto.records.people import explain_counts, workspace_contributions, workspace_lanes, workspace_people
    from cpto.records.views import people_report

    people = workspace_people(config)
    work = workspace_contributions(con, people, config) if config.repos else None
    crossings = workspace_lanes(config, people, history=True) if people.people else None
    return explain_counts(people_report(people, work, crossings), work)


def roadmap_page(con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, today: date) -> Report:
    """The roadmap's clock speed with each item's evidence, as ``cpto roadmap review`` shows it."""
    from cpto.history.git import file_history
    from cpto.records import roadmap as rm
    from cpto.records.views import no_roadmap_report, roadmap_report

    path = config.roadmap_path
    if not path.exists():
        return no_roadmap_report(path)
    current = rm.read_roadmap(path)
    reviews, warnings = rm.reviews_from_history(file_history(path), path)
    clocks = rm.clock_speed(reviews, current, today)
    rm.attach_evidence(con if config.repos else None, config, clocks)
    return roadmap_report(current, reviews, clocks, warnings)


def attention(
    config: WorkspaceConfig, result: TraceResult, prds: list[Prd], now: datetime
) -> list[Attention]:
    """What needs someone now, most urgent first: open stop cords, decisions past their SLA, requirements
    not shipped with their PRD's target near or past, and incidents that started in the last seven days."""
    from cpto.records.alarms import alarms_folder, read_alarms
    from cpto.records.decisions import check_under, decisions_folder, read_decisions
    from cpto.records.incidents import incidents_folder, read_incidents
    from cpto.records.people import workspace_people

    items = [
        Attention("stop cord", f"{a.id} {a.title}", f"pulled by {a.by}", "/heartbeat")
        for a in read_alarms(alarms_folder(config))
        if a.is_open
    ]
    decisions = read_decisions(decisions_folder(config))
    for finding in check_under(config, decisions, workspace_people(config), now):
        if "sla" in finding.problem.lower():
            d = finding.decision
            items.append(Attention("decision", f"{d.id} {d.title}", finding.problem, "/decisions"))
    due_on = {id(t): when for _, when, open_ in at_risk(result, prds, now.date()) for t in open_}
    for t in result.requirements:  # in the review's order
        if (when := due_on.get(id(t))) is None:
            continue
        days = (when - now.date()).days
        due = f"target {when} passed {-days} days ago" if days < 0 else f"target {when} in {days} days"
        why = f"{t.status.replace('_', ' ')}; {due}"
        items.append(
            Attention(
                "requirement", f"{t.requirement.id} {t.requirement.title}", why, f"/review#{t.requirement.id}"
            )
        )
    week_ago = now - timedelta(days=7)
    for i in read_incidents(incidents_folder(config), config.severities):
        if i.started is not None and i.started >= week_ago:
            items.append(
                Attention(
                    "incident",
                    f"{i.id} {i.title}",
                    f"{i.severity}, started {i.started:%Y-%m-%d %H:%M}",
                    "/incidents",
                )
            )
    return items


def attention_unknowns(config: WorkspaceConfig, prds: list[Prd]) -> dict[str, str]:
    """The kinds of Home's list that cannot be judged, each with why and what to set up: a count of 0
    there would claim "nothing to worry about" where nothing was looked at (unknown is not zero)."""
    from cpto.records.decisions import decisions_folder
    from cpto.records.incidents import incidents_folder
    from cpto.review.views import target_date

    unknown: dict[str, str] = {}
    if not _has_records(decisions_folder(config), "decision"):
        unknown["decision"] = "no decision records: record one with `cpto decision new`"
    if not prds:
        unknown["requirement"] = "no PRDs: add Markdown PRDs under docs/prd/"
    elif all(target_date(p.target) is None for p in prds):
        unknown["requirement"] = "no PRD sets a target day: add `target: YYYY-MM-DD` to a PRD's front matter"
    if not _has_records(incidents_folder(config), "incident"):
        unknown["incident"] = "no incident records: record incidents with `cpto incident new`"
    return unknown


def _has_records(folder: Path, what: str) -> bool:
    from cpto.records.fields import folder_records

    return bool(folder_records(folder, what))


def home_report(config: WorkspaceConfig, items: list[Attention], unknown: dict[str, str]) -> Report:
    """Home's headline: how many things of each kind need someone, or unknown with the reason."""
    facts: list[tuple[str, object]] = []
    for kind, label in HOME_KINDS:
        count = sum(1 for i in items if i.kind == kind)
        facts.append((label, f"unknown: {unknown[kind]}" if kind in unknown and not count else count))
    return Report(title=f"{config.name}: what needs attention", facts=facts)
