"""The heartbeat's alarms from the thresholds in cpto.toml, on a repository whose debt grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpto.heartbeat.views import alarms
from cpto.heartbeat.week import heartbeat
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.workspace import load_workspace

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
WEEK = timedelta(days=7)


def growing_hotspot(repo, weeks: int, message: str = "feat: more rules") -> None:
    """One commit a week to the same file, each nesting it one level deeper."""
    for n in range(weeks):
        repo._clock = int((MONDAY + n * WEEK).timestamp()) + 3600
        body = (
            "".join("    " * level + f"if x{level}:\n" for level in range(n + 2))
            + "    " * (n + 2)
            + "pass\n"
        )
        repo.commit(message, {"billing/dunning.py": body})


def beat_of(repo, tmp_path, toml: str, week: int):
    (repo.path / "cpto.toml").write_text(toml)
    config = load_workspace(repo.path)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        return heartbeat(con, 1, config, [], [], MONDAY + week * WEEK)


def test_debt_alarm_when_paydown_stays_under_the_floor_while_hotspots_grow(make_repo, tmp_path):
    repo = make_repo()
    growing_hotspot(repo, 4)
    beat = beat_of(repo, tmp_path, "[alarms]\ndebt_floor = '10%'\ndebt_weeks = 3\n", week=3)
    assert [w.hotspot_complexity for w in beat.debt][-4:] == [3, 6, 10, 15]
    assert any("debt paydown under 10%" in a and "3 -> 6 -> 10 -> 15" in a for a in alarms(beat))


def test_no_debt_alarm_when_the_team_pays_debt_down(make_repo, tmp_path):
    repo = make_repo()
    growing_hotspot(repo, 4, message="refactor: split the rules")
    beat = beat_of(repo, tmp_path, "[alarms]\ndebt_weeks = 3\n", week=3)
    assert not any("debt paydown" in a for a in alarms(beat))


def test_a_stricter_band_raises_a_delivery_alarm(make_repo, tmp_path):
    repo = make_repo()
    growing_hotspot(repo, 1)
    repo.git("tag", "v1")
    lenient = beat_of(repo, tmp_path, "", week=0)
    strict = beat_of(repo, tmp_path / "again", "[alarms]\ndeployment_frequency_band = 'elite'\n", week=0)
    assert lenient.delivery.bands()["deployment frequency"] == "high"
    assert not any("deployment frequency" in a for a in alarms(lenient))
    assert any("deployment frequency is in DORA's high band" in a for a in alarms(strict))
