"""Hotspots: change frequency x indentation complexity, on a repository built to have one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpto.heartbeat.hotspots import hotspots, indentation_complexity
from cpto.history import store
from cpto.history.indexer import index_repository

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NESTED = "def f(x):\n    if x:\n        for y in x:\n            pass  # TODO speed\n"  # 0 + 1 + 2 + 3


def test_indentation_complexity_counts_levels_of_non_blank_lines():
    assert indentation_complexity(NESTED) == 6
    assert indentation_complexity("a\n\n\tb\n") == 1


def test_the_often_changed_nested_file_is_the_hotspot_and_tests_are_not_code(make_repo, tmp_path):
    repo = make_repo()
    for n in range(3):
        repo.commit(
            f"change {n}", {"app/core.py": NESTED + f"# {n}\n", "tests/test_core.py": NESTED + f"# {n}\n"}
        )
    repo.commit("flat", {"app/flat.py": "a = 1\nb = 2\n"})
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        spots = hotspots(con, 1, repo.path, T0, T0 + timedelta(days=7))
    assert [(h.path, h.commits, h.complexity, h.score) for h in spots] == [
        ("app/core.py", 3, 6, 18),
        ("app/flat.py", 1, 0, 0),
    ]
    assert (
        spots[0].why
        == "3 commits; indentation complexity 6; 100% of its changes by dana@acme.example; 1 TODO/FIXME/HACK"
    )
