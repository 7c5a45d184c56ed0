"""The heartbeat's alarms from the thresholds in cpto.toml, on a repository whose debt grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpto.heartbeat.views import alarms, breached, metrics
from cpto.heartbeat.week import heartbeat
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.records.alarms import alarms_folder, read_alarms
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
    strict = beat_of(repo, tmp_path / "again", "[alarms]\ndeployment_frequency_band = 'medium'\n", week=0)
    # one deploy in the five weeks shown: 0.2 a week, under once a month, whatever this week alone says
    assert (metrics(lenient)[0].text, metrics(lenient)[0].level) == ("1/week", "low")
    assert not any("deployment frequency" in a for a in alarms(lenient))
    assert any(
        "deployment frequency 1/week is in DORA's low level (the agreed floor is medium)" in a
        for a in breached(strict)
    )


def test_stop_cords_are_kept_whatever_the_week_and_counted_apart(make_repo, tmp_path):
    repo = make_repo()
    growing_hotspot(repo, 1)
    folder = repo.path / "alarms"
    folder.mkdir()
    today = MONDAY + 10 * WEEK  # long after the reported week
    for title, status in (("Checkout errors", "open"), ("Old worry", "cleared")):
        n = len(list(folder.iterdir())) + 1
        (folder / f"a{n}.md").write_text(
            f"---\nid: ALARM-{n}\ntitle: {title}\nstatus: {status}\nby: li\nraised: {today:%Y-%m-%dT%H:%MZ}\n---\n"
        )
    config = load_workspace(repo.path)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        beat = heartbeat(con, 1, config, [], [], MONDAY, read_alarms(alarms_folder(config)))
    assert [a.id for a in beat.pulled] == ["ALARM-1"]
    assert alarms(beat)[0].startswith("STOP CORD ALARM-1: Checkout errors")
    assert not any("STOP CORD" in b for b in breached(beat))
