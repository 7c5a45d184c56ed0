"""Technical strategy: where the code is hard to change, who alone knows it, and which roadmap items
will have to touch it.

Three readings of the same window of history, joined so a leadership review can put them side by side:

- hotspots, from :func:`cpto.heartbeat.hotspots.hotspots` (commits in the window x indentation
  complexity at HEAD; code only, as ``cpto.history.filekinds`` decides);
- knowledge concentration per area (a folder up to ``depth`` levels deep) and per hotspot file: how many
  people changed it in the window, the top person's share of its changed lines, and the fewest people who
  together wrote more than half of them (a bus-factor-like count). People are counted by the one identity
  rule (:data:`cpto.records.people.IDENTITY_RULE`), so one person with two emails is one person once
  people.yaml or .mailmap says so;
- the roadmap's items (roadmap.yaml), through their PRD requirements and the product review's accepted
  evidence (linked commits and files), to the files they touched and so the hotspots and concentrated
  areas they sit next to. An item without a PRD or without evidence says so: unknown is not zero.

Everything keeps what it was computed from (the window, the commits counted) so a reader can drill down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from cpto.heartbeat.hotspots import Hotspot, hotspots
from cpto.history import store
from cpto.history.filekinds import relative_records, repository_kinds
from cpto.history.summary import COUNTED, Resolver, identity_resolver
from cpto.records.people import workspace_people
from cpto.workspace.config import WorkspaceConfig

DEFAULT_WEEKS = 26  # a strategy looks half a year back: long enough that one busy sprint is not the story
DEFAULT_DEPTH = 2  # areas are folders two levels deep (src/billing), or the top folder when shallower
DEFAULT_TOP = 10  # hotspots per repository
CONCENTRATED = 1  # an area whose bus factor is this or less is concentrated: one person wrote most of it
ROOT_AREA = "(root)"  # files at the top of a repository


@dataclass(frozen=True)
class Share:
    """One person's part of some code's changed lines in the window."""

    key: str  # who they are by the identity rule: a people.yaml handle, else the (mailmapped) email
    name: str
    lines: int
    commits: int


@dataclass(frozen=True)
class Ownership:
    """Who changed some code (an area or a file) in the window, and how concentrated that knowledge is.

    ``bus_factor`` is the fewest people whose changed lines add up to more than half of all of them: 1
    means one person wrote most of it, so the code's knowledge leaves with them.
    """

    repo: str
    path: str  # the area (folder) or the file
    commits: int
    lines: int
    shares: tuple[Share, ...]  # most lines first

    @property
    def authors(self) -> int:
        return len(self.shares)

    @property
    def top(self) -> Share | None:
        return self.shares[0] if self.shares else None

    @property
    def top_share(self) -> float:
        return self.shares[0].lines / self.lines if self.shares and self.lines else 0.0

    @property
    def bus_factor(self) -> int:
        return bus_factor([s.lines for s in self.shares])

    @property
    def concentrated(self) -> bool:
        return self.lines > 0 and self.bus_factor <= CONCENTRATED


@dataclass(frozen=True)
class RepoStrategy:
    """One repository over the window: its hotspots with their owners, and its areas' ownership."""

    repo: str  # label (folder name, longer when two repositories share one)
    path: Path
    commits: int  # non-merge commits in the window
    last: datetime | None  # the repository's last commit, whenever it was (a quiet window says when)
    code_commits: int  # of those, commits that changed a code file
    hotspots: list[tuple[Hotspot, Ownership]]
    areas: list[Ownership]  # by lines changed, most first


@dataclass
class ItemReach:
    """One roadmap item and the code its evidence touched.

    ``known`` is False when nothing says what it touches (no PRD, no matching requirement, no evidence
    yet); ``reason`` then says which, and the item's hotspot and area lists are empty because unknown,
    not because it touches nothing.
    """

    id: str
    title: str
    horizon: str
    status: str
    prd: str
    requirements: list[str]
    known: bool
    reason: str
    commits: int = 0  # linked commits the files come from
    linked_files: int = 0  # files the review linked to the requirements directly
    files: list[tuple[str, str]] = field(default_factory=list)  # (repo, path): code files touched
    hotspots: list[tuple[str, str]] = field(default_factory=list)  # (repo, path) of hotspots touched
    areas: list[tuple[str, str]] = field(default_factory=list)  # (repo, area) of concentrated areas touched


@dataclass
class Strategy:
    """The technical strategy view of a workspace over [since, until)."""

    since: datetime
    until: datetime
    depth: int
    repos: list[RepoStrategy]
    items: list[ItemReach] | None  # None: no roadmap file (``roadmap_path`` says where it was looked for)
    roadmap_path: Path
    people_file: Path | None  # people.yaml when it holds people (identities join through it)
    warnings: list[str] = field(default_factory=list)

    @property
    def weeks(self) -> float:
        return round((self.until - self.since) / timedelta(weeks=1), 1)


def bus_factor(lines: Sequence[int]) -> int:
    """The fewest people whose lines add up to more than half of all lines (0 when there are none)."""
    total = sum(lines)
    covered = 0
    for n, count in enumerate(sorted(lines, reverse=True), 1):
        covered += count
        if covered * 2 > total:
            return n
    return 0


def area_of(path: str, depth: int) -> str:
    """The folder ``path`` belongs to, at most ``depth`` levels deep; ``(root)`` for a top-level file."""
    folders = path.split("/")[:-1]
    return "/".join(folders[:depth]) if folders else ROOT_AREA


def workspace_strategy(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    since: datetime,
    until: datetime,
    *,
    depth: int = DEFAULT_DEPTH,
    top: int = DEFAULT_TOP,
) -> Strategy:
    """Hotspots, knowledge concentration and the roadmap's reach for every workspace repository.

    ``con`` is the history index holding the workspace's repositories (``cpto index`` brought up to date).
    """
    people = workspace_people(config)
    resolve = identity_resolver(con, people)
    labels = _labels(config.repos)
    repos = [
        repo_strategy(con, config, path, labels[path], resolve, since, until, depth=depth, top=top)
        for path in config.repos
    ]
    roadmap_path = config.roadmap_path
    strategy = Strategy(
        since,
        until,
        depth,
        repos,
        None,
        roadmap_path,
        people.path if people.people else None,
        list(people.warnings),
    )
    if roadmap_path.exists():
        strategy.items = roadmap_reach(con, config, strategy)
    return strategy


def repo_strategy(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    repo: Path,
    label: str,
    resolve: Resolver,
    since: datetime,
    until: datetime,
    *,
    depth: int = DEFAULT_DEPTH,
    top: int = DEFAULT_TOP,
) -> RepoStrategy:
    """One repository's hotspots (the heartbeat's method) and ownership per area and per hotspot file."""
    repo_id = store.indexed_repo_id(con, repo)
    rows = con.execute(
        f"""
        SELECT f.path, lower(c.author_email), c.author_name, c.sha, f.added + f.deleted
        FROM file_changes f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
        WHERE f.repo_id = ? AND c.committer_time >= ? AND c.committer_time < ? AND NOT f."binary"
          AND {COUNTED}
        """,
        [repo_id, since, until],
    ).fetchall()
    counted = con.execute(
        f"SELECT count(*) FROM commits c WHERE repo_id = ? AND committer_time >= ? AND committer_time < ?"
        f" AND {COUNTED}",
        [repo_id, since, until],
    ).fetchone()
    last = con.execute("SELECT max(committer_time) FROM commits WHERE repo_id = ?", [repo_id]).fetchone()
    records = frozenset(relative_records(config.record_paths, repo))
    kinds = repository_kinds(repo, {str(r[0]) for r in rows}, settings=config.code_kinds, records=records)
    code = [r for r in rows if kinds.is_code(str(r[0]))]
    spots = hotspots(
        con, repo_id, repo, since, until, top=top, exclude=records, settings=config.code_kinds, kinds=kinds
    )
    by_file = _ownership(code, lambda path: path, label, repo_id, resolve)
    by_area = _ownership(code, lambda path: area_of(path, depth), label, repo_id, resolve)
    return RepoStrategy(
        repo=label,
        path=repo,
        commits=int(counted[0]) if counted else 0,
        last=last[0] if last else None,
        code_commits=len({str(r[3]) for r in code}),
        hotspots=[(h, by_file.get(h.path) or Ownership(label, h.path, 0, 0, ())) for h in spots],
        areas=sorted(by_area.values(), key=lambda o: (-o.lines, o.path)),
    )


def _ownership(
    rows: Sequence[tuple[object, ...]],
    group: Callable[[str], str],
    label: str,
    repo_id: int,
    resolve: Resolver,
) -> dict[str, Ownership]:
    """Ownership of each group of files (``group`` maps a path to its group) from (path, email, name,
    sha, lines) rows, people merged by the identity rule."""
    lines: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    commits: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    for path, email, name, sha, changed in rows:
        person = resolve(repo_id, str(email or ""), str(name or ""))
        names.setdefault(person.key, person.name or person.key)
        key = group(str(path))
        lines[key][person.key] += int(str(changed or 0))
        commits[key][person.key].add(str(sha))
    out = {}
    for key, by_person in lines.items():
        shares = sorted(
            (Share(p, names[p], n, len(commits[key][p])) for p, n in by_person.items()),
            key=lambda s: (-s.lines, -s.commits, s.key),
        )
        every = set().union(*commits[key].values())
        out[key] = Ownership(label, key, len(every), sum(by_person.values()), tuple(shares))
    return out


def roadmap_reach(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, strategy: Strategy
) -> list[ItemReach]:
    """Each roadmap item with the code files its requirements' accepted evidence touched, and which of
    the strategy's hotspots and concentrated areas those are.

    The evidence is the product review's (:func:`cpto.review.service.review_workspace`, the one the
    roadmap review and the heartbeat read): linked files, and the code files changed by linked commits.
    """
    from cpto.records.roadmap import item_requirements, read_roadmap, requirements_by_prd
    from cpto.review.service import load_prds, review_workspace

    roadmap = read_roadmap(strategy.roadmap_path)
    prd_paths = sorted(
        {config.root / i.prd for i in roadmap.items if i.prd and (config.root / i.prd).is_file()}
    )
    links: dict[tuple[str, str], tuple[set[tuple[str, str]], set[tuple[str, str]]]] = {}
    by_prd: dict[Path, list[tuple[str, str]]] = {}
    if prd_paths and config.repos:
        prds = load_prds(prd_paths)
        result = review_workspace(con, config, prds)
        strategy.warnings.extend(result.warnings)
        by_prd = requirements_by_prd(prds)
        for t in result.requirements:
            links[(str(Path(t.prd).resolve()), t.requirement.id)] = (
                {(link.repo, link.ref) for link in t.linked("commit")},
                {(link.repo, link.ref) for link in t.linked("file")},
            )
    changed = _files_of_commits(con, config, {sha for commits, _ in links.values() for sha in commits})
    code = _code_files(
        config, {f for _, files in links.values() for f in files} | set().union(*changed.values())
    )
    spots = {(r.repo, h.path) for r in strategy.repos for h, _ in r.hotspots}
    concentrated = {(r.repo, a.path) for r in strategy.repos for a in r.areas if a.concentrated}
    out = []
    for item in roadmap.items:
        requirements = item_requirements(item, config.root, by_prd)
        reach = ItemReach(item.id, item.title, item.horizon, item.status, item.prd, requirements, False, "")
        out.append(reach)
        prd = (config.root / item.prd).resolve() if item.prd else None
        if prd is None:
            reach.reason = "no PRD: cannot tell what it touches (add prd: to the item in roadmap.yaml)"
            continue
        if not prd.is_file():
            reach.reason = f"PRD {item.prd} not found: cannot tell what it touches"
            continue
        if not requirements:
            reach.reason = f"no requirement of {item.prd} matches it: cannot tell what it touches"
            continue
        shas: set[tuple[str, str]] = set()
        files: set[tuple[str, str]] = set()
        for rid in requirements:
            s, f = links.get((str(prd), rid), (set(), set()))
            shas |= s
            files |= f
        linked = set(files)
        for sha in shas:
            files |= changed.get(sha, set())
        files &= code
        if not files:
            reach.reason = (
                f"no evidence yet for {', '.join(requirements)}: cannot tell what it touches"
                if not shas
                else f"its {len(shas)} linked commit(s) changed no code file"
            )
            continue
        reach.known = True
        reach.commits = len(shas)
        reach.linked_files = len(linked & code)
        reach.files = sorted(files)
        reach.hotspots = sorted(f for f in files if f in spots)
        reach.areas = sorted({(r, area_of(p, strategy.depth)) for r, p in files} & concentrated)
        reach.reason = (
            f"touches {len(files)} code file(s): those changed by {len(shas)} linked commit(s)"
            f" and {reach.linked_files} file(s) linked directly"
        )
    return out


def _files_of_commits(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, shas: set[tuple[str, str]]
) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """The files each (repo label, sha) changed, from the history index."""
    if not shas:
        return {}
    labels = _labels(config.repos)
    out: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for path, label in labels.items():
        wanted = sorted(sha for repo, sha in shas if repo == label)
        if not wanted:
            continue
        repo_id = store.indexed_repo_id(con, path)
        rows = con.execute(
            'SELECT sha, path FROM file_changes WHERE repo_id = ? AND list_contains(?, sha) AND NOT "binary"',
            [repo_id, wanted],
        ).fetchall()
        for sha, file in rows:
            out[(label, str(sha))].add((label, str(file)))
    return out


def _code_files(config: WorkspaceConfig, files: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (repo label, path) pairs that are code, by the same rules as the hotspots: tests, docs,
    generated and vendored files and the records touched by an item are not where its risk is."""
    out = set()
    for path, label in _labels(config.repos).items():
        mine = {p for repo, p in files if repo == label}
        if not mine:
            continue
        records = relative_records(config.record_paths, path)
        kinds = repository_kinds(path, mine, settings=config.code_kinds, records=records)
        out |= {(label, p) for p in mine if kinds.is_code(p)}
    return out


def _labels(repos: list[Path]) -> dict[Path, str]:
    """The review's name for each repository (``cpto.review.service.repository_labels``), so items'
    evidence and hotspots name repositories alike. One repository is its folder name, as that function
    says, without importing the review (and numpy) for a page that has no roadmap to trace."""
    if len(repos) == 1:
        return {repos[0]: repos[0].name}
    from cpto.review.service import repository_labels

    return repository_labels(repos)
