"""Where each commit stands: on the main line, in which release, or only on a side branch.

Read from the history index (parents and refs), so a review never walks git itself. Each walk marks a
commit once, so the whole graph costs one pass however many releases there are.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase

import duckdb

from cpto.history import store


@dataclass(frozen=True)
class Release:
    name: str
    sha: str
    time: datetime | None


@dataclass
class CommitGraph:
    """Reachability facts the review's statuses rest on."""

    head_branch: str | None
    on_head: set[str] = field(default_factory=set)
    release_of: dict[str, Release] = field(default_factory=dict)  # sha -> first release that contains it
    branches_of: dict[str, list[str]] = field(default_factory=dict)  # off-HEAD sha -> branches with it
    releases: list[Release] = field(default_factory=list)


def tagged_releases(con: duckdb.DuckDBPyConnection, repo_id: int, pattern: str = "v*") -> list[Release]:
    """The repository's tags matching ``pattern`` ([deploys] tags) as releases, oldest first; a tag's time is
    its tagger's (annotated) or its commit's (lightweight)."""
    rows = con.execute(
        "SELECT r.name, r.sha, coalesce(r.tagger_time, c.committer_time) FROM refs r"
        " LEFT JOIN commits c ON c.repo_id = r.repo_id AND c.sha = r.sha WHERE r.repo_id = ? AND r.kind = 'tag'",
        [repo_id],
    ).fetchall()
    return in_order([Release(n, s, t) for n, s, t in rows if fnmatchcase(n, pattern)])


def in_order(releases: list[Release]) -> list[Release]:
    """Oldest first; releases without a time last, by name."""
    return sorted(releases, key=lambda r: (r.time is None, r.time or datetime.min, r.name))


def load_graph(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    release_pattern: str = "v*",
    releases: list[Release] | None = None,
) -> CommitGraph:
    """Build reachability from the index: HEAD, release tags matching ``release_pattern`` (or the given
    ``releases``, from a deploy log), branches."""
    parents: dict[str, list[str]] = {
        sha: list(ps or [])
        for sha, ps in con.execute("SELECT sha, parents FROM commits WHERE repo_id = ?", [repo_id]).fetchall()
    }
    head_row = con.execute("SELECT head_ref FROM repos WHERE repo_id = ?", [repo_id]).fetchone()
    head_ref = head_row[0] if head_row else None
    head_branch = head_ref.removeprefix("refs/heads/") if head_ref else None
    refs = con.execute(
        "SELECT r.name, r.kind, r.sha, coalesce(r.tagger_time, c.committer_time) FROM refs r"
        " LEFT JOIN commits c ON c.repo_id = r.repo_id AND c.sha = r.sha WHERE r.repo_id = ?",
        [repo_id],
    ).fetchall()
    graph = CommitGraph(head_branch=head_branch)
    head_sha = store.head_commit(con, repo_id)
    if head_sha:
        graph.on_head = _reach(parents, head_sha, set())
    graph.releases = (
        in_order(releases) if releases is not None else tagged_releases(con, repo_id, release_pattern)
    )
    for release in graph.releases:
        for sha in _reach(parents, release.sha, graph.release_of):
            graph.release_of[sha] = release
    for name, kind, sha, _ in refs:
        if kind in ("branch", "remote") and name != head_branch and sha not in graph.on_head:
            for s in _reach(parents, sha, graph.on_head):
                graph.branches_of.setdefault(s, []).append(name)
    return graph


def _reach(parents: dict[str, list[str]], start: str, known: Container[str]) -> set[str]:
    """Commits reachable from ``start`` that are not in ``known`` (whose ancestors are known too)."""
    found: set[str] = set()
    stack = [start]
    while stack:
        sha = stack.pop()
        if sha in found or sha in known or sha not in parents:
            continue
        found.add(sha)
        stack.extend(parents[sha])
    return found
