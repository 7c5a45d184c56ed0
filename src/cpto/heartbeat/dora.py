"""Delivery in DORA's terms (2024), from deploys (tags or a deploy log) and incident records.

DORA's 2024 report (Accelerate State of DevOps 2024) measures software delivery with five metrics:
throughput as change lead time, deployment frequency and failed deployment recovery time; instability
as change fail rate and deployment rework rate. Here:

- a deploy is what ``[deploys] source`` says (:func:`cpto.records.deploys.workspace_releases`): a tag
  matching ``[deploys] tags``, a line of ``[deploys] log``, or a GitHub deployment or release;
- a change's lead time runs to the first deploy that contains it, from the first commit of its pull
  request when GitHub's pull requests are synced, else (a commit pushed directly, or no GitHub data)
  from when the commit was committed;
- a deploy failed when an incident's ``caused_by`` names its tag or one of the commits it shipped;
- failed deployment recovery time runs, for an incident caused by a deploy, from impact start
  (``started``) to service restored: its first ``mitigated`` event, else ``resolved`` (said so);
- rework is a deploy made while an incident was open (started, not yet resolved): the unplanned fix.

Incidents are the records, plus GitHub issues labelled ``[incidents] github_label`` (opened = impact
start, closed = restored, no cause named), counted apart so each source can be audited.

Every number keeps the deploys, commits and incidents behind it so it can be audited, and a number the
records cannot support is ``None`` with the reason and what to set up (:func:`assess`), never a zero.
The performance levels are the 2024 report's; where it gives none, none is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from statistics import median

import duckdb

from cpto.heartbeat.evidence import PullStart
from cpto.records.incidents import Incident
from cpto.records.times import duration
from cpto.review.graph import CommitGraph, Release, load_graph
from cpto.workspace.config import BANDS

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
MONTH = timedelta(days=30)

SOURCE = "DORA, Accelerate State of DevOps Report 2024, software delivery performance levels"
# The 2024 report's typical change fail rate per level: one value per cluster, not ranges, and not
# in order (high 20% is above medium 10%), so no level is read from a rate; an alarm compares the rate
# with the typical rate of the level named in [alarms].
TYPICAL_FAIL_RATE = {"elite": 0.05, "high": 0.20, "medium": 0.10, "low": 0.40}

# metric names, as shown and as keys in JSON (with spaces as underscores)
FREQUENCY = "deployment frequency"
LEAD_TIME = "change lead time"
FAIL_RATE = "change fail rate"
RECOVERY = "failed deployment recovery time"
REWORK = "deployment rework rate"
METRICS = (FREQUENCY, LEAD_TIME, FAIL_RATE, RECOVERY, REWORK)
# [alarms] keys (workspace.config) name the metrics by their older names
CONFIG_NAME = {
    FREQUENCY: "deployment frequency",
    LEAD_TIME: "lead time for changes",
    FAIL_RATE: "change failure rate",
    RECOVERY: "time to restore",
}


@dataclass(frozen=True)
class Lead:
    """One change's lead time to its first deploy ``deploy``: a commit's from when it was committed, or
    a pull request's (``pull``; ``sha`` the commit that landed it) from its first commit."""

    sha: str
    deploy: str
    hours: float
    pull: int | None = None


@dataclass(frozen=True)
class Recovery:
    """One failed deployment's recovery: impact start to service restored."""

    incident: str
    deploy: str
    hours: float
    restored_by: str  # "mitigated", or "resolved" when the record has no mitigated event


@dataclass(frozen=True)
class Delivery:
    """The five 2024 metrics over one window [start, end), each with what it was computed from."""

    start: datetime
    end: datetime
    deploys: list[str]
    deploys_per_week: float
    lead_time: timedelta | None  # median over ``leads``
    failed: list[str]  # deploys of the window an incident names as its cause
    change_failure_rate: float | None
    time_to_restore: timedelta | None  # median over ``recoveries``
    rework: list[str]  # deploys of the window made while an incident was open
    rework_rate: float | None
    leads: list[Lead] = field(default_factory=list)
    failed_by: dict[str, list[str]] = field(default_factory=dict)  # deploy -> incidents naming it
    recoveries: list[Recovery] = field(default_factory=list)
    rework_for: dict[str, list[str]] = field(default_factory=dict)  # deploy -> incidents open then
    not_deploy_caused: list[str] = field(default_factory=list)  # incidents started here, no deploy named
    unrestored: list[str] = field(default_factory=list)  # caused by a deploy, neither mitigated nor resolved


@dataclass(frozen=True)
class Sources:
    """What the records behind the delivery numbers hold, to tell a real zero from an unknown."""

    deploy_source: str  # "tags matching `v*`" or "the deploy log deploys.log"
    deploys_ever: int  # deploys the source gives over the whole history
    tag_hint: str = ""  # the tags miss the release tags: what they look like and what to set
    incident_records: int = 0  # records and GitHub issues labelled as incidents together
    incidents_with_cause: int = 0  # records whose caused_by names something
    github_incidents: int = 0  # of incident_records, the GitHub issues labelled [incidents] github_label

    @property
    def incident_files(self) -> int:
        """The incident records alone (files under [workspace] incidents), without GitHub's issues."""
        return self.incident_records - self.github_incidents

    @property
    def deploys_known(self) -> bool:
        """Whether the deploys can be counted: some found, and not a stray few while most release tags
        follow another pattern (pytest: one old ``v7.4.3`` among 200 tags like ``9.1.1``)."""
        return self.deploys_ever > 0 and not self.tag_hint


@dataclass(frozen=True)
class Metric:
    """One metric of one window as the report shows it.

    ``value`` is None when unknown, and then ``reason`` says why and what to set up. ``level`` is a
    DORA 2024 level (elite, high, medium, low) or "" where the report gives none or the value is unknown;
    ``level_text`` says it in words (for recovery time, "high or medium": both are under a day in 2024).
    """

    name: str
    value: float | None
    unit: str
    text: str
    reason: str = ""
    level: str = ""
    level_text: str = ""
    deploys: list[str] = field(default_factory=list)
    commits: list[Lead] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    basis: str = ""  # compact: what the number rests on, for the non-JSON formats


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


def restored(incident: Incident) -> tuple[datetime, str] | None:
    """When service was restored: the first ``mitigated`` event, else ``resolved`` (named as such)."""
    for kind in ("mitigated", "resolved"):
        event = incident.first(kind)
        if event is not None:
            return event.at, kind
    return None


def delivery(
    graph: CommitGraph,
    committed: dict[str, datetime],
    incidents: list[Incident],
    start: datetime,
    end: datetime,
    pulls: dict[str, PullStart] | None = None,
) -> Delivery:
    """The five metrics in [start, end), with the deploys, commits and incidents behind each.

    ``committed``: each non-merge commit's commit time (the history index's committer_time).
    ``pulls``: merged pull requests by the commit that landed them (:func:`evidence.pull_starts`): each
    is one change from its first commit, and its own commits are not counted again one by one.
    """
    shipped = [r for r in graph.releases if r.time is not None and start <= r.time < end]
    names = [r.name for r in shipped]
    in_window = set(names)
    pulls = pulls or {}
    covered = {sha for p in pulls.values() for sha in (*p.shas, p.merge_sha)}
    by_commit = (
        Lead(sha, release.name, round((release.time - committed[sha]).total_seconds() / 3600, 2))
        for sha, release in graph.release_of.items()
        if release.name in in_window and sha in committed and release.time is not None and sha not in covered
    )
    by_pull = (
        Lead(sha, release.name, round((release.time - p.started).total_seconds() / 3600, 2), p.number)
        for sha, p in pulls.items()
        if (release := graph.release_of.get(sha)) is not None
        and release.name in in_window
        and release.time is not None
    )
    position = {name: n for n, name in enumerate(names)}  # a deploy's place, looked up once per lead
    leads = sorted([*by_commit, *by_pull], key=lambda lead: (position[lead.deploy], -lead.hours, lead.sha))
    causes = {i.id: deploy_of_cause(i, graph) for i in incidents}
    failed_by: dict[str, list[str]] = {}
    for i in incidents:
        cause = causes[i.id]
        if cause is not None and cause.name in in_window:
            failed_by.setdefault(cause.name, []).append(i.id)
    failed = sorted(failed_by)
    recoveries, not_caused, unrestored = [], [], []
    for i in incidents:
        if not (i.started and start <= i.started < end):
            continue
        cause = causes[i.id]
        if cause is None:
            not_caused.append(i.id)
            continue
        back = restored(i)
        if back is None:
            unrestored.append(i.id)
            continue
        hours = round((back[0] - i.started).total_seconds() / 3600, 2)
        recoveries.append(Recovery(i.id, cause.name, hours, back[1]))
    rework_for = {r.name: ids for r in shipped if (ids := _open_during(r, incidents))}
    weeks = (end - start) / WEEK
    return Delivery(
        start=start,
        end=end,
        deploys=names,
        deploys_per_week=round(len(names) / weeks, 2) if weeks else 0.0,
        lead_time=timedelta(hours=median(x.hours for x in leads)) if leads else None,
        failed=failed,
        change_failure_rate=round(len(failed) / len(names), 3) if names else None,
        time_to_restore=timedelta(hours=median(r.hours for r in recoveries)) if recoveries else None,
        rework=sorted(rework_for),
        rework_rate=round(len(rework_for) / len(names), 3) if names else None,
        leads=leads,
        failed_by=failed_by,
        recoveries=recoveries,
        rework_for=rework_for,
        not_deploy_caused=not_caused,
        unrestored=unrestored,
    )


def _open_during(release: Release, incidents: list[Incident]) -> list[str]:
    """The incidents open when ``release`` shipped (started before it, resolved at or after it): the
    deploy is the unplanned fix of one of them."""
    if release.time is None:
        return []
    out = []
    for i in incidents:
        resolved = i.first("resolved")
        if i.started and resolved and i.started < release.time <= resolved.at:
            out.append(i.id)
    return out


def frequency_level(per_week: float) -> str:
    """DORA 2024: elite on demand (cpto: daily or more), high once a day to once a week, medium once a
    week to once a month, low once a month to once every six months (and below)."""
    if per_week >= 7:
        return "elite"
    if per_week >= 1:
        return "high"
    if per_week >= 12 / 52:
        return "medium"
    return "low"


def lead_time_level(span: timedelta) -> str:
    """DORA 2024: elite under a day, high a day to a week, medium a week to a month, low beyond."""
    return next((band for band, limit in zip(BANDS, (DAY, WEEK, MONTH), strict=False) if span < limit), "low")


def recovery_level(span: timedelta) -> tuple[str, str]:
    """DORA 2024: elite under an hour; high and medium both under a day; low a week to a month. The
    report has no level between a day and a week; cpto counts anything slower than a day as low.
    Returns the level used for alarms (the best it could be) and the words shown."""
    if span < HOUR:
        return "elite", "elite"
    if span < DAY:
        return "high", "high or medium"
    return "low", "low"


def _names(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _hours_text(hours: float) -> str:
    return duration(timedelta(hours=hours))


def assess(
    d: Delivery, sources: Sources, *, active: bool, cadence: list[Delivery] | None = None
) -> list[Metric]:
    """The five metrics of one window as shown: value or unknown (with why and what to set up), the
    2024 level where the report has one, and what each rests on.

    ``active``: whether anything was committed or deployed in the window (a quiet window says so rather
    than showing zeros). ``cadence``: the windows the deployment frequency's level is read over (a week
    alone cannot tell monthly from six-monthly); default this window alone.
    """
    if not active:
        quiet = "no activity: nothing committed or deployed in this window"
        return [Metric(name, None, "", "no activity", quiet) for name in METRICS]
    return [
        _frequency(d, sources, cadence or [d]),
        _lead(d, sources),
        _fail_rate(d, sources),
        _recovery(d, sources),
        _rework(d, sources),
    ]


def _no_deploys(sources: Sources) -> str:
    """Why there are no deploys to measure, and the setting that would give some."""
    if sources.tag_hint:
        return sources.tag_hint
    return (
        f"no deploys: nothing matches {sources.deploy_source}; set [deploys] tags to the pattern of your"
        " release tags, or write deploys down in [deploys] log"
    )


def _frequency(d: Delivery, sources: Sources, cadence: list[Delivery]) -> Metric:
    if not sources.deploys_known:
        return Metric(FREQUENCY, None, "deploys/week", "unknown", _no_deploys(sources))
    weeks = sum((w.end - w.start) / WEEK for w in cadence)
    count = sum(len(w.deploys) for w in cadence)
    rate = count / weeks if weeks else 0.0
    # A band read from no deploy at all is not supported by the data: a repository that last shipped a
    # year ago is below every band, not "low" (once a month to once every six months).
    level = frequency_level(rate) if count else ""
    basis = f"{len(d.deploys)} this window" + (f" ({_names(d.deploys)})" if d.deploys else "")
    if len(cadence) > 1 and count:
        basis += f"; level read from {count} deploy{'' if count == 1 else 's'} in the last {weeks:g} weeks ({rate:.2f}/week)"
    elif len(cadence) > 1:
        basis += f"; no level: no deploy in the last {weeks:g} weeks to read one from"
    return Metric(
        FREQUENCY,
        d.deploys_per_week,
        "deploys/week",
        f"{d.deploys_per_week:g}/week",
        level=level,
        level_text=level,
        deploys=list(d.deploys),
        basis=f"{basis}; deploys are {sources.deploy_source}",
    )


def _lead(d: Delivery, sources: Sources) -> Metric:
    if not sources.deploys_known:
        return Metric(LEAD_TIME, None, "hours", "unknown", _no_deploys(sources))
    if d.lead_time is None:
        reason = (
            "no deploy in this window"
            if not d.deploys
            else "the deploys of this window shipped no new commit"
        )
        return Metric(LEAD_TIME, None, "hours", "none measured", reason, deploys=list(d.deploys))
    level = lead_time_level(d.lead_time)
    slowest = d.leads[0] if d.leads else None
    pulls = sum(1 for x in d.leads if x.pull is not None)
    if pulls:
        direct = len(d.leads) - pulls
        basis = (
            f"median of {len(d.leads)} changes first shipped by {_names(d.deploys)}: {pulls} pull"
            f" request{'s' * (pulls != 1)} from their first commit"
            + (
                f", {direct} commit{'s' * (direct != 1)} pushed directly from when committed"
                if direct
                else ""
            )
        )
    else:
        basis = (
            f"median of {len(d.leads)} commits first shipped by {_names(d.deploys)}, each from when committed"
        )
    if slowest is not None:
        what = f"#{slowest.pull}" if slowest.pull is not None else slowest.sha[:10]
        basis += f"; slowest {what} {_hours_text(slowest.hours)} to {slowest.deploy}"
    return Metric(
        LEAD_TIME,
        round(d.lead_time.total_seconds() / 3600, 2),
        "hours",
        _hours_text(d.lead_time.total_seconds() / 3600),
        level=level,
        level_text=level,
        deploys=list(d.deploys),
        commits=list(d.leads),
        basis=basis,
    )


def _incident_gap(sources: Sources, metric: str) -> str:
    """Why a stability metric cannot be computed from the incident records, or "" when it can."""
    if sources.incident_records == 0:
        return f"no incident records: {metric} unknown; record incidents with `cpto incident new`"
    if sources.incidents_with_cause == 0:
        return (
            f"no incident names its cause: {metric} unknown; set caused_by (the deploy tag or the"
            " commit) in the incident records"
        )
    return ""


def _fail_rate(d: Delivery, sources: Sources) -> Metric:
    gap = _incident_gap(sources, FAIL_RATE)
    if gap:
        return Metric(FAIL_RATE, None, "share of deploys", "unknown", gap)
    if not sources.deploys_known:
        return Metric(FAIL_RATE, None, "share of deploys", "unknown", _no_deploys(sources))
    if not d.deploys:
        return Metric(FAIL_RATE, None, "share of deploys", "none measured", "no deploy in this window")
    rate = d.change_failure_rate or 0.0
    named = [f"{dep} ({', '.join(ids)})" for dep, ids in sorted(d.failed_by.items())]
    basis = f"{len(d.failed)} of {len(d.deploys)} deploys named as a cause" + (
        f": {'; '.join(named)}" if named else ""
    )
    basis += "; 2024 gives typical rates per level (elite 5%, high 20%, medium 10%, low 40%), not ranges"
    return Metric(
        FAIL_RATE,
        rate,
        "share of deploys",
        f"{rate:.0%}",
        level_text="none in 2024",
        deploys=list(d.deploys),
        incidents=sorted({i for ids in d.failed_by.values() for i in ids}),
        basis=basis,
    )


def _recovery(d: Delivery, sources: Sources) -> Metric:
    gap = _incident_gap(sources, RECOVERY)
    if gap:
        return Metric(RECOVERY, None, "hours", "unknown", gap)
    if d.time_to_restore is None:
        parts = []
        if d.unrestored:
            parts.append(f"{_names(d.unrestored)} caused by a deploy, not yet mitigated or resolved")
        if d.not_deploy_caused:
            parts.append(f"{_names(d.not_deploy_caused)} started here but name no deploy as cause")
        reason = "; ".join(parts) or "no incident caused by a deploy started in this window"
        return Metric(
            RECOVERY, None, "hours", "none measured", reason, incidents=d.unrestored + d.not_deploy_caused
        )
    hours = d.time_to_restore.total_seconds() / 3600
    level, words = recovery_level(d.time_to_restore)
    each = [
        f"{r.incident} ({r.deploy}) {_hours_text(r.hours)} to {r.restored_by}"
        + (" (no mitigated event)" if r.restored_by == "resolved" else "")
        for r in d.recoveries
    ]
    basis = f"median over {len(d.recoveries)}: {'; '.join(each)}"
    if d.not_deploy_caused:
        basis += f"; not counted (no deploy named as cause): {_names(d.not_deploy_caused)}"
    return Metric(
        RECOVERY,
        round(hours, 2),
        "hours",
        _hours_text(hours),
        level=level,
        level_text=words,
        incidents=[r.incident for r in d.recoveries],
        basis=basis,
    )


def _rework(d: Delivery, sources: Sources) -> Metric:
    if sources.incident_records == 0:
        return Metric(
            REWORK,
            None,
            "share of deploys",
            "unknown",
            f"no incident records: {REWORK} unknown; record incidents with `cpto incident new`",
        )
    if not sources.deploys_known:
        return Metric(REWORK, None, "share of deploys", "unknown", _no_deploys(sources))
    if not d.deploys:
        return Metric(REWORK, None, "share of deploys", "none measured", "no deploy in this window")
    rate = d.rework_rate or 0.0
    named = [f"{dep} (during {', '.join(ids)})" for dep, ids in sorted(d.rework_for.items())]
    return Metric(
        REWORK,
        rate,
        "share of deploys",
        f"{rate:.0%}",
        level_text="none in 2024",
        deploys=list(d.deploys),
        incidents=sorted({i for ids in d.rework_for.values() for i in ids}),
        basis=f"{len(d.rework)} of {len(d.deploys)} deploys shipped while an incident was open"
        + (f": {'; '.join(named)}" if named else "")
        + "; the 2024 report gives no levels for rework rate",
    )


def breaches(metrics: list[Metric], worst: dict[str, str]) -> list[str]:
    """The metrics worse than the worst level [alarms] accepts for them ("low" never alarms); change
    fail rate is compared with the typical rate of the named level, as 2024 gives no ranges."""
    out = []
    for m in metrics:
        floor = worst.get(CONFIG_NAME.get(m.name, ""), "low")
        if m.value is None or floor == "low":
            continue
        if m.name == FAIL_RATE:
            if m.value > TYPICAL_FAIL_RATE[floor]:
                out.append(
                    f"{m.name} {m.text} is above the {TYPICAL_FAIL_RATE[floor]:.0%} typical of DORA's"
                    f" {floor} level (the agreed floor)"
                )
        elif m.level and BANDS.index(m.level) > BANDS.index(floor):
            out.append(f"{m.name} {m.text} is in DORA's {m.level_text} level (the agreed floor is {floor})")
    return out


def unjudged(metrics: list[Metric], worst: dict[str, str]) -> list[str]:
    """The metrics [alarms] sets a floor for (above "low") whose value is unknown: :func:`breaches`
    cannot judge them, and a report must not read their silence as "no breach"."""
    return [
        m.name for m in metrics if m.value is None and worst.get(CONFIG_NAME.get(m.name, ""), "low") != "low"
    ]


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


def labelled(d: Delivery, repo: str) -> Delivery:
    """``d`` with each deploy named ``repo:deploy``, so deploys of several repositories can be told
    apart (``1.2.0`` of the api and ``1.2.0`` of the web app are two deploys)."""

    def name(deploy: str) -> str:
        return f"{repo}:{deploy}"

    return replace(
        d,
        deploys=[name(x) for x in d.deploys],
        failed=[name(x) for x in d.failed],
        rework=[name(x) for x in d.rework],
        leads=[replace(x, deploy=name(x.deploy)) for x in d.leads],
        failed_by={name(k): v for k, v in d.failed_by.items()},
        recoveries=[replace(r, deploy=name(r.deploy)) for r in d.recoveries],
        rework_for={name(k): v for k, v in d.rework_for.items()},
    )


def pooled(parts: Sequence[Delivery]) -> Delivery:
    """One window's delivery across an estate from each repository's (deploys already labelled):
    deployment frequency counts every deploy of every repository; lead time is the median over every
    change of every repository (each measured in its own repository); a deploy failed when an incident
    names it in any repository; an incident counts once for recovery (its first repository naming the
    cause), and is "not deploy-caused" only when no repository has the deploy or commit it names."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    deploys = [x for d in parts for x in d.deploys]
    leads = sorted(
        (x for d in parts for x in d.leads),
        key=lambda lead: (-lead.hours, lead.deploy, lead.sha),
    )
    failed_by = {k: v for d in parts for k, v in d.failed_by.items()}
    rework_for = {k: v for d in parts for k, v in d.rework_for.items()}
    recoveries: dict[str, Recovery] = {}
    for d in parts:
        for r in d.recoveries:
            recoveries.setdefault(r.incident, r)
    unrestored = list(dict.fromkeys(i for d in parts for i in d.unrestored if i not in recoveries))
    caused = set(recoveries) | set(unrestored)
    not_caused = [i for i in first.not_deploy_caused if i not in caused]
    weeks = (first.end - first.start) / WEEK
    return Delivery(
        start=first.start,
        end=first.end,
        deploys=deploys,
        deploys_per_week=round(len(deploys) / weeks, 2) if weeks else 0.0,
        lead_time=timedelta(hours=median(x.hours for x in leads)) if leads else None,
        failed=sorted(failed_by),
        change_failure_rate=round(len(failed_by) / len(deploys), 3) if deploys else None,
        time_to_restore=(
            timedelta(hours=median(r.hours for r in recoveries.values())) if recoveries else None
        ),
        rework=sorted(rework_for),
        rework_rate=round(len(rework_for) / len(deploys), 3) if deploys else None,
        leads=leads,
        failed_by=failed_by,
        recoveries=list(recoveries.values()),
        rework_for=rework_for,
        not_deploy_caused=not_caused,
        unrestored=unrestored,
    )
