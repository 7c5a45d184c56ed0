"""Where effort went, on a repository whose commits' buckets are known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpto.heartbeat.allocation import allocation
from cpto.history import store
from cpto.history.indexer import index_repository

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_commits_lines_and_people_weeks_per_bucket(make_repo, tmp_path, monkeypatch):
    repo = make_repo()
    repo.commit("feat: cart", {"api/cart.py": "a\nb\nc\n"})  # dana: 3 lines
    repo.commit("fix: empty cart", {"api/cart.py": "a\nb\nd\n"})  # dana: 2 lines
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "li@acme.example")
    repo.commit("Explain the cart", {"docs/cart.md": "# Cart\n"})  # li: docs only, 1 line
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        effort = allocation(con, 1, T0, T0 + timedelta(days=7))
        empty = allocation(con, 1, T0 + timedelta(days=7), T0 + timedelta(days=14))
    assert (effort.commits["feature"], effort.commits["fix"], effort.commits["other"]) == (1, 1, 1)
    assert (effort.lines["feature"], effort.lines["fix"], effort.lines["other"]) == (3, 2, 1)
    assert effort.people_weeks == {"feature": 0.5, "fix": 0.5, "debt": 0.0, "infra": 0.0, "other": 1.0}
    assert effort.shares("commits")["other"] == 0.333 and empty.shares("commits")["feature"] == 0.0
