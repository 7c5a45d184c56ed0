"""A short summary of what the index holds: who changed what, where, and how fast.

It is the first thing a CPTO sees of a workspace and a check that the index is sound. People and commits
are counted by one rule, shared with ``cpto people`` and the heartbeat (``cpto.records.people``):
a commit counts when it is not a merge, and a person is their people.yaml entry, else their .mailmap
identity, else their email. ``identity_resolver`` and ``contributors`` are that rule over the index.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from cpto.history import store
from cpto.history.filekinds import FileKinds, relative_records, repository_kinds
from cpto.history.git import LINES_PENDING, git_env, run_git
from cpto.history.store import pending_note
from cpto.records.people import People, Who, who
from cpto.workspace.config import WorkspaceConfig

COUNTED = "len(c.parents) <= 1"  # SQL: the commits that count (merges only join work done elsewhere)
# SQL: the commits the first phase indexed whose line counts are not computed yet (``LINES_PENDING``);
# a sum of lines over any of them is unknown (None), not the plausible undercount SQL's sum() would give.
PENDING = "pending AS (SELECT DISTINCT repo_id, sha FROM problems WHERE problem = ?)"
Resolver = Callable[[int, str, str], Who]  # (repo_id, author email, author name) -> who it is


@dataclass(frozen=True)
class RepoSummary:
    path: str
    commits: int
    merges: int
    authors: int
    first: datetime | None
    last: datetime | None
    branches: int
    tags: int
    shallow: bool
    incomplete_commits: int  # indexed without their file changes: unreadable objects
    pending_commits: int = 0  # indexed without their line counts yet (the first phase of a two-phase index)


@dataclass(frozen=True)
class WeekActivity:
    week: date
    commits: int
    authors: int
    lines_changed: int | None  # None: some commits of the week wait for their line counts


@dataclass(frozen=True)
class AreaActivity:
    area: str
    commits: int
    lines_added: int | None  # None (both): some commits of the area wait for their line counts
    lines_deleted: int | None
    authors: int


@dataclass(frozen=True)
class AuthorActivity:
    """One person by the identity rule, with their non-merge commits, code commits and lines."""

    name: str
    email: str
    commits: int
    lines_changed: int | None  # None: some of their commits wait for their line counts
    first: datetime
    last: datetime
    key: str = ""
    handle: str | None = None
    identity: str = "email"  # which step of the identity rule decided: people.yaml, .mailmap or email
    code_commits: int = 0
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class Release:
    tag: str
    sha: str
    date: datetime


@dataclass(frozen=True)
class HistorySummary:
    people: int  # distinct people by the identity rule
    repos: list[RepoSummary]
    weeks: list[WeekActivity]
    areas: list[AreaActivity]
    authors: list[AuthorActivity]
    releases: list[Release]
    people_file: str | None = None  # the people.yaml the identities were matched to, None without one
    merged_identities: int = 0  # git identities folded into another by people.yaml or .mailmap
    unknown: list[str] = field(default_factory=list)  # what the figures cannot tell, and why


def summarize(
    con: duckdb.DuckDBPyConnection,
    *,
    weeks: int = 12,
    top: int = 8,
    people: People | None = None,
    config: WorkspaceConfig | None = None,
) -> HistorySummary:
    """Summarize the whole index: per repository, the last ``weeks`` weeks, the ``top`` areas and people.

    People and commits follow the one rule (non-merge commits; people.yaml, then .mailmap, then email);
    ``config`` gives the [code] settings and records that decide which commits are code commits.
    """
    resolve = identity_resolver(con, people)
    everyone = contributors(con, resolve, config)
    identities = con.execute(
        "SELECT count(DISTINCT (repo_id, lower(author_email), author_name)) FROM commits"
    )
    raw = identities.fetchone()
    unknown = []
    waiting = pending_note(con)
    if waiting is not None:
        unknown.append(waiting)
    if people is None or not people.people:
        unknown.append(
            "people are git identities (merged by .mailmap only): no people.yaml to join a person's"
            " identities or give disciplines; add people.yaml (see docs/people.md)"
        )
    return HistorySummary(
        people=len(everyone),
        repos=_repos(con, resolve),
        weeks=_weeks(con, weeks, resolve),
        areas=_areas(con, top, resolve),
        authors=everyone[:top],
        releases=_releases(con, top),
        people_file=str(people.path) if people is not None and people.people else None,
        merged_identities=max(0, (int(raw[0]) if raw else 0) - len(everyone)),
        unknown=unknown,
    )


def mailmap(repo: Path, identities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """What git's .mailmap makes of each (name, email): ``git check-mailmap``, so git's own rules apply.

    The index keeps authors as written (``%an``/``%ae``); the mapping is applied when people are counted,
    so editing .mailmap needs no re-index. Identities git refuses to map are left as they are.
    """
    pairs = sorted(set(identities))
    if not pairs or not repo.is_dir():
        return {}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for start in range(0, len(pairs), 200):
        chunk = pairs[start : start + 200]
        mapped = _check_mailmap(repo, chunk)
        if mapped is None:  # one odd identity fails the chunk: map the rest one by one
            mapped = [(_check_mailmap(repo, [pair]) or [pair])[0] for pair in chunk]
        out.update((pair, m) for pair, m in zip(chunk, mapped, strict=True) if m != pair)
    return out


def _check_mailmap(repo: Path, pairs: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    contacts = [f"{name} <{email}>" for name, email in pairs]
    lines = run_git(repo, "check-mailmap", *contacts, check=False).decode("utf-8", "replace").splitlines()
    if len(lines) != len(pairs):
        return None
    out = []
    for line in lines:
        name, _, rest = line.rpartition(" <") if " <" in line else ("", "", line.lstrip("<"))
        out.append((name, rest.rstrip(">")))
    return out


def _mailmap_configured() -> bool:
    """Whether git's user or system configuration names a mailmap (``mailmap.file``/``mailmap.blob``),
    which ``git check-mailmap`` applies in every repository: one git process for the whole estate."""
    try:
        proc = subprocess.run(
            ["git", "config", "--get-regexp", r"^mailmap\."],
            cwd=tempfile.gettempdir(),  # outside any repository: the user's and system's settings only
            env=git_env(),
            capture_output=True,
            check=False,
        )
    except OSError:
        return True  # cannot tell: ask git in each repository, as before
    return proc.returncode != 1  # 1: no such setting; anything else (0, an error) asks git per repository


def _may_have_mailmap(repo: Path) -> bool:
    """Whether ``git check-mailmap`` could map anything in ``repo``, decided without a git process.

    In a repository with a working tree git reads the ``.mailmap`` file of the working tree (not HEAD's),
    so a stat answers exactly. A bare repository (git reads ``HEAD:.mailmap``), a linked worktree or
    submodule (``.git`` is a file) and a repository whose own config mentions a mailmap or includes other
    config files are left to git.
    """
    if (repo / ".mailmap").exists():
        return True
    config = repo / ".git" / "config"
    if not (repo / ".git").is_dir():
        return True
    try:
        text = config.read_text("utf-8", "replace").lower()
    except OSError:
        return True
    return "mailmap" in text or "include" in text


def identity_resolver(con: duckdb.DuckDBPyConnection, people: People | None) -> Resolver:
    """Who each (repo_id, email, name) of the index is by the identity rule (``records.people.who``),
    with each repository's .mailmap applied. The heartbeat and every people count should use it."""
    rows = con.execute(
        """
        SELECT DISTINCT r.repo_id, r.path, c.author_email, c.author_name
        FROM commits c JOIN repos r USING (repo_id)
        """
    ).fetchall()
    by_repo: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for repo_id, path, email, name in rows:
        by_repo[(int(repo_id), str(path))].append((str(name or ""), str(email or "")))
    table: dict[tuple[int, str, str], Who] = {}
    configured = _mailmap_configured()
    for (repo_id, path), pairs in by_repo.items():
        maps = mailmap(Path(path), pairs) if configured or _may_have_mailmap(Path(path)) else {}
        for name, email in pairs:
            table[(repo_id, email.lower(), name)] = who(people, email, name, maps.get((name, email)))

    def resolve(repo_id: int, email: str, name: str) -> Who:
        found = table.get((repo_id, (email or "").lower(), name or ""))
        return found if found is not None else who(people, email or "", name or "")

    return resolve


def code_paths(con: duckdb.DuckDBPyConnection, config: WorkspaceConfig | None) -> list[tuple[int, str]]:
    """Every (repo_id, path) of the index that is code (``cpto.history.filekinds``: the repository's
    .gitattributes at HEAD, the workspace's [code] settings and records, then Linguist's rules)."""
    rows = con.execute(
        "SELECT DISTINCT r.repo_id, r.path, f.path FROM file_changes f JOIN repos r USING (repo_id)"
    ).fetchall()
    by_repo: dict[tuple[int, str], list[str]] = defaultdict(list)
    for repo_id, repo, path in rows:
        by_repo[(int(repo_id), str(repo))].append(str(path))
    settings = dict(config.code_kinds) if config else {}
    attributed = may_have_attributes(con)
    out: list[tuple[int, str]] = []
    for (repo_id, repo), paths in by_repo.items():
        root = Path(repo)
        records = relative_records(config.record_paths, root) if config else ()
        kinds = (
            repository_kinds(root, paths, settings=settings, records=records)
            if repo_id in attributed and root.is_dir()
            else FileKinds(settings, records)
        )
        out.extend((repo_id, p) for p in paths if kinds.is_code(p))
    return out


def may_have_attributes(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The repositories whose HEAD may hold a ``.gitattributes`` (at the root or in a folder), by one
    query for the whole index instead of three git processes per repository.

    A file in HEAD's tree was added by some commit of HEAD's history, and the index holds every commit
    reachable from the refs with the paths each changed (the first phase reads them too), so a repository
    whose file changes never named a ``.gitattributes`` has none at HEAD. Not a stat of the working tree:
    it misses nested files, bare repositories and a file deleted or added but not committed. Left to git:
    repositories with commits whose changed paths are unknown (unreadable objects), since the index
    cannot vouch for them. (A merge that adds a file neither parent had is the one case the index cannot
    see; git's own ``log`` does not show it either.)
    """
    row = con.execute("SELECT current_database()").fetchone()
    db = '"' + str(row[0] if row else "main").replace('"', '""') + '"'
    try:  # the database's own tables: a workspace narrowed to folders hides the root's .gitattributes
        rows = con.execute(
            f"""
            SELECT DISTINCT repo_id FROM {db}.main.file_changes
            WHERE path = '.gitattributes' OR ends_with(path, '/.gitattributes')
            UNION
            SELECT DISTINCT c.repo_id FROM {db}.main.commits c
            WHERE NOT c.diff_complete AND NOT EXISTS (
                SELECT 1 FROM {db}.main.problems p
                WHERE p.repo_id = c.repo_id AND p.sha = c.sha AND p.problem = ?
            )
            """,
            [LINES_PENDING],
        ).fetchall()
    except duckdb.CatalogException:  # an index without these tables: leave every repository to git
        return {int(r[0]) for r in con.execute("SELECT repo_id FROM repos").fetchall()}
    return {int(r[0]) for r in rows}


@dataclass
class _Tally:
    """One person's counts while their identities are added up."""

    who: Who
    first: datetime
    last: datetime
    commits: int = 0
    code: int = 0
    lines: int | None = 0  # None once any of their commits waits for its line counts
    emails: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def identity(self) -> str:
        """The strongest step of the identity rule that joined this person's identities."""
        return next(s for s in ("people.yaml", ".mailmap", "email") if s in self.sources)


def contributors(
    con: duckdb.DuckDBPyConnection, resolve: Resolver, config: WorkspaceConfig | None = None
) -> list[AuthorActivity]:
    """Everyone who committed, by the identity rule, most commits first: non-merge commits, code
    commits (changing at least one code file), lines changed, first and last commit."""
    code = code_paths(con, config)
    rows = con.execute(
        f"""
        WITH code AS (SELECT unnest(?::INTEGER[]) AS repo_id, unnest(?::VARCHAR[]) AS path),
        coded AS (
            SELECT DISTINCT f.repo_id, f.sha FROM file_changes f JOIN code k USING (repo_id, path)
        ), {PENDING}
        SELECT c.repo_id, lower(c.author_email), c.author_name, count(*),
               count(*) FILTER (k.sha IS NOT NULL),
               CASE WHEN bool_or(w.sha IS NOT NULL) THEN NULL
                    ELSE coalesce(sum(c.added + c.deleted), 0) END::BIGINT,
               min(c.author_time), max(c.author_time)
        FROM commits c LEFT JOIN coded k USING (repo_id, sha) LEFT JOIN pending w USING (repo_id, sha)
        WHERE {COUNTED}
        GROUP BY ALL
        """,
        [[r for r, _ in code], [p for _, p in code], LINES_PENDING],
    ).fetchall()
    merged: dict[str, _Tally] = {}
    for repo_id, email, name, commits, coded, lines, first, last in rows:
        person = resolve(int(repo_id), str(email or ""), str(name or ""))
        tally = merged.setdefault(person.key, _Tally(person, first, last))
        if last > tally.last:
            tally.who = person  # the name they use now
        tally.commits += int(commits)
        tally.code += int(coded)
        tally.lines = None if lines is None or tally.lines is None else tally.lines + int(lines)
        tally.first, tally.last = min(tally.first, first), max(tally.last, last)
        tally.sources.add(person.source)
        tally.emails.add(str(email or ""))
    out = [
        AuthorActivity(
            name=t.who.name,
            email=t.who.email,
            commits=t.commits,
            lines_changed=t.lines,
            first=t.first,
            last=t.last,
            key=key,
            handle=t.who.handle,
            identity=t.identity,
            code_commits=t.code,
            emails=tuple(sorted(t.emails)),
        )
        for key, t in merged.items()
    ]
    return sorted(out, key=lambda a: (-a.commits, a.key))


def _repos(con: duckdb.DuckDBPyConnection, resolve: Resolver) -> list[RepoSummary]:
    rows = con.execute(
        f"""
        WITH {PENDING}
        SELECT r.repo_id, r.path, count(c.sha) FILTER ({COUNTED}), count(c.sha) FILTER (len(c.parents) > 1),
               min(c.author_time), max(c.author_time),
               (SELECT count(*) FROM refs f WHERE f.repo_id = r.repo_id AND f.kind = 'branch'),
               (SELECT count(*) FROM refs f WHERE f.repo_id = r.repo_id AND f.kind = 'tag'),
               coalesce(r.shallow, false), count(c.sha) FILTER (NOT c.diff_complete AND w.sha IS NULL),
               count(w.sha)
        FROM repos r LEFT JOIN commits c USING (repo_id) LEFT JOIN pending w USING (repo_id, sha)
        GROUP BY r.repo_id, r.path, r.shallow ORDER BY r.path
        """,
        [LINES_PENDING],
    ).fetchall()
    authors = _people_by(con, resolve, "c.repo_id")
    return [
        RepoSummary(path, commits, merges, len(authors.get(repo_id, ())), *rest)
        for repo_id, path, commits, merges, *rest in rows
    ]


def _people_by(
    con: duckdb.DuckDBPyConnection, resolve: Resolver, group: str, where: str = "true"
) -> dict[Any, set[str]]:
    """The people (identity rule) of the counted commits, per value of the SQL expression ``group``."""
    rows = con.execute(
        f"""
        SELECT DISTINCT {group}, c.repo_id, c.author_email, c.author_name
        FROM commits c WHERE {COUNTED} AND {where}
        """
    ).fetchall()
    out: dict[Any, set[str]] = defaultdict(set)
    for value, repo_id, email, name in rows:
        out[value].add(resolve(int(repo_id), str(email or ""), str(name or "")).key)
    return out


def _weeks(con: duckdb.DuckDBPyConnection, weeks: int, resolve: Resolver) -> list[WeekActivity]:
    recent = f"c.author_time > (SELECT max(author_time) FROM commits) - to_weeks({int(weeks)})"
    rows = con.execute(
        f"""
        WITH {PENDING}
        SELECT date_trunc('week', c.author_time)::DATE AS week, count(*),
               CASE WHEN bool_or(w.sha IS NOT NULL) THEN NULL ELSE sum(c.added + c.deleted) END::BIGINT
        FROM commits c LEFT JOIN pending w USING (repo_id, sha) WHERE {COUNTED} AND {recent}
        GROUP BY week ORDER BY week
        """,
        [LINES_PENDING],
    ).fetchall()
    people = _people_by(con, resolve, "date_trunc('week', c.author_time)::DATE", recent)
    return [WeekActivity(week, n, len(people.get(week, ())), lines) for week, n, lines in rows]


def _areas(con: duckdb.DuckDBPyConnection, top: int, resolve: Resolver) -> list[AreaActivity]:
    area = "CASE WHEN contains(f.path, '/') THEN split_part(f.path, '/', 1) || '/' ELSE '(root)' END"
    rows = con.execute(
        f"""
        WITH {PENDING}
        SELECT {area} AS area, count(DISTINCT (f.repo_id, f.sha)),
               CASE WHEN bool_or(w.sha IS NOT NULL) THEN NULL ELSE sum(coalesce(f.added, 0)) END::BIGINT,
               CASE WHEN bool_or(w.sha IS NOT NULL) THEN NULL ELSE sum(coalesce(f.deleted, 0)) END::BIGINT,
               list(DISTINCT struct_pack(r := c.repo_id, e := c.author_email, n := c.author_name))
        FROM file_changes f JOIN commits c USING (repo_id, sha) LEFT JOIN pending w USING (repo_id, sha)
        WHERE {COUNTED}
        GROUP BY area ORDER BY 2 DESC, 1 LIMIT ?
        """,
        [LINES_PENDING, top],
    ).fetchall()
    return [
        AreaActivity(
            name,
            commits,
            added,
            deleted,
            len({resolve(int(a["r"]), str(a["e"] or ""), str(a["n"] or "")).key for a in authors}),
        )
        for name, commits, added, deleted, authors in rows
    ]


def shallow_repos(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The indexed repositories that are shallow clones: their older history is not in the index."""
    rows = con.execute("SELECT path FROM repos WHERE coalesce(shallow, false) ORDER BY path").fetchall()
    return [str(r[0]) for r in rows]


def _releases(con: duckdb.DuckDBPyConnection, top: int) -> list[Release]:
    rows = con.execute(
        f"""
        SELECT f.name, f.sha, coalesce(f.tagger_time, c.committer_time) AS t
        FROM refs f JOIN {store.graph_commits(con)} c ON c.repo_id = f.repo_id AND c.sha = f.sha
        WHERE f.kind = 'tag' ORDER BY t DESC, f.name DESC LIMIT ?
        """,
        [top],
    ).fetchall()
    return [Release(*row) for row in rows]
