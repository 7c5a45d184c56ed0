"""Tech debt over the weeks: markers left in the code, the hotspots' complexity, and test changes.

Each week is read as the code stood at its end (the newest commit before it on HEAD). Files are read
once per version: a blob id seen in an earlier week is not read again, so five weeks of a large
repository cost about one full read plus what changed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import duckdb

from cpto.heartbeat.classify import TEST_PATH
from cpto.heartbeat.hotspots import MARKERS, indentation_complexity, is_code
from cpto.history.git import LINES_PENDING, commit_before, read_tree_files


@dataclass(frozen=True)
class DebtWeek:
    """One week's debt signals: stock at the week's end, flow during it."""

    week: str
    markers: int | None  # TODO/FIXME/HACK/XXX in code files at the week's end (None: no commit yet)
    hotspot_complexity: int | None  # indentation complexity of the current hotspots at the week's end
    test_lines: int  # lines changed in tests during the week
    code_lines: int  # lines changed in product code during the week
    # Test and code file changes of the week whose commits wait for their line counts (a first-phase
    # index): the two line figures leave them out, so while > 0 they are partial and the ratio unknown.
    pending: int = 0

    @property
    def test_ratio(self) -> float | None:
        """Changed test lines per changed code line: under ~0.3 code is changing without its tests."""
        if self.pending:
            return None
        return round(self.test_lines / self.code_lines, 2) if self.code_lines else None


def debt_trend(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    repo: Path,
    weeks: list[tuple[str, datetime, datetime]],
    hotspot_paths: Collection[str],
    *,
    exclude: frozenset[str] = frozenset(),
    stock: bool = True,
    changed: list[tuple[datetime, str, int | None, bool]] | None = None,
) -> list[DebtWeek]:
    """The debt signals of each (name, start, end) week, oldest first. ``stock`` False: only the flow
    (lines changed in tests and code, from the index), without reading the code at each week's end
    (markers and complexity then None): what an estate reads for repositories without a top hotspot."""
    seen: dict[str, tuple[int, int]] = {}  # blob id -> (markers, indentation complexity)
    if changed is None:  # an estate passes each repository's rows of changed_lines_of, read at once
        changed = _changed_lines(con, repo_id, weeks[0][1], weeks[-1][2], exclude) if weeks else []
    out = []
    for name, start, end in weeks:
        markers, complexity = _stock(repo, end, hotspot_paths, exclude, seen) if stock else (None, None)
        test = sum(n or 0 for when, _, n, is_test in changed if start <= when < end and is_test)
        code = sum(n or 0 for when, _, n, is_test in changed if start <= when < end and not is_test)
        waiting = sum(n is None for when, _, n, _ in changed if start <= when < end)
        out.append(DebtWeek(name, markers, complexity, test, code, waiting))
    return out


def complexity_grew(weeks: list[DebtWeek], steps: int) -> bool:
    """Whether the hotspots' complexity rose in each of the last ``steps`` weeks."""
    values = [w.hotspot_complexity for w in weeks[-(steps + 1) :]]
    known = [v for v in values if v is not None]
    if len(known) < steps + 1:
        return False
    return all(b > a for a, b in pairwise(known))


def _stock(
    repo: Path,
    end: datetime,
    hotspot_paths: Collection[str],
    exclude: frozenset[str],
    seen: dict[str, tuple[int, int]],
) -> tuple[int | None, int | None]:
    rev = commit_before(repo, end)
    if rev is None:
        return None, None
    code = []
    for f in read_tree_files(repo, rev, wanted=lambda p, o: o not in seen and is_code(p, exclude)):
        if f.text is not None:
            seen[f.object] = (len(MARKERS.findall(f.text)), indentation_complexity(f.text))
        if f.object in seen and is_code(f.path, exclude):
            code.append((f.path, seen[f.object]))
    markers = sum(m for _, (m, _) in code)
    complexity = sum(c for path, (_, c) in code if path in hotspot_paths)
    return markers, complexity


def _changed_lines(
    con: duckdb.DuckDBPyConnection, repo_id: int, start: datetime, end: datetime, exclude: frozenset[str]
) -> list[tuple[datetime, str, int | None, bool]]:
    """(when, path, changed lines, is a test) for every test or code file changed in [start, end); the
    lines are None for a change whose commit waits for its line counts."""
    return changed_lines_of(con, [repo_id], start, end, {repo_id: exclude}).get(repo_id, [])


def changed_lines_of(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[int],
    start: datetime,
    end: datetime,
    excludes: Mapping[int, frozenset[str]],
) -> dict[int, list[tuple[datetime, str, int | None, bool]]]:
    """:func:`_changed_lines` of several repositories in one query (an estate: one query, not one per
    repository), by repository id."""
    rows = con.execute(
        """
        WITH pending AS (SELECT DISTINCT repo_id, sha FROM problems WHERE problem = ?)
        SELECT f.repo_id, c.committer_time, f.path,
               CASE WHEN w.sha IS NULL THEN coalesce(f.added + f.deleted, 0) END
        FROM file_changes f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
             LEFT JOIN pending w ON w.repo_id = f.repo_id AND w.sha = f.sha
        WHERE list_contains(?, f.repo_id) AND c.committer_time >= ? AND c.committer_time < ?
          AND NOT f."binary" AND len(c.parents) <= 1
        ORDER BY f.repo_id, c.committer_time, f.path
        """,
        [LINES_PENDING, list(ids), start, end],
    ).fetchall()
    out: dict[int, list[tuple[datetime, str, int | None, bool]]] = {}
    for repo_id, when, path, n in rows:
        is_test = bool(TEST_PATH.search(str(path)))
        if is_test or is_code(str(path), excludes.get(int(repo_id), frozenset())):
            out.setdefault(int(repo_id), []).append((when, str(path), None if n is None else int(n), is_test))
    return out
