"""One shared timeline: incidents, deploys and decisions in the order they happened.

Seeing a deploy, the incident it caused and the decision it followed on one line of time is how a
leadership team connects them; each source keeps its own records, this only merges them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cpto.records.decisions import Decision, decisions_folder
from cpto.records.ids import no_records
from cpto.records.incidents import Incident, incidents_folder
from cpto.records.times import parse_time
from cpto.review.graph import Release
from cpto.workspace.config import WorkspaceConfig

if TYPE_CHECKING:
    import duckdb

SOURCES = ("incident", "deploy", "decision")


@dataclass(frozen=True)
class Moment:
    at: datetime
    source: str  # incident | deploy | decision
    ref: str
    what: str


def shared_timeline(
    incidents: list[Incident],
    decisions: list[Decision],
    deploys: list[Release],
    *,
    since: datetime | None = None,
) -> list[Moment]:
    """Every dated event of the three sources since ``since``, oldest first."""
    moments = [Moment(e.at, "incident", i.id, f"{e.kind}: {e.text}") for i in incidents for e in i.events]
    moments += [Moment(r.time, "deploy", r.name, f"deployed {r.sha[:10]}") for r in deploys if r.time]
    for d in decisions:
        if d.raised:
            moments.append(Moment(d.raised, "decision", d.id, f"raised: {d.title} (point {d.point})"))
        if d.decided:
            moments.append(Moment(d.decided, "decision", d.id, f"decided: {d.title}"))
        appealed = parse_time(d.appeal.get("at"), str(d.path)) if d.appeal else None
        if appealed:
            moments.append(Moment(appealed, "decision", d.id, f"appealed by {d.appeal.get('by', '?')}"))
        resolved = parse_time(d.appeal.get("resolved"), str(d.path)) if d.appeal else None
        if resolved:
            moments.append(
                Moment(resolved, "decision", d.id, f"appeal {d.appeal.get('outcome', 'resolved')}")
            )
    if since is not None:
        moments = [m for m in moments if m.at >= since]
    return sorted(moments, key=lambda m: (m.at, m.source, m.ref))


def sources_missing(
    config: WorkspaceConfig, incidents: list[Incident], decisions: list[Decision], deploys: list[Release]
) -> dict[str, str]:
    """Each source with no records at all, with why and how to set it up: its events are unknown, not
    zero (a workspace without incident records has not had zero incidents)."""
    missing = {}
    if not incidents:
        missing["incident"] = (
            f"{no_records(incidents_folder(config), 'incident')}; open one with cpto incident new"
        )
    if not deploys:
        if not config.repos:
            missing["deploy"] = "no repository in [workspace] repos"
        elif config.deploy_source.startswith("github-"):
            what = (
                "deployments to " + config.deploy_environment
                if config.deploy_source == "github-deployments"
                else "releases"
            )
            missing["deploy"] = f"no GitHub {what} in the index ([deploys] source): run cpto github sync"
        elif config.deploy_log is not None:
            missing["deploy"] = f"no deploy in {config.deploy_log} ([deploys] log)"
        else:
            missing["deploy"] = (
                f"no tag matches '{config.deploy_tags}' ([deploys] tags): set tags to the pattern your"
                " release tags follow, or keep a deploy log ([deploys] log)"
            )
    if not decisions:
        missing["decision"] = (
            f"{no_records(decisions_folder(config), 'decision')}; raise one with cpto decision new"
        )
    return missing


def workspace_deploys(con: duckdb.DuckDBPyConnection, config: WorkspaceConfig) -> list[Release]:
    """Every repository's deploys as the timeline shows them: the deploy log names the first
    repository's commits; the others deploy by tag (or by the GitHub source when that is set)."""
    from cpto.history import store
    from cpto.records.deploys import workspace_releases

    released: list[Release] = []
    for index, repo in enumerate(config.repos):
        log = config.deploy_log if index == 0 else None
        source = "tags" if config.deploy_source == "log" and index > 0 else config.deploy_source
        released += workspace_releases(
            con,
            store.indexed_repo_id(con, repo),
            config.deploy_tags,
            log,
            source=source,
            environment=config.deploy_environment,
        )
    return released


def workspace_timeline(
    con: duckdb.DuckDBPyConnection | None, config: WorkspaceConfig, since: datetime | None = None
) -> tuple[list[Moment], dict[str, str]]:
    """The workspace's shared timeline (``con``: the history index, None without repositories) and the
    sources it has no records of, with what to set up: what ``cpto timeline`` and the forum show."""
    from cpto.records.decisions import read_decisions
    from cpto.records.incidents import read_incidents

    incidents = read_incidents(incidents_folder(config), config.severities)
    decisions = read_decisions(decisions_folder(config))
    released = workspace_deploys(con, config) if con is not None and config.repos else []
    moments = shared_timeline(incidents, decisions, released, since=since)
    return moments, sources_missing(config, incidents, decisions, released)
