"""Where each commit stands: on the main line, in which release, or only on a side branch.

Read from the history index (parents and refs), so a review never walks git itself. Each walk marks a
commit once, so the whole graph costs one pass however many releases there are.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

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
        f" LEFT JOIN {store.graph_commits(con)} c ON c.repo_id = r.repo_id AND c.sha = r.sha"
        " WHERE r.repo_id = ? AND r.kind = 'tag'",
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
    graph = store.graph_commits(con)
    parents: dict[str, list[str]] = {
        sha: list(ps or [])
        for sha, ps in con.execute(
            f"SELECT sha, parents FROM {graph} WHERE repo_id = ?", [repo_id]
        ).fetchall()
    }
    head_row = con.execute("SELECT head_ref FROM repos WHERE repo_id = ?", [repo_id]).fetchone()
    head_ref = head_row[0] if head_row else None
    refs = con.execute(
        "SELECT r.name, r.kind, r.sha, coalesce(r.tagger_time, c.committer_time) FROM refs r"
        f" LEFT JOIN {graph} c ON c.repo_id = r.repo_id AND c.sha = r.sha WHERE r.repo_id = ?",
        [repo_id],
    ).fetchall()
    if releases is None:
        releases = tagged_releases(con, repo_id, release_pattern)
    return _graph(parents, head_ref, store.head_commit(con, repo_id), refs, releases)


@dataclass
class Indexed:
    """What the graph, the deploys and the lead times read of one repository, read for many at once
    by :func:`read_indexed` (three queries for an estate instead of several per repository)."""

    parents: dict[str, list[str]] = field(default_factory=dict)
    committed: dict[str, datetime] = field(default_factory=dict)  # non-merge commits: when committed
    head_ref: str | None = None
    refs: list[tuple[str, str, str, datetime | None]] = field(default_factory=list)  # name, kind, sha, time

    @property
    def head_sha(self) -> str | None:
        """:func:`cpto.history.store.head_commit` from the refs read: a detached HEAD, else its branch."""
        for _name, kind, sha, _ in self.refs:
            if kind == "head":
                return sha
        for name, kind, sha, _ in self.refs:
            if kind == "branch" and self.head_ref is not None and f"refs/heads/{name}" == self.head_ref:
                return sha
        return None

    def tag_releases(self, pattern: str = "v*") -> list[Release]:
        """:func:`tagged_releases` from the refs read."""
        return in_order(
            [Release(n, s, t) for n, k, s, t in self.refs if k == "tag" and fnmatchcase(n, pattern)]
        )

    def tag_names(self) -> list[str]:
        """Every tag's name, newest first (tagger's or commit's time; untimed last), ties by name."""
        untimed = sorted(n for n, k, _, t in self.refs if k == "tag" and t is None)
        timed = sorted(
            ((t, n) for n, k, _, t in self.refs if k == "tag" and t is not None), key=lambda x: x[1]
        )
        timed.sort(key=lambda x: x[0], reverse=True)  # stable: equal times keep their names' order
        return [n for _, n in timed] + untimed

    def graph(self, releases: list[Release]) -> CommitGraph:
        """:func:`load_graph` with ``releases`` from what was read."""
        return _graph(self.parents, self.head_ref, self.head_sha, self.refs, releases)


def read_indexed(con: duckdb.DuckDBPyConnection, repo_ids: list[int]) -> dict[int, Indexed]:
    """:class:`Indexed` for each of ``repo_ids``: one query per table (commits, repos, refs), so an
    estate of a thousand repositories costs three queries, not ten thousand."""
    out = {repo_id: Indexed() for repo_id in repo_ids}
    graph = store.graph_commits(con)
    rows = con.execute(
        f"SELECT repo_id, sha, parents, committer_time FROM {graph} WHERE list_contains(?, repo_id)",
        [repo_ids],
    ).fetchall()
    for repo_id, sha, ps, when in rows:
        mine = out[int(repo_id)]
        mine.parents[sha] = list(ps or [])
        if len(ps or []) <= 1 and graph == "commits":
            mine.committed[str(sha)] = when
    if graph != "commits":  # narrowed: the changes counted are the narrowed commits, the graph is whole
        for repo_id, sha, when in con.execute(
            "SELECT repo_id, sha, committer_time FROM commits WHERE list_contains(?, repo_id)"
            " AND len(parents) <= 1",
            [repo_ids],
        ).fetchall():
            out[int(repo_id)].committed[str(sha)] = when
    for repo_id, head_ref in con.execute(
        "SELECT repo_id, head_ref FROM repos WHERE list_contains(?, repo_id)", [repo_ids]
    ).fetchall():
        out[int(repo_id)].head_ref = head_ref
    for repo_id, *ref in con.execute(
        "SELECT r.repo_id, r.name, r.kind, r.sha, coalesce(r.tagger_time, c.committer_time) FROM refs r"
        f" LEFT JOIN {graph} c ON c.repo_id = r.repo_id AND c.sha = r.sha WHERE list_contains(?, r.repo_id)",
        [repo_ids],
    ).fetchall():
        out[int(repo_id)].refs.append((ref[0], ref[1], ref[2], ref[3]))
    return out


def indexed_batches(
    con: duckdb.DuckDBPyConnection, repo_ids: list[int], *, commits: int = 200_000
) -> Iterator[dict[int, Indexed]]:
    """:func:`read_indexed` for ``repo_ids`` in runs of consecutive repositories holding at most
    ``commits`` commits together (a bigger repository alone), in their order: an estate of a thousand
    real histories is millions of commits, too many to hold as Python objects at once, while a run
    still costs three queries, not three per repository."""
    sizes = dict(
        con.execute(
            "SELECT repo_id, count(*) FROM commits WHERE list_contains(?, repo_id) GROUP BY repo_id",
            [repo_ids],
        ).fetchall()
    )
    run: list[int] = []
    held = 0
    for repo_id in repo_ids:
        size = int(sizes.get(repo_id, 0))
        if run and held + size > commits:
            yield read_indexed(con, run)
            run, held = [], 0
        run.append(repo_id)
        held += size
    if run:
        yield read_indexed(con, run)


def _graph(
    parents: dict[str, list[str]],
    head_ref: str | None,
    head_sha: str | None,
    refs: list[tuple[Any, ...]],
    releases: list[Release],
) -> CommitGraph:
    """The one walk :func:`load_graph` and :meth:`Indexed.graph` share."""
    head_branch = head_ref.removeprefix("refs/heads/") if head_ref else None
    graph = CommitGraph(head_branch=head_branch)
    if head_sha:
        graph.on_head = _reach(parents, head_sha, set())
    graph.releases = in_order(releases)
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
