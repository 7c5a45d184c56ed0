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


def test_effort_per_team_and_per_work_item_adds_up_to_the_week(make_repo, tmp_path, monkeypatch):
    from cpto.heartbeat.work import STRANGER, team_labeller
    from cpto.records.people import People, Person

    repo = make_repo()
    first = repo.commit("feat: cart", {"api/cart.py": "a\nb\nc\n"})  # dana, checkout team
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bot@ci.example")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Renovate")
    repo.commit("chore(deps): bump", {"requirements.txt": "x==2\n"})  # nobody in people.yaml
    people = People(tmp_path / "people.yaml", [Person("dana", "Dana K", "engineering", team="checkout")])
    serves = {first: ["Checkout v2", "Saved cards"]}  # one commit, two PRDs: half each
    axes = {
        "team": team_labeller(people),
        "prd": lambda sha, _email, _name: serves.get(sha, ["(no requirement)"]),
    }
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        effort = allocation(con, 1, T0, T0 + timedelta(days=7), axes)
    teams = effort.by["team"]
    assert teams["checkout"].commits["feature"] == 1 and teams[STRANGER].commits["infra"] == 1
    prds = effort.by["prd"]
    assert prds["Checkout v2"].commits["feature"] == 0.5 and prds["Saved cards"].lines == 1.5
    assert sum(s.total for s in prds.values()) == sum(effort.commits.values()) == 2
