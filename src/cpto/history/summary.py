"""A short summary of what the index holds: who changed what, where, and how fast.

It is the first thing a CPTO sees of a workspace and a check that the index is sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb


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
    incomplete_commits: int


@dataclass(frozen=True)
class WeekActivity:
    week: date
    commits: int
    authors: int
    lines_changed: int


@dataclass(frozen=True)
class AreaActivity:
    area: str
    commits: int
    lines_added: int
    lines_deleted: int
    authors: int


@dataclass(frozen=True)
class AuthorActivity:
    name: str
    email: str
    commits: int
    lines_changed: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class Release:
    tag: str
    sha: str
    date: datetime


@dataclass(frozen=True)
class HistorySummary:
    people: int
    repos: list[RepoSummary]
    weeks: list[WeekActivity]
    areas: list[AreaActivity]
    authors: list[AuthorActivity]
    releases: list[Release]


def summarize(con: duckdb.DuckDBPyConnection, *, weeks: int = 12, top: int = 8) -> HistorySummary:
    """Summarize the whole index: per repository, the last ``weeks`` weeks, the ``top`` areas and people."""
    people = con.execute("SELECT count(DISTINCT lower(author_email)) FROM commits").fetchone()
    return HistorySummary(
        people=int(people[0]) if people else 0,
        repos=_repos(con),
        weeks=_weeks(con, weeks),
        areas=_areas(con, top),
        authors=_authors(con, top),
        releases=_releases(con, top),
    )


def _repos(con: duckdb.DuckDBPyConnection) -> list[RepoSummary]:
    rows = con.execute(
        """
        SELECT r.path, count(c.sha), count(c.sha) FILTER (len(c.parents) > 1),
               count(DISTINCT lower(c.author_email)), min(c.author_time), max(c.author_time),
               (SELECT count(*) FROM refs f WHERE f.repo_id = r.repo_id AND f.kind = 'branch'),
               (SELECT count(*) FROM refs f WHERE f.repo_id = r.repo_id AND f.kind = 'tag'),
               coalesce(r.shallow, false), count(c.sha) FILTER (NOT c.diff_complete)
        FROM repos r LEFT JOIN commits c USING (repo_id)
        GROUP BY r.repo_id, r.path, r.shallow ORDER BY r.path
        """
    ).fetchall()
    return [RepoSummary(*row) for row in rows]


def _weeks(con: duckdb.DuckDBPyConnection, weeks: int) -> list[WeekActivity]:
    rows = con.execute(
        """
        WITH latest AS (SELECT max(author_time) AS t FROM commits)
        SELECT date_trunc('week', c.author_time)::DATE AS week, count(*),
               count(DISTINCT lower(c.author_email)), sum(c.added + c.deleted)::BIGINT
        FROM commits c, latest
        WHERE c.author_time > latest.t - to_weeks(?)
        GROUP BY week ORDER BY week
        """,
        [weeks],
    ).fetchall()
    return [WeekActivity(*row) for row in rows]


def _areas(con: duckdb.DuckDBPyConnection, top: int) -> list[AreaActivity]:
    rows = con.execute(
        """
        SELECT CASE WHEN contains(f.path, '/') THEN split_part(f.path, '/', 1) || '/' ELSE '(root)' END AS area,
               count(DISTINCT f.sha), sum(coalesce(f.added, 0))::BIGINT, sum(coalesce(f.deleted, 0))::BIGINT,
               count(DISTINCT lower(c.author_email))
        FROM file_changes f JOIN commits c USING (repo_id, sha)
        GROUP BY area ORDER BY 2 DESC, 1 LIMIT ?
        """,
        [top],
    ).fetchall()
    return [AreaActivity(*row) for row in rows]


def _authors(con: duckdb.DuckDBPyConnection, top: int) -> list[AuthorActivity]:
    rows = con.execute(
        """
        SELECT arg_max(author_name, author_time), lower(author_email), count(*),
               sum(added + deleted)::BIGINT, min(author_time), max(author_time)
        FROM commits GROUP BY lower(author_email) ORDER BY 3 DESC, 2 LIMIT ?
        """,
        [top],
    ).fetchall()
    return [AuthorActivity(*row) for row in rows]


def _releases(con: duckdb.DuckDBPyConnection, top: int) -> list[Release]:
    rows = con.execute(
        """
        SELECT f.name, f.sha, coalesce(f.tagger_time, c.committer_time) AS t
        FROM refs f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
        WHERE f.kind = 'tag' ORDER BY t DESC, f.name DESC LIMIT ?
        """,
        [top],
    ).fetchall()
    return [Release(*row) for row in rows]


def author_totals(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int]]:
    """Every git identity of the index: (email, latest name, non-merge commits, changed lines)."""
    rows = con.execute(
        """
        SELECT lower(author_email), arg_max(author_name, author_time), count(*), sum(added + deleted)::BIGINT
        FROM commits WHERE len(parents) <= 1 GROUP BY lower(author_email) ORDER BY 3 DESC, 1
        """
    ).fetchall()
    return [(str(r[0] or ""), str(r[1] or ""), int(r[2]), int(r[3] or 0)) for r in rows]


def find_change(con: duckdb.DuckDBPyConnection, ref: str) -> tuple[str, datetime] | None:
    """The commit an incident's ``caused_by`` names (a tag, or a full or abbreviated SHA) and its time."""
    row = con.execute(
        """
        SELECT c.sha, c.committer_time FROM refs f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
        WHERE f.kind = 'tag' AND f.name = ? LIMIT 1
        """,
        [ref],
    ).fetchone()
    if row is None and len(ref) >= 7 and all(ch in "0123456789abcdef" for ch in ref.lower()):
        rows = con.execute(
            "SELECT sha, committer_time FROM commits WHERE sha LIKE ? LIMIT 2", [ref.lower() + "%"]
        ).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return (str(row[0]), row[1]) if row else None
