"""The server's weekly snapshot: taken once per week as ``cpto snapshot`` takes it, cheap when there."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from tests.cli.test_cli import assert_clean_error, cpto
from tests.conftest import Repo

from cpto.errors import CptoError
from cpto.snapshot.auto import ensure_weekly_snapshot, last_full_week
from cpto.snapshot.figures import COMMITS, Figure
from cpto.snapshot.store import Snapshot, load, save, snapshots_path
from cpto.workspace import load_workspace

WED_W47 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # in 2026-W47: the last full week is 2026-W46


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("autodemo") / "acme"
    assert cpto("demo", str(path)).returncode == 0
    return path


def _rows(path: Path, week: str) -> tuple[int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(
            "SELECT count(*), count(DISTINCT taken_at) FROM snapshots WHERE week = ?", [week]
        ).fetchone()
    finally:
        con.close()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def test_first_call_takes_the_last_full_week_as_cpto_snapshot_does_then_nothing(demo):
    config = load_workspace(demo)
    path = snapshots_path(config)
    taken = ensure_weekly_snapshot(config, WED_W47)
    assert taken is not None and taken.week == "2026-W46"
    stored = load(path, "2026-W46")
    assert stored is not None and stored.figures == taken.figures
    # the same figures as the command's, which now runs the same code (the review's counts included)
    proc = cpto("snapshot", "-w", str(demo), "--week", "2026-W46", "--quiet")
    assert proc.returncode == 0, proc.stderr
    by_cli = {
        (f["name"], f["subject"]): (f["value"], f["detail"]) for f in json.loads(proc.stdout)["figures"]
    }
    assert by_cli == {(f.name, f.subject): (f.value, f.detail) for f in taken.figures}
    assert any(f.subject for f in taken.figures)
    count, times = _rows(path, "2026-W46")
    assert ensure_weekly_snapshot(config, WED_W47) is None
    assert _rows(path, "2026-W46") == (count, times) == (len(taken.figures), 1)


def test_a_second_call_is_one_small_read_and_leaves_the_index_alone(demo):
    config = load_workspace(demo)
    ensure_weekly_snapshot(config, WED_W47)
    index = config.index_path.stat().st_mtime_ns
    started = time.perf_counter()
    for _ in range(10):
        assert ensure_weekly_snapshot(config, WED_W47) is None
    # one read of a small file: well under a second even on a loaded machine (taking the week costs seconds)
    assert (time.perf_counter() - started) / 10 < 0.5
    assert config.index_path.stat().st_mtime_ns == index


def test_the_week_follows_the_workspace_time_zone(demo):
    config = load_workspace(demo)
    sunday_utc = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)  # Monday 00:30 of 2026-W48 in Tokyo
    assert last_full_week(replace(config, zone=UTC), sunday_utc) == "2026-W46"
    assert last_full_week(replace(config, zone=ZoneInfo("Asia/Tokyo")), sunday_utc) == "2026-W47"


def test_the_lock_is_held_while_taking_and_released_after(demo):
    config = load_workspace(demo)
    lock = threading.Lock()
    seen: list[bool] = []

    class Watching:
        def __enter__(self) -> None:
            lock.acquire()

        def __exit__(self, *exc: object) -> None:
            seen.append(lock.locked())
            lock.release()

    ensure_weekly_snapshot(config, datetime(2026, 11, 11, tzinfo=UTC), lock=Watching())
    assert seen == [True] and not lock.locked()
    assert load(snapshots_path(config), "2026-W45") is not None


def test_a_failed_write_leaves_the_weeks_figures_as_they_were(tmp_path):
    path = tmp_path / ".cpto" / "snapshots.duckdb"
    first = Snapshot("2026-W40", datetime(2026, 10, 5, tzinfo=UTC), [Figure(COMMITS, 3.0, "3")])
    assert save(path, first)
    twice = [Figure(COMMITS, 4.0, "4"), Figure(COMMITS, 5.0, "5")]  # the same key twice: the insert fails
    with pytest.raises(CptoError, match="snapshots"):
        save(path, Snapshot("2026-W40", datetime(2026, 10, 6, tzinfo=UTC), twice))
    assert load(path, "2026-W40") == first
    # and the server's save never replaces a week that is there
    assert not save(path, Snapshot("2026-W40", first.taken_at, [Figure(COMMITS, 9.0, "9")]), replace=False)
    assert load(path, "2026-W40") == first


def _commit(repo: Repo, when: str, message: str) -> None:
    """A commit at ``when`` (ISO), through the git CLI."""
    stamp = int(datetime.fromisoformat(when).timestamp())
    repo._clock = stamp - 3600
    repo.commit(message, {f"{message.replace(' ', '_')}.txt": message})


def test_a_plain_git_repository_gets_its_weekly_snapshot(make_repo):
    repo: Repo = make_repo("plain")
    _commit(repo, "2026-11-10T10:00:00+00:00", "feat one")
    _commit(repo, "2026-11-11T10:00:00+00:00", "feat two")
    repo.git("tag", "v1.0.0")
    config = load_workspace(repo.path)
    taken = ensure_weekly_snapshot(config, WED_W47.replace(day=17))
    assert taken is not None and taken.week == "2026-W46"
    commits = taken.get(COMMITS)
    assert commits is not None and commits.value == 2
    assert (repo.path / ".cpto" / "snapshots.duckdb").exists()
    assert ensure_weekly_snapshot(config, WED_W47) is None


def test_a_workspace_without_repositories_is_one_clean_error(tmp_path):
    (tmp_path / "cpto.toml").write_text('[workspace]\nname = "empty"\nrepos = []\n')
    proc = cpto("snapshot", "-w", str(tmp_path), "--quiet")
    if proc.returncode == 0:
        pytest.skip("this workspace layout reads the folder itself as a repository")
    assert_clean_error(proc, str(tmp_path))
    with pytest.raises(CptoError):
        ensure_weekly_snapshot(load_workspace(tmp_path), WED_W47)
    assert not snapshots_path(load_workspace(tmp_path)).exists()
