"""The tech-debt trend, on a repository whose markers, complexity and test changes are known per week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpto.heartbeat.debt import complexity_grew, debt_trend
from cpto.history import store
from cpto.history.indexer import index_repository

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # ISO week 2026-W02
WEEK = timedelta(days=7)


def nested(depth: int) -> str:
    """Python whose indentation complexity is 0 + 1 + ... + depth (comments at the margin add 0)."""
    return "".join("    " * level + f"if x{level}:\n" for level in range(depth)) + "    " * depth + "pass\n"


def test_markers_complexity_and_test_ratio_per_week(make_repo, tmp_path):
    repo = make_repo()
    weeks = []
    for n, depth in enumerate((2, 3, 4)):  # the hotspot grows every week, and gains a TODO
        repo._clock = int((MONDAY + n * WEEK).timestamp()) + 3600
        code = nested(depth) + "# TODO: split\n" * (n + 1)
        repo.commit(f"feat: step {n}", {"billing/dunning.py": code, "docs/guide.md": f"TODO {n}\n"})
        repo.commit("test: cover it", {"tests/test_dunning.py": "assert True\n" * (n + 1)})
        weeks.append((f"W{n}", MONDAY + n * WEEK, MONDAY + (n + 1) * WEEK))
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        trend = debt_trend(con, 1, repo.path, weeks, {"billing/dunning.py"})
    assert [w.markers for w in trend] == [1, 2, 3]  # docs' TODOs are not code
    assert [w.hotspot_complexity for w in trend] == [0 + 1 + 2, 0 + 1 + 2 + 3, 0 + 1 + 2 + 3 + 4]
    assert complexity_grew(trend, 2) and not complexity_grew(trend, 3)  # three rises need four weeks
    first = trend[0]
    assert (first.code_lines, first.test_lines, first.test_ratio) == (4, 1, 0.25)


def test_a_week_before_the_first_commit_has_no_stock(make_repo, tmp_path):
    repo = make_repo()
    repo._clock = int((MONDAY + WEEK).timestamp())
    repo.commit("feat: start", {"app.py": "x = 1\n"})
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        trend = debt_trend(con, 1, repo.path, [("before", MONDAY, MONDAY + WEEK)], {"app.py"})
    assert (trend[0].markers, trend[0].hotspot_complexity, trend[0].test_ratio) == (None, None, None)
