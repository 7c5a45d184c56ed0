"""The heartbeat's week: which window it reports, the four before it, and what it gathers for each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

import duckdb

from cpto.errors import CptoError
from cpto.heartbeat.allocation import Allocation, allocation
from cpto.heartbeat.dora import Delivery, commit_times, delivery
from cpto.heartbeat.hotspots import Hotspot, hotspots
from cpto.records.alarms import Alarm
from cpto.records.decisions import Decision, appeal_rates, quarter_of
from cpto.records.incidents import Incident
from cpto.review.graph import load_graph
from cpto.workspace.config import WorkspaceConfig

TREND_WEEKS = 4
HOTSPOT_WEEKS = 12  # change frequency is counted over a quarter, so one busy week does not make a hotspot
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(text: str | None, today: date, zone: tzinfo = UTC) -> datetime:
    """Monday 00:00 (in ``zone``) of ``2026-W47``, of the week holding a date, or of last full week."""
    if text is None:
        monday = today - timedelta(days=today.weekday())
        return datetime.combine(monday - timedelta(days=7), datetime.min.time(), zone)
    m = _ISO_WEEK.match(text.strip())
    try:
        if m:
            day = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        else:
            given = date.fromisoformat(text.strip())
            day = given - timedelta(days=given.weekday())
    except ValueError:
        raise CptoError(
            f"--week '{text}' is not an ISO week like 2026-W47 or a date like 2026-11-16"
        ) from None
    return datetime.combine(day, datetime.min.time(), zone)


def _relative(path: Path, repo: Path) -> str:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return str(path)


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Heartbeat:
    """One week's delivery with the four weeks before it, and the leadership records' state at its end."""

    week: str
    start: datetime
    end: datetime
    delivery: Delivery
    trend: list[tuple[str, Delivery]]  # oldest first, this week last
    effort: list[tuple[str, Allocation]]  # the same weeks: where R&D effort went
    hotspots: list[Hotspot]  # over the last HOTSPOT_WEEKS weeks to the week's end
    pulled: list[Alarm]  # stop cords open now, pulled before the week's end
    incidents: list[Incident]  # started this week
    past_sla: list[Decision]  # open at the week's end for longer than [sla] decision
    appeal_rate: float | None  # this quarter, decided decisions appealed
    max_appeal_rate: float


def heartbeat(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    config: WorkspaceConfig,
    incidents: list[Incident],
    decisions: list[Decision],
    start: datetime,
    pulled: list[Alarm] | None = None,
) -> Heartbeat:
    """Gather the week that starts at ``start`` (seven days) and the four weeks before it."""
    graph = load_graph(con, repo_id, config.deploy_tags)
    committed = commit_times(con, repo_id)
    weeks = [start - timedelta(weeks=n) for n in range(TREND_WEEKS, -1, -1)]
    trend = [(iso_week(w), delivery(graph, committed, incidents, w, w + timedelta(days=7))) for w in weeks]
    end = start + timedelta(days=7)
    effort = [(iso_week(w), allocation(con, repo_id, w, w + timedelta(days=7))) for w in weeks]
    repo = config.repos[0]
    records = frozenset(_relative(p, repo) for p in config.record_paths)
    spots = hotspots(con, repo_id, repo, end - timedelta(weeks=HOTSPOT_WEEKS), end, exclude=records)
    rates = {q.quarter: q for q in appeal_rates(decisions, config.max_appeal_rate)}
    quarter = rates.get(quarter_of(start))
    return Heartbeat(
        week=iso_week(start),
        start=start,
        end=end,
        delivery=trend[-1][1],
        trend=trend,
        effort=effort,
        hotspots=spots,
        pulled=[a for a in pulled or [] if a.is_open and (a.raised is None or a.raised < end)],
        incidents=[i for i in incidents if i.started and start <= i.started < end],
        past_sla=[
            d for d in decisions if d.is_open and (w := d.waited(end)) is not None and w > config.decision_sla
        ],
        appeal_rate=quarter.rate if quarter else None,
        max_appeal_rate=config.max_appeal_rate,
    )
