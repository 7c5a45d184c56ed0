"""Delivery in DORA's terms, from release tags and incident records.

Deploys are the tags matching ``[deploys] tags``; a commit's lead time runs from when it was committed
to the first deploy that contains it. A deploy failed when an incident's ``caused_by`` names its tag or
one of the commits it shipped. Rework is a deploy made while an incident it follows was still open (the
fix shipped to restore service). Bands follow the DORA State of DevOps 2023 thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

import duckdb

from cpto.records.incidents import Incident
from cpto.review.graph import CommitGraph, Release, load_graph
from cpto.workspace.config import BANDS

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
MONTH = timedelta(days=30)


@dataclass(frozen=True)
class Delivery:
    """The four keys and rework over one window [start, end)."""

    start: datetime
    end: datetime
    deploys: list[str]
    deploys_per_week: float
    lead_time: timedelta | None  # median, over the commits first deployed in the window
    failed: list[str]  # deploys an incident names as its cause
    change_failure_rate: float | None
    time_to_restore: timedelta | None  # median, incidents that started in the window and ended
    rework: list[str]  # deploys made while an incident they follow was open
    rework_rate: float | None

    def bands(self) -> dict[str, str]:
        """Each metric's DORA performance band (empty where there is nothing to measure)."""
        return {
            "deployment frequency": frequency_band(self.deploys_per_week),
            "lead time for changes": _band(self.lead_time, (DAY, WEEK, MONTH)),
            "change failure rate": _rate_band(self.change_failure_rate),
            "time to restore": _band(self.time_to_restore, (HOUR, DAY, WEEK)),
        }


def deploy_of_cause(incident: Incident, graph: CommitGraph) -> Release | None:
    """The deploy an incident's ``caused_by`` points at: the tag itself, or the first deploy with the commit."""
    ref = incident.caused_by.strip()
    if not ref:
        return None
    by_tag = next((r for r in graph.releases if r.name == ref), None)
    if by_tag is not None:
        return by_tag
    matches = [sha for sha in graph.release_of if sha.startswith(ref.lower())] if len(ref) >= 7 else []
    return graph.release_of[matches[0]] if len(matches) == 1 else None


def delivery(
    graph: CommitGraph,
    committed: dict[str, datetime],
    incidents: list[Incident],
    start: datetime,
    end: datetime,
) -> Delivery:
    """Deploy frequency, lead time, change failure rate, time to restore and rework rate in [start, end).

    ``committed``: each non-merge commit's commit time (the history index's committer_time).
    """
    shipped = [r for r in graph.releases if r.time is not None and start <= r.time < end]
    names = [r.name for r in shipped]
    in_window = set(names)
    leads = [
        (release.time - committed[sha]).total_seconds()
        for sha, release in graph.release_of.items()
        if release.name in in_window and sha in committed and release.time is not None
    ]
    causes = {i.id: deploy_of_cause(i, graph) for i in incidents}
    failed = sorted({c.name for c in causes.values() if c is not None and c.name in in_window})
    restores = [
        (resolved.at - i.started).total_seconds()
        for i in incidents
        if i.started and start <= i.started < end and (resolved := i.first("resolved"))
    ]
    rework = sorted({r.name for r in shipped if _while_open(r, incidents)})
    weeks = (end - start) / WEEK
    return Delivery(
        start=start,
        end=end,
        deploys=names,
        deploys_per_week=round(len(names) / weeks, 2) if weeks else 0.0,
        lead_time=timedelta(seconds=median(leads)) if leads else None,
        failed=failed,
        change_failure_rate=round(len(failed) / len(names), 3) if names else None,
        time_to_restore=timedelta(seconds=median(restores)) if restores else None,
        rework=rework,
        rework_rate=round(len(rework) / len(names), 3) if names else None,
    )


def _while_open(release: Release, incidents: list[Incident]) -> bool:
    """Deployed after an incident started and no later than it was resolved: the fix that restored it."""
    if release.time is None:
        return False
    for i in incidents:
        resolved = i.first("resolved")
        if i.started and resolved and i.started < release.time <= resolved.at:
            return True
    return False


def frequency_band(per_week: float) -> str:
    if per_week >= 7:
        return "elite"  # on demand, several a day
    if per_week >= 1:
        return "high"  # between once a day and once a week
    if per_week >= 12 / 52:
        return "medium"  # between once a week and once a month
    return "low"


def _band(value: timedelta | None, limits: tuple[timedelta, timedelta, timedelta]) -> str:
    if value is None:
        return ""
    return next((band for band, limit in zip(BANDS, limits, strict=False) if value < limit), "low")


def _rate_band(rate: float | None) -> str:
    if rate is None:
        return ""
    return next(
        (band for band, limit in zip(BANDS, (0.05, 0.10, 0.15), strict=False) if rate <= limit), "low"
    )


def commit_times(con: duckdb.DuckDBPyConnection, repo_id: int) -> dict[str, datetime]:
    """When each non-merge commit of a repository was committed: where its lead time starts."""
    rows = con.execute(
        "SELECT sha, committer_time FROM commits WHERE repo_id = ? AND len(parents) <= 1", [repo_id]
    ).fetchall()
    return {str(sha): when for sha, when in rows}


def repo_delivery(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    incidents: list[Incident],
    start: datetime,
    end: datetime,
    *,
    pattern: str = "v*",
) -> Delivery:
    """:func:`delivery` for one indexed repository."""
    return delivery(load_graph(con, repo_id, pattern), commit_times(con, repo_id), incidents, start, end)
