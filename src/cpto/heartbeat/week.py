"""The heartbeat's week: which window it reports, the four before it, and what it gathers for each."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from cpto.errors import CptoError
from cpto.github.store import synced_repos
from cpto.heartbeat import dora
from cpto.heartbeat.allocation import Allocation, Labeller, allocation
from cpto.heartbeat.debt import DebtWeek, changed_lines_of, debt_trend
from cpto.heartbeat.dora import Delivery, Sources, commit_times, delivery
from cpto.heartbeat.evidence import NO_GITHUB, PullStart, issue_incidents, label_buckets, pull_starts, synced
from cpto.heartbeat.hotspots import EstateRepo, Hotspot, estate_hotspots, hotspots
from cpto.heartbeat.reviews import ReviewSlas, review_slas
from cpto.heartbeat.tagscheme import release_pattern, suggest_tag_pattern
from cpto.heartbeat.work import TracedWork, team_labeller
from cpto.history import store
from cpto.history.summary import identity_resolver
from cpto.records.actions import ActionItem, items_of
from cpto.records.alarms import Alarm
from cpto.records.decisions import Decision, appeal_rates, quarter_of
from cpto.records.deploys import config_releases, estate_releases
from cpto.records.incidents import Incident
from cpto.records.overrides import Targets, override_targets
from cpto.records.people import People
from cpto.records.times import check_day, parse_date, shown
from cpto.review.graph import Release, indexed_batches, load_graph
from cpto.workspace.config import AlarmThresholds, WorkspaceConfig
from cpto.workspace.narrow import repo_names

TREND_WEEKS = 4
HOTSPOT_WEEKS = 12  # change frequency is counted over a quarter, so one busy week does not make a hotspot
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # a day alone: --week and --since take no time of day


def week_start(text: str | None, today: date, zone: tzinfo = UTC) -> datetime:
    """Monday 00:00 (in ``zone``) of ``2026-W47``, of the week holding a date, or of last full week.

    Weeks from 1970 to 2099 are read (docs/workspace.md, "Dates and times"): the trend counts weeks back
    from this one, so year 1 would not count back at all.
    """
    if text is None:
        monday = today - timedelta(days=today.weekday())
        return datetime.combine(monday - timedelta(days=7), datetime.min.time(), zone)
    m = _ISO_WEEK.match(text.strip())
    if m:
        try:
            day = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise CptoError(f"--week '{shown(text)}': that year has no week {m.group(2)}") from None
    else:
        given = parse_date(text, "--week") if _DAY.match(text.strip()) else None
        if given is None:
            raise CptoError(
                f"--week '{shown(text)}' is not an ISO week like 2026-W47 or a date like 2026-11-16"
            )
        day = given - timedelta(days=given.weekday())
    return datetime.combine(check_day(day, "--week"), datetime.min.time(), zone)


def since_start(text: str, zone: tzinfo = UTC) -> datetime:
    """00:00 (in ``zone``) of the day ``--since`` names: a date from 1970 to 2099."""
    day = parse_date(text, "--since") if _DAY.match(text.strip()) else None
    if day is None:
        raise CptoError(f"--since '{shown(text)}' is not a date like 2026-11-01")
    return datetime.combine(day, datetime.min.time(), zone)


def _relative(path: Path, repo: Path) -> str:
    try:
        return _resolved(path).relative_to(_resolved(repo)).as_posix()
    except ValueError:
        return str(path)


@lru_cache(maxsize=8192)
def _resolved(path: Path) -> Path:
    """``path.resolve()``, once per path: an estate's heartbeat asks for each repository's records
    several times (10,000 resolves, 1.4 s, for 1,000 repositories)."""
    return path.resolve()


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class RepoWeek:
    """One repository's share of an estate's window: what the pooled figures add up from."""

    name: str
    commits: int  # non-merge commits committed in the window
    deploys: int  # deploys in the window
    deploys_ever: int  # deploys the [deploys] source gives over its whole history


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
    debt: list[DebtWeek]  # the same weeks: markers, hotspot complexity, test-to-code changes
    pulled: list[Alarm]  # stop cords open now, whenever they were pulled (even after the window)
    incidents: list[Incident]  # started this week
    past_sla: list[Decision]  # open at the week's end for longer than [sla] decision
    open_actions: list[ActionItem]  # - [ ] lines of incidents and decisions: open work, whatever the week
    decision_records: int  # how many were read: none means decision figures are unknown, not zero
    appeal_rate: float | None  # this quarter, decided decisions appealed
    max_appeal_rate: float
    thresholds: AlarmThresholds = field(default_factory=AlarmThresholds)
    warnings: list[str] = field(default_factory=list)
    sources: Sources = field(default_factory=lambda: Sources("tags matching `v*`", 0))
    so_far: SoFar | None = None  # the current week up to now, when the window is an earlier one
    reviews: ReviewSlas | None = None  # review SLAs from GitHub (known False before any sync)
    github: bool = False  # whether a GitHub sync stored data for the repository
    repositories: list[RepoWeek] = field(default_factory=list)  # per repository, when more than one

    def active(self, index: int) -> bool:
        """Whether anything was committed or deployed in window ``index`` of the trend (-1: this one)."""
        return bool(sum(self.effort[index][1].commits.values()) or self.trend[index][1].deploys)


@dataclass(frozen=True)
class SoFar:
    """The current, partial week: Monday to now, so what happened since the last full week is seen."""

    week: str
    start: datetime
    now: datetime
    delivery: Delivery
    effort: Allocation
    incidents: list[Incident]

    @property
    def active(self) -> bool:
        return bool(sum(self.effort.commits.values()) or self.delivery.deploys)


def heartbeat(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    config: WorkspaceConfig,
    incidents: list[Incident],
    decisions: list[Decision],
    start: datetime,
    pulled: list[Alarm] | None = None,
    *,
    end: datetime | None = None,
    people: People | None = None,
    traced: TracedWork | None = None,
    now: datetime | None = None,
) -> Heartbeat:
    """Gather the window [start, end) (default: the week from ``start``) and the four windows of the
    same length before it. ``people`` adds effort per team; ``traced`` effort per PRD and roadmap item;
    ``now`` adds the current week so far when the window ended before it began. ``pulled``: every stop
    cord; those still open are kept, whenever raised, so a cord pulled today is on today's heartbeat."""
    end = end if end is not None else start + timedelta(days=7)
    span = end - start
    windows = [(start - span * n, start - span * n + span) for n in range(TREND_WEEKS, -1, -1)]
    named = [(_window_name(s, e), s, e) for s, e in windows]
    releases = config_releases(con, repo_id, config)
    graph = load_graph(con, repo_id, releases=releases)
    committed = commit_times(con, repo_id)
    pulls = pull_starts(con, repo_id)
    records = list(incidents)
    incidents = records + issue_incidents(con, repo_id, config.incident_label, records)
    trend = [(name, delivery(graph, committed, incidents, s, e, pulls)) for name, s, e in named]
    labelled = label_buckets(con, repo_id, config.github_labels)
    overridden = overridden_buckets(config, config.repos[0], pulls)
    resolve = identity_resolver(con, people)  # one identity rule with history and people

    def person(email: str, name: str) -> str:
        return resolve(repo_id, email, name).key

    axes: dict[str, Labeller] = {}
    if people is not None and people.people:
        axes["team"] = team_labeller(people, lambda email, name: resolve(repo_id, email, name).handle)
    if traced is not None:
        axes.update(traced.labellers())
    effort = [
        (name, allocation(con, repo_id, s, e, axes, person, labelled, overridden=overridden))
        for name, s, e in named
    ]
    repo = config.repos[0]
    record_files = frozenset(_relative(p, repo) for p in config.record_paths)
    since = end - timedelta(weeks=HOTSPOT_WEEKS)
    spots = hotspots(con, repo_id, repo, since, end, exclude=record_files, settings=config.code_kinds)
    debt = debt_trend(con, repo_id, repo, named, {h.path for h in spots}, exclude=record_files)
    so_far = None
    if now is not None:
        monday = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time(), now.tzinfo)
        if monday >= end and now > monday:
            so_far = SoFar(
                iso_week(monday),
                monday,
                now,
                delivery(graph, committed, incidents, monday, now, pulls),
                allocation(
                    con,
                    repo_id,
                    monday,
                    now,
                    person=person,
                    labelled=labelled,
                    overridden=overridden,
                    check=False,  # the model check covers the report's full windows
                ),
                [i for i in incidents if i.started and monday <= i.started < now],
            )
    return Heartbeat(
        week=named[-1][0],
        start=start,
        end=end,
        delivery=trend[-1][1],
        trend=trend,
        effort=effort,
        hotspots=spots,
        debt=debt,
        incidents=[i for i in incidents if i.started and start <= i.started < end],
        **_from_records(config, records, decisions, pulled, start, end),
        warnings=list(traced.warnings) if traced else [],
        sources=delivery_sources(con, repo_id, config, releases, incidents),
        so_far=so_far,
        reviews=review_slas(con, repo_id, start, end, now or end, config.approval_sla, people),
        github=synced(con, repo_id),
    )


def overridden_buckets(
    config: WorkspaceConfig, repo: Path, pulls: Mapping[str, PullStart], targets: Targets | None = None
) -> dict[str, str]:
    """sha -> the bucket a person set for it (``cpto classify set``), a pull request's override
    expanded to its commits through the GitHub tables (``pulls``), else git. ``targets``: the
    overrides read once for an estate (:func:`cpto.records.overrides.override_targets`)."""
    from cpto.records.overrides import github_pull_commits, override_buckets

    found = override_buckets(config, Path(repo), github_pull_commits(pulls), targets)
    return {sha: o.bucket for sha, o in found.items()}


def _from_records(
    config: WorkspaceConfig,
    records: list[Incident],
    decisions: list[Decision],
    pulled: list[Alarm] | None,
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    """The heartbeat's fields read from the records alone (stop cords, action items, decisions past
    their SLA, the quarter's appeal rate): the same for one repository and for an estate."""
    rates = {q.quarter: q for q in appeal_rates(decisions, config.max_appeal_rate)}
    quarter = rates.get(quarter_of(start))
    return {
        "pulled": sorted((a for a in pulled or [] if a.is_open), key=_newest_first),
        "open_actions": [a for a in items_of(records, decisions) if not a.done],
        "decision_records": len(decisions),
        "past_sla": [
            d for d in decisions if d.is_open and (w := d.waited(end)) is not None and w > config.decision_sla
        ],
        "appeal_rate": quarter.rate if quarter else None,
        "max_appeal_rate": config.max_appeal_rate,
        "thresholds": config.thresholds,
    }


def _newest_first(alarm: Alarm) -> tuple[float, str]:
    return (-(alarm.raised.timestamp() if alarm.raised else 0.0), alarm.id)


def delivery_sources(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    config: WorkspaceConfig,
    releases: list[Release],
    incidents: list[Incident],
    tag_names: list[str] | None = None,
) -> Sources:
    """What the deploys and incidents behind the delivery numbers come from, and when none are found,
    why and the setting (or command) that would find them: what the repository's tags look like, or
    that GitHub was never synced. ``incidents``: the records and the GitHub issues labelled as incidents
    (ids ``#N``), counted apart. ``tag_names``: the repository's tags newest first, when already read
    (:meth:`cpto.review.graph.Indexed.tag_names`)."""
    hint = ""
    if config.deploy_source == "log" and config.deploy_log is not None:
        source = f"the deploy log {config.deploy_log.name}"
    elif config.deploy_source == "github-deployments":
        source = f"GitHub deployments to `{config.deploy_environment}` that went live"
        hint = _github_hint(con, repo_id, config, len(releases))
    elif config.deploy_source == "github-releases":
        source = "published GitHub releases (not drafts or pre-releases)"
        hint = _github_hint(con, repo_id, config, len(releases))
    else:
        source = f"tags matching `{config.deploy_tags}`"
        names = tag_names if tag_names is not None else _tag_names(con, repo_id)
        hint = _tag_hint(names, config.deploy_tags, len(releases))
    return Sources(
        deploy_source=source,
        deploys_ever=len(releases),
        tag_hint=hint,
        incident_records=len(incidents),
        incidents_with_cause=sum(1 for i in incidents if i.caused_by.strip()),
        github_incidents=sum(1 for i in incidents if i.id.startswith("#")),
    )


def _github_hint(con: duckdb.DuckDBPyConnection, repo_id: int, config: WorkspaceConfig, found: int) -> str:
    """Why GitHub gives no deploys: never synced, or nothing that counts (and what there is instead)."""
    if found:
        return ""
    if not synced(con, repo_id):
        return f'no deploys: {NO_GITHUB}; [deploys] source = "{config.deploy_source}" reads them from it'
    if config.deploy_source == "github-releases":
        return (
            "no deploys: no published GitHub release (not a draft or pre-release) whose tag the index has;"
            " fetch the tags (`git fetch --tags`) or set [deploys] source to another source"
        )
    from cpto.github.store import Deployment, load

    seen = sorted({d.environment for d in load(con, Deployment, repo_id)})
    there = f" (environments with deployments: {', '.join(seen)})" if seen else " (none are synced)"
    return (
        f"no deploys: no GitHub deployment to `{config.deploy_environment}` went live{there};"
        " set [deploys] environment to the one you ship to"
    )


def _tag_names(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[str]:
    """The repository's tags, newest first (the order :meth:`cpto.review.graph.Indexed.tag_names` keeps)."""
    rows = con.execute(
        f"SELECT r.name FROM refs r LEFT JOIN {store.graph_commits(con)} c ON c.repo_id = r.repo_id"
        " AND c.sha = r.sha WHERE r.repo_id = ? AND r.kind = 'tag'"
        " ORDER BY coalesce(r.tagger_time, c.committer_time) DESC NULLS LAST, r.name",
        [repo_id],
    ).fetchall()
    return [str(n) for (n,) in rows]


def _tag_hint(names: list[str], pattern: str, found: int) -> str:
    """Why no deploy (or only a stray few) is found among the tags ``names`` (newest first) and the one
    line of cpto.toml that would find them; "" when ``pattern`` finds the release tags."""
    scheme = suggest_tag_pattern(names)
    suggestion = release_pattern(names, scheme) if scheme else None  # what `cpto init` would write
    if found:
        if scheme is None or suggestion == pattern:
            return ""
        theirs = [n for n in names if fnmatchcase(n, scheme)]
        if len(theirs) <= found:
            return ""
        if all(fnmatchcase(n, scheme) for n in names if fnmatchcase(n, pattern)):
            return ""  # a narrowing of the scheme (pre-releases left out, as cpto init does), not a stray few
        return (
            f"`{pattern}` matches only {found} of the {len(names)} tags; {len(theirs)} look like"
            f' `{theirs[0]}` \u2014 set `[deploys] tags = "{suggestion}"` in cpto.toml'
        )
    if not names:
        return (
            "no deploys: the repository has no tags; tag what you ship (`git tag v1.0.0`, then"
            ' [deploys] tags = "v*") or write deploys down in [deploys] log'
        )
    if suggestion is None:
        return (
            f"no tag matches `{pattern}` and none of the {len(names)} tags looks like a version"
            f" (newest: `{names[0]}`); set [deploys] tags to your release tags' pattern, or use [deploys] log"
        )
    example = next((n for n in names if fnmatchcase(n, suggestion)), names[0])
    return (
        f"no tag matches `{pattern}`; tags here look like `{example}` \u2014 set"
        f' `[deploys] tags = "{suggestion}"` in cpto.toml'
    )


def _window_name(start: datetime, end: datetime) -> str:
    """An ISO week's name for a Monday-to-Monday week, else the dates it spans."""
    if end - start == timedelta(days=7) and start.weekday() == 0 and start.time() == datetime.min.time():
        return iso_week(start)
    return f"{start:%Y-%m-%d}..{end - timedelta(days=1):%Y-%m-%d}"


def workspace_heartbeat(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    start: datetime,
    *,
    end: datetime | None = None,
    now: datetime | None = None,
    trace: bool = True,
) -> Heartbeat:
    """The heartbeat of the workspace's repositories, pooled (:func:`estate_heartbeat`), as ``cpto heartbeat`` reports it: its incident,
    decision and alarm records and people read, and (``trace``) effort split per PRD and roadmap item
    by the product review. The one assembly the CLI, the forum and snapshots share."""
    from cpto.heartbeat.work import traced_work
    from cpto.history import store
    from cpto.records.alarms import alarms_folder, read_alarms
    from cpto.records.decisions import read_decisions
    from cpto.records.incidents import read_incidents
    from cpto.records.people import workspace_people

    incidents = read_incidents(config.incidents, config.severities) if config.incidents else []
    decisions = read_decisions(config.decisions) if config.decisions else []
    indexed = {str(p): int(i) for i, p in con.execute("SELECT repo_id, path FROM repos").fetchall()}
    missing = [r for r in config.repos if str(r) not in indexed]
    if missing:
        store.indexed_repo_id(con, missing[0])  # the one-line error: not indexed yet, run cpto index
    repos = [(repo_label(config, r), indexed[str(r)], r) for r in config.repos]
    return estate_heartbeat(
        con,
        repos,
        config,
        incidents,
        decisions,
        start,
        read_alarms(alarms_folder(config)),
        end=end,
        people=workspace_people(config),
        traced=traced_work(con, config) if trace else None,
        now=now,
    )


def repo_label(config: WorkspaceConfig, repo: Path) -> str:
    """How a repository is named in an estate's heartbeat: its path from the workspace (``services/api``),
    or its folder name when it is the workspace itself or lies outside it."""
    names = repo_names(config, repo)
    return names[-1] if names[-1] != "." else repo.name


def estate_heartbeat(
    con: duckdb.DuckDBPyConnection,
    repos: list[tuple[str, int, Path]],
    config: WorkspaceConfig,
    incidents: list[Incident],
    decisions: list[Decision],
    start: datetime,
    pulled: list[Alarm] | None = None,
    *,
    end: datetime | None = None,
    people: People | None = None,
    traced: TracedWork | None = None,
    now: datetime | None = None,
) -> Heartbeat:
    """:func:`heartbeat` across several repositories ((name, repo_id, path) each), pooled as docs/heartbeat.md
    says: every repository's deploys (named ``repo:deploy``) and changes, incidents matched to a deploy or
    commit of any repository (``caused_by = "api:1.2.0"`` names one repository's deploy), effort added up
    under one identity rule, hotspots ranked across all (``repo/path``), debt summed, review SLAs pooled.

    Effort is one query over all repositories; what is read per repository is its commit graph (lead
    times are measured in each repository's own history) and, for hotspots and debt, its files at HEAD,
    read only for repositories that changed code in the hotspot window, in parallel git processes."""
    if len(repos) == 1:
        name, repo_id, _ = repos[0]
        return heartbeat(
            con, repo_id, config, incidents, decisions, start, pulled,
            end=end, people=people, traced=traced, now=now,
        )  # fmt: skip
    end = end if end is not None else start + timedelta(days=7)
    span = end - start
    windows = [(start - span * n, start - span * n + span) for n in range(TREND_WEEKS, -1, -1)]
    named = [(_window_name(s, e), s, e) for s, e in windows]
    monday = None
    if now is not None:
        first_day = datetime.combine(
            now.date() - timedelta(days=now.weekday()), datetime.min.time(), now.tzinfo
        )
        monday = first_day if first_day >= end and now > first_day else None
    ids = [repo_id for _, repo_id, _ in repos]
    github = synced_repos(con, ids)
    records = list(incidents)
    from_github = [
        i for repo_id in sorted(github) for i in issue_incidents(con, repo_id, config.incident_label, records)
    ]
    every = records + from_github
    names = [name for name, _, _ in repos]
    owned = _owners(every, names)
    trend_parts: list[list[Delivery]] = [[] for _ in named]
    so_far_parts: list[Delivery] = []
    labelled: dict[str, str] = {}
    overridden: dict[str, str] = {}
    targets = override_targets(config)  # classifications.yaml read once, not once per repository
    releases_of: dict[str, int] = {}
    sources: list[Sources] = []
    # commits, HEAD and refs of a run of repositories: one query per table, not several per repository
    runs = ((run, estate_releases(con, run, config)) for run in indexed_batches(con, ids))
    run, releases_by_id = next(runs)
    for name, repo_id, path in repos:
        if repo_id not in run:  # the runs follow the repositories' order
            run, releases_by_id = next(runs)
        releases = releases_by_id[repo_id]
        read = run[repo_id]
        graph = read.graph(releases)
        committed = read.committed
        pulls = pull_starts(con, repo_id) if repo_id in github else {}
        mine = _incidents_for(owned, name)
        for n, (_, s, e) in enumerate(named):
            trend_parts[n].append(dora.labelled(delivery(graph, committed, mine, s, e, pulls), name))
        if monday is not None and now is not None:
            so_far_parts.append(dora.labelled(delivery(graph, committed, mine, monday, now, pulls), name))
        if repo_id in github:
            labelled.update(label_buckets(con, repo_id, config.github_labels))
        overridden.update(overridden_buckets(config, path, pulls, targets))
        releases_of[name] = len(releases)
        sources.append(delivery_sources(con, repo_id, config, releases, every, read.tag_names()))
    trend = [(wname, dora.pooled(parts)) for (wname, _, _), parts in zip(named, trend_parts, strict=True)]
    resolve = identity_resolver(con, people)

    def person_in(repo_id: int, email: str, name: str) -> str:
        return resolve(repo_id, email, name).key

    axes: dict[str, Labeller] = {}
    if people is not None and people.people:
        axes["team"] = team_labeller(people, lambda email, name: resolve(-1, email, name).handle)
    if traced is not None:
        axes.update(traced.labellers())
    effort = [
        (
            wname,
            allocation(con, ids, s, e, axes, labelled=labelled, person_in=person_in, overridden=overridden),
        )
        for wname, s, e in named
    ]
    since = end - timedelta(weeks=HOTSPOT_WEEKS)
    spots, debt, holders = _estate_code(con, repos, config, named, since, end)
    so_far = None
    if monday is not None and now is not None:
        so_far = SoFar(
            iso_week(monday),
            monday,
            now,
            dora.pooled(so_far_parts),
            allocation(
                con,
                ids,
                monday,
                now,
                labelled=labelled,
                person_in=person_in,
                overridden=overridden,
                check=False,
            ),
            [i for i in every if i.started and monday <= i.started < now],
        )
    week_commits = _commits_per_repo(con, ids, start, end)
    this_week = trend_parts[-1]
    return Heartbeat(
        week=named[-1][0],
        start=start,
        end=end,
        delivery=trend[-1][1],
        trend=trend,
        effort=effort,
        hotspots=spots,
        debt=debt,
        incidents=[i for i in every if i.started and start <= i.started < end],
        **_from_records(config, records, decisions, pulled, start, end),
        warnings=[*(traced.warnings if traced else []), *_stock_scope(holders, len(repos))],
        sources=pooled_sources(names, sources),
        so_far=so_far,
        reviews=review_slas(con, ids, start, end, now or end, config.approval_sla, people),
        github=bool(github),
        repositories=[
            RepoWeek(name, week_commits.get(repo_id, 0), len(part.deploys), releases_of[name])
            for (name, repo_id, _), part in zip(repos, this_week, strict=True)
        ],
    )


def _owners(incidents: list[Incident], names: list[str]) -> list[tuple[Incident, str | None]]:
    """Each incident with the repository its ``caused_by`` names (``"api:1.2.0"``: api), or None when
    the cause has no known repository prefix: worked out once, not once per repository."""
    return [(i, next((n for n in names if i.caused_by.strip().startswith(f"{n}:")), None)) for i in incidents]


def _incidents_for(owned: list[tuple[Incident, str | None]], name: str) -> list[Incident]:
    """The incidents as one repository reads them: ``caused_by = "api:1.2.0"`` names the api's deploy
    1.2.0 (the prefix dropped for the api, the cause blanked for the others); a cause without a known
    repository prefix is looked for in every repository."""
    return [
        i
        if owner is None
        else replace(i, caused_by=i.caused_by.strip().removeprefix(f"{owner}:") if owner == name else "")
        for i, owner in owned
    ]


def pooled_sources(names: list[str], parts: list[Sources]) -> Sources:
    """What an estate's delivery numbers come from: every repository's deploys by the same [deploys]
    settings. No deploys in any repository keeps the numbers unknown, with the first repository's hint;
    deploys in some only says how many repositories had none, so an average never hides them."""
    ever = sum(p.deploys_ever for p in parts)
    without = [n for n, p in zip(names, parts, strict=True) if p.deploys_ever == 0]
    source = parts[0].deploy_source
    hint = ""
    if not ever:
        reason = next((p.tag_hint for p in parts if p.tag_hint), "")
        hint = f"no deploys in any of {len(parts)} repositories" + (
            f" (first: {names[0]}: {reason})" if reason else ""
        )
    elif without:
        shown_names = ", ".join(without[:5]) + (f" and {len(without) - 5} more" if len(without) > 5 else "")
        source += (
            f", in {len(parts) - len(without)} of {len(parts)} repositories"
            f" ({len(without)} with no deploy, not counted: {shown_names})"
        )
    else:
        source += f", in all {len(parts)} repositories"
    first = parts[0]
    return Sources(
        deploy_source=source,
        deploys_ever=ever,
        tag_hint=hint,
        incident_records=first.incident_records,
        incidents_with_cause=first.incidents_with_cause,
        github_incidents=first.github_incidents,
    )


def _commits_per_repo(
    con: duckdb.DuckDBPyConnection, ids: list[int], start: datetime, end: datetime
) -> dict[int, int]:
    rows = con.execute(
        "SELECT repo_id, count(*) FROM commits WHERE list_contains(?, repo_id) AND len(parents) <= 1"
        " AND committer_time >= ? AND committer_time < ? GROUP BY repo_id",
        [ids, start, end],
    ).fetchall()
    return {int(r): int(n) for r, n in rows}


def _head_files(config: WorkspaceConfig) -> dict[int, Path]:
    """Each repository's head files (figures of HEAD's files its shard keeps), by repository id."""
    from cpto.heartbeat.headfiles import FILE
    from cpto.history.estate import read_catalog, shards_folder

    shards = shards_folder(config.index_path)
    return {rid: e.folder(shards) / FILE for rid, e in read_catalog(shards).items() if e.head}


def _estate_code(
    con: duckdb.DuckDBPyConnection,
    repos: list[tuple[str, int, Path]],
    config: WorkspaceConfig,
    named: list[tuple[str, datetime, datetime]],
    since: datetime,
    end: datetime,
) -> tuple[list[Hotspot], list[DebtWeek], list[str]]:
    """Hotspots ranked across the estate (paths ``repo/path``) and the debt trend summed. Only
    repositories with changes in the hotspot window or the trend are read (one query says which):
    hotspots by :func:`cpto.heartbeat.hotspots.estate_hotspots` (one query for every repository's change
    counts, one git process per repository), the debt trend by each repository's own git processes,
    several at a time."""
    from concurrent.futures import ThreadPoolExecutor

    first = min(since, named[0][1])
    rows = con.execute(
        "SELECT DISTINCT repo_id FROM commits WHERE list_contains(?, repo_id)"
        " AND committer_time >= ? AND committer_time < ?",
        [[r for _, r, _ in repos], first, end],
    ).fetchall()
    moved = {int(r) for (r,) in rows}

    # restrict_index (--only, --path) narrows through temporary views, which only this connection
    # sees: then the repositories are read one after the other on it, else on a cursor per thread
    narrowed = con.execute("SELECT count(*) FROM duckdb_views() WHERE temporary").fetchone()
    shared = bool(narrowed and narrowed[0])

    from cpto.history.filekinds import FileKinds
    from cpto.history.summary import may_have_attributes

    attributed = may_have_attributes(con)  # one query: who may have a .gitattributes to read at HEAD

    read = [r for r in repos if r[1] in moved]
    heads = _head_files(config)
    places = []
    excludes = {rid: frozenset(_relative(p, repo) for p in config.record_paths) for _, rid, repo in read}
    for name, repo_id, repo in read:
        exclude = excludes[repo_id]
        kinds = None if repo_id in attributed else FileKinds(dict(config.code_kinds), tuple(exclude), {})
        places.append(EstateRepo(name, repo_id, repo, exclude, kinds, heads.get(repo_id)))
    ranked = estate_hotspots(con, places, since, end, settings=config.code_kinds)
    workers = 1 if shared else min(8, len(read) or 1)
    spots = [replace(h, path=f"{name}/{h.path}") for name, h in ranked]
    # The stock (TODO markers, the hotspots' complexity at each week's end) means reading each
    # repository's code five times: read where the estate's top hotspots are; elsewhere only the flow
    # of changed lines, from the index. The caller says so beside the trend.
    held: dict[str, set[str]] = {}
    for name, h in ranked:
        held.setdefault(name, set()).add(h.path)

    changed = changed_lines_of(con, list(excludes), named[0][1], named[-1][2], excludes) if named else {}

    def debt_of(item: tuple[str, int, Path]) -> list[DebtWeek]:
        name, repo_id, repo = item
        mine = con if shared else con.cursor()
        paths = held.get(name, set())
        return debt_trend(
            mine,
            repo_id,
            repo,
            named,
            paths,
            exclude=excludes[repo_id],
            stock=name in held,
            changed=changed.get(repo_id, []),
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [((), d) for d in pool.map(debt_of, read)]
    debt = [
        DebtWeek(
            wname,
            _total([d[n].markers for _, d in results]),
            _total([d[n].hotspot_complexity for _, d in results]),
            sum(d[n].test_lines for _, d in results),
            sum(d[n].code_lines for _, d in results),
            sum(d[n].pending for _, d in results),  # any repository's waiting commits make it partial
        )
        for n, (wname, _, _) in enumerate(named)
    ]
    return spots, debt, sorted(held)


def _stock_scope(holders: list[str], repositories: int) -> list[str]:
    """What the debt trend's markers and hotspot complexity were read in, when not every repository."""
    if len(holders) >= repositories:
        return []
    where = ", ".join(holders) if holders else "none (no hotspot in the window)"
    return [
        f"tech-debt trend: TODO markers and hotspot complexity read in the {len(holders)} of {repositories}"
        f" repositories holding the top hotspots ({where}); changed test and code lines in all of them"
    ]


def _total(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
