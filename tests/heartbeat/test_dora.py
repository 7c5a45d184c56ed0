"""Delivery metrics on a hand-built repository whose answers are known: three deploys, one incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cpto.heartbeat.dora import frequency_band, repo_delivery
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.records.incidents import read_incident

T0 = datetime(2026, 1, 1, tzinfo=UTC)  # the test repository's clock starts here, one commit an hour


def incident(tmp_path: Path, caused_by: str, started: datetime, resolved: datetime) -> Path:
    path = tmp_path / "inc.md"
    path.write_text(
        f"---\nid: INC-1\nseverity: SEV1\ncaused_by: {caused_by}\n---\n## Timeline\n"
        f"- {started:%Y-%m-%d %H:%M} started: errors\n- {resolved:%Y-%m-%d %H:%M} resolved: fixed\n"
    )
    return path


def test_three_deploys_with_known_lead_times_and_one_failure(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})  # 01:00
    repo.commit("feat: b", {"b.py": "b"})  # 02:00
    repo.commit("feat: c", {"c.py": "c"})  # 03:00
    repo.git("tag", "v1.0")  # leads 2h, 1h, 0h
    culprit = repo.commit("feat: d", {"d.py": "d"})  # 04:00
    repo.commit("feat: e", {"e.py": "e"})  # 05:00
    repo.git("tag", "v1.1")  # leads 1h, 0h; d breaks production
    repo.commit("fix: d", {"d.py": "d2"})  # 06:00
    repo.git("tag", "v1.2")  # lead 0h; shipped while the incident was open
    broken = read_incident(
        incident(
            tmp_path, culprit[:10], T0 + timedelta(hours=5, minutes=30), T0 + timedelta(hours=6, minutes=30)
        )
    )
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        result = repo_delivery(con, 1, [broken], T0, T0 + timedelta(days=7))
    assert result.deploys == ["v1.0", "v1.1", "v1.2"]
    assert result.deploys_per_week == 3.0
    assert result.lead_time == timedelta(minutes=30)  # median of 2, 1, 0, 1, 0, 0 hours
    assert (result.failed, result.change_failure_rate) == (["v1.1"], 0.333)
    assert result.time_to_restore == timedelta(hours=1)
    assert (result.rework, result.rework_rate) == (["v1.2"], 0.333)
    assert result.bands() == {
        "deployment frequency": "high",
        "lead time for changes": "elite",
        "change failure rate": "low",
        "time to restore": "high",
    }


def test_a_tag_named_as_the_cause_fails_that_deploy_and_an_empty_window_measures_nothing(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})
    repo.git("tag", "v1.0")
    broken = read_incident(incident(tmp_path, "v1.0", T0 + timedelta(hours=2), T0 + timedelta(hours=3)))
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        assert repo_delivery(con, 1, [broken], T0, T0 + timedelta(days=7)).failed == ["v1.0"]
        later = repo_delivery(con, 1, [], T0 + timedelta(days=7), T0 + timedelta(days=14))
    assert (later.deploys, later.lead_time, later.change_failure_rate) == ([], None, None)
    assert later.bands()["lead time for changes"] == "" and frequency_band(0.5) == "medium"
