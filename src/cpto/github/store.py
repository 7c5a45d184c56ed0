"""GitHub's evidence in the workspace index: pull requests, reviews, issues, releases and deployments.

The tables live in the same DuckDB file as the git history and are keyed to it: ``repo_id`` is the
index's id of the repository (``repos.repo_id``), and commit SHAs are the ones in ``commits``. They are
the one contract between the sync (``cpto github sync`` / ``cpto github import``, which write them) and
the reports (review, heartbeat, SLAs, allocation, which read them through the loaders below).

Unlike the git tables, this data cannot be read again from git: when the index is started over (an
unreadable index, ``cpto index --rebuild``), a sync fetches it again. Times are UTC.

Writing is by whole rows keyed as each table says: saving a row replaces the stored row with the same
key, so a second sync of a changed pull request updates it in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

import duckdb


@dataclass(frozen=True)
class PullRequest:
    """One pull request. ``closes``: numbers of the issues it closes or fixes (GitHub's closing
    references: ``Closes #12`` in its body, or linked in the UI); ``references``: other issue numbers
    its title or body mentions."""

    repo_id: int
    number: int
    title: str
    body: str
    author: str  # GitHub login
    state: str  # open | closed (merged ones are closed with merged_at set)
    draft: bool
    created_at: datetime
    updated_at: datetime
    merged_at: datetime | None
    closed_at: datetime | None
    base_ref: str
    head_ref: str
    merge_commit_sha: str | None
    labels: tuple[str, ...]
    closes: tuple[int, ...]
    references: tuple[int, ...]
    url: str


@dataclass(frozen=True)
class PullCommit:
    """A commit of a pull request, as GitHub lists it (``pulls/{n}/commits``)."""

    repo_id: int
    number: int
    sha: str


@dataclass(frozen=True)
class Review:
    """A submitted review (``pulls/{n}/reviews``): state APPROVED, CHANGES_REQUESTED or COMMENTED."""

    repo_id: int
    number: int
    review_id: int
    reviewer: str
    state: str
    submitted_at: datetime


@dataclass(frozen=True)
class ReviewRequest:
    """Someone asked to review a pull request, and when (``review_requested`` events of the issue
    timeline); ``requested_at`` is None when only the current request is known (``requested_reviewers``)."""

    repo_id: int
    number: int
    reviewer: str  # a login, or "team:slug" for a team
    requested_at: datetime | None


@dataclass(frozen=True)
class Issue:
    """An issue (pull requests, which the issues API also lists, are left out)."""

    repo_id: int
    number: int
    title: str
    body: str
    author: str
    state: str  # open | closed
    labels: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    url: str


@dataclass(frozen=True)
class Release:
    """A GitHub release (drafts included, marked)."""

    repo_id: int
    release_id: int
    tag: str
    name: str
    draft: bool
    prerelease: bool
    created_at: datetime
    published_at: datetime | None
    url: str


@dataclass(frozen=True)
class Deployment:
    """A GitHub deployment with its latest status (``deployments/{id}/statuses``, newest first):
    ``status`` success | failure | error | inactive | in_progress | queued | pending, or "" when none."""

    repo_id: int
    deployment_id: int
    sha: str
    ref: str
    environment: str
    created_at: datetime
    status: str
    status_at: datetime | None


@dataclass(frozen=True)
class SyncState:
    """Where the last sync of one endpoint of one repository stopped: the newest ``updated_at`` seen
    and the ETag of the first page, so the next sync asks only for what changed."""

    repo_id: int
    endpoint: str  # pulls | issues | releases | deployments | ...
    full_name: str  # OWNER/NAME
    api_url: str
    since: datetime | None
    etag: str | None
    synced_at: datetime


# table -> (row type, key columns): saving a row replaces the stored row with the same key
TABLES: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "gh_pulls": (PullRequest, ("repo_id", "number")),
    "gh_pull_commits": (PullCommit, ("repo_id", "number", "sha")),
    "gh_reviews": (Review, ("repo_id", "number", "review_id")),
    "gh_review_requests": (ReviewRequest, ("repo_id", "number", "reviewer")),
    "gh_issues": (Issue, ("repo_id", "number")),
    "gh_releases": (Release, ("repo_id", "release_id")),
    "gh_deployments": (Deployment, ("repo_id", "deployment_id")),
    "gh_sync": (SyncState, ("repo_id", "endpoint")),
}

_SQL_TYPES = {
    "int": "BIGINT",
    "str": "VARCHAR",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMPTZ",
    "datetime | None": "TIMESTAMPTZ",
    "str | None": "VARCHAR",
    "tuple[str, ...]": "VARCHAR[]",
    "tuple[int, ...]": "BIGINT[]",
}

Row = TypeVar("Row")


def _columns(kind: type[Any]) -> list[tuple[str, str]]:
    return [(f.name, _SQL_TYPES[str(f.type)]) for f in fields(kind)]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the GitHub tables when they are missing (a workspace that never synced has none): one
    query when they are all there, as they are on every save after the first."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name IN (SELECT unnest(?))", [list(TABLES)]
    ).fetchone()
    if row and row[0] == len(TABLES):
        return
    for table, (kind, _key) in TABLES.items():
        columns = ", ".join(f'"{name}" {sql}' for name, sql in _columns(kind))
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")


def synced_repos(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` a sync stored data for, in one query (an estate asks about every repository)."""
    if not ids or not _exists(con, "gh_sync"):
        return set()
    rows = con.execute(
        "SELECT DISTINCT repo_id FROM gh_sync WHERE list_contains(?, repo_id)", [list(ids)]
    ).fetchall()
    return {int(r[0]) for r in rows}


def has_github_data(con: duckdb.DuckDBPyConnection, repo_id: int | None = None) -> bool:
    """Whether any sync stored data (for ``repo_id``, or at all): reports say "no GitHub data" otherwise."""
    if not _exists(con, "gh_sync"):
        return False
    where, args = ("WHERE repo_id = ?", [repo_id]) if repo_id is not None else ("", [])
    row = con.execute(f"SELECT count(*) FROM gh_sync {where}", args).fetchone()
    return bool(row and row[0])


def save(con: duckdb.DuckDBPyConnection, rows: Sequence[Any]) -> int:
    """Store ``rows`` (all of one type from :data:`TABLES`), replacing rows with the same key; the count.

    Call it inside the caller's transaction: a sync that stops halfway keeps every page it committed.
    """
    if not rows:
        return 0
    table, key = table_of(type(rows[0]))
    ensure_schema(con)
    names = [f'"{f.name}"' for f in fields(type(rows[0]))]  # quoted: "references" is an SQL word
    values = [_sql_values(r) for r in rows]
    keys = [tuple(getattr(r, k) for k in key) for r in rows]
    match = " AND ".join(f'"{k}" = ?' for k in key)
    con.executemany(f"DELETE FROM {table} WHERE {match}", keys)
    con.executemany(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", values
    )
    return len(rows)


def load(con: duckdb.DuckDBPyConnection, kind: type[Row], repo_id: int | None = None) -> list[Row]:
    """Every stored row of ``kind`` (for ``repo_id``, or all), in key order; [] before any sync."""
    table, key = table_of(kind)
    if not _exists(con, table):
        return []
    names = [f'"{f.name}"' for f in fields(kind)]  # type: ignore[arg-type]
    where, args = ("WHERE repo_id = ?", [repo_id]) if repo_id is not None else ("", [])
    rows = con.execute(f"SELECT {', '.join(names)} FROM {table} {where} ORDER BY {', '.join(key)}", args)
    return [kind(*_python_values(kind, row)) for row in rows.fetchall()]


def table_of(kind: type[Any]) -> tuple[str, tuple[str, ...]]:
    """The table of a row type and its key columns."""
    for table, (row_type, key) in TABLES.items():
        if row_type is kind:
            return table, key
    raise TypeError(f"{kind.__name__} is not a GitHub row type")


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()
    return bool(row and row[0])


def _sql_values(row: Any) -> list[Any]:
    return [list(v) if isinstance(v, tuple) else v for v in astuple(row)]


def _python_values(kind: type[Any], row: Iterable[Any]) -> list[Any]:
    out = []
    for f, value in zip(fields(kind), row, strict=True):
        out.append(tuple(value or ()) if str(f.type).startswith("tuple") else value)
    return out
