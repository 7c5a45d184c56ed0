"""Tech-debt hotspots, as in Tornhill's method: code that changes often and is hard to change.

Change frequency comes from the history index (commits touching a file in the last weeks); complexity
from the file's text at HEAD, measured as indentation complexity (the sum of leading indentation levels
over its non-blank lines), which tracks cyclomatic complexity closely and reads every language alike.
Knowledge concentration is the share of the file's changed lines written by its top author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from cpto.heartbeat.classify import DOC_PATH, INFRA_PATH, TEST_PATH
from cpto.history.git import read_tree_files

MARKERS = re.compile(r"\b(TODO|FIXME|HACK|XXX)\b")


@dataclass(frozen=True)
class Hotspot:
    path: str
    commits: int
    complexity: int
    score: int
    top_author: str
    top_share: float
    markers: int

    @property
    def why(self) -> str:
        parts = [f"{self.commits} commits", f"indentation complexity {self.complexity}"]
        if self.top_share >= 0.8:
            parts.append(f"{self.top_share:.0%} of its changes by {self.top_author}")
        if self.markers:
            parts.append(f"{self.markers} TODO/FIXME/HACK")
        return "; ".join(parts)


def is_code(path: str, exclude: frozenset[str] = frozenset()) -> bool:
    """Product code, as opposed to tests, docs, build and CI files, and the leadership records."""
    return path not in exclude and not any(p.search(path) for p in (TEST_PATH, DOC_PATH, INFRA_PATH))


def indentation_complexity(text: str, tab: int = 4) -> int:
    """Sum over non-blank lines of their indentation level (a tab or four spaces is one level)."""
    total = 0
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        width = sum(tab if ch == "\t" else 1 for ch in line[: len(line) - len(stripped)])
        total += width // tab
    return total


def hotspots(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    repo: Path,
    since: datetime,
    until: datetime,
    *,
    top: int = 10,
    exclude: frozenset[str] = frozenset(),
) -> list[Hotspot]:
    """The ``top`` code files by commits in [since, until) x complexity at HEAD; tests, docs, build files
    and ``exclude`` (the workspace's records, as repository paths) are not code."""
    rows = con.execute(
        """
        SELECT f.path, count(DISTINCT c.sha) AS commits
        FROM file_changes f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
        WHERE f.repo_id = ? AND c.committer_time >= ? AND c.committer_time < ? AND NOT f."binary"
        GROUP BY f.path
        """,
        [repo_id, since, until],
    ).fetchall()
    changed = {str(path): int(n) for path, n in rows if is_code(str(path), exclude)}
    if not changed:
        return []
    owners = _owners(con, repo_id, list(changed))
    spots = []
    for file in read_tree_files(repo, wanted=lambda path, _obj: path in changed):
        if file.text is None:
            continue
        complexity = indentation_complexity(file.text)
        author, share = owners.get(file.path, ("", 0.0))
        commits = changed[file.path]
        spots.append(
            Hotspot(
                file.path,
                commits,
                complexity,
                commits * complexity,
                author,
                share,
                len(MARKERS.findall(file.text)),
            )
        )
    return sorted(spots, key=lambda h: (-h.score, h.path))[:top]


def _owners(con: duckdb.DuckDBPyConnection, repo_id: int, paths: list[str]) -> dict[str, tuple[str, float]]:
    """For each path, the author of most of its changed lines (all history) and their share."""
    rows = con.execute(
        """
        WITH lines AS (
            SELECT f.path, lower(c.author_email) AS author, sum(f.added + f.deleted) AS n
            FROM file_changes f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
            WHERE f.repo_id = ? AND list_contains(?, f.path)
            GROUP BY ALL
        )
        SELECT path, arg_max(author, n), max(n) / nullif(sum(n), 0) FROM lines GROUP BY path
        """,
        [repo_id, paths],
    ).fetchall()
    return {str(p): (str(a or ""), round(float(s or 0.0), 2)) for p, a, s in rows}
