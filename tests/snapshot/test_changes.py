"""What moved most since the last snapshot: real weeks of a real git repository, and the honest edges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.cli.test_cli import cpto
from tests.conftest import Repo

from cpto.heartbeat.dora import LEAD_TIME, RECOVERY
from cpto.report.model import Report
from cpto.report.render import render_text
from cpto.snapshot.auto import ensure_weekly_snapshot, read_week
from cpto.snapshot.changes import (
    BETTER,
    NOW_KNOWN,
    NOW_UNKNOWN,
    UP,
    WORSE,
    changes,
    changes_table,
    home_table,
    latest_changes,
)
from cpto.snapshot.figures import COMMITS, STOP_CORDS, Figure
from cpto.snapshot.store import Snapshot, latest, snapshots_path
from cpto.workspace import load_workspace

T = datetime(2026, 11, 9, tzinfo=UTC)


def _snap(week: str, *figures: Figure) -> Snapshot:
    return Snapshot(week, T, list(figures))


def _commit(repo: Repo, when: str, name: str) -> None:
    repo._clock = int(datetime.fromisoformat(when).timestamp()) - 3600
    repo.commit(f"feat: {name}", {f"{name}.txt": name})


def test_no_snapshot_yet_says_how_to_get_one():
    found = changes([Figure(COMMITS, 3.0, "3")], None)
    assert found.since is None and not found.changes
    assert "no snapshot yet" in found.reason and "cpto snapshot" in found.reason
    week, none = latest_changes([])
    assert week is None and none.reason == found.reason
    week, one = latest_changes([_snap("2026-W44", Figure(COMMITS, 1.0, "1"))])
    assert week == "2026-W44" and "one snapshot so far" in one.reason


def test_unknown_stays_unknown_never_a_move_from_zero():
    was = _snap(
        "2026-W44",
        Figure(LEAD_TIME, 26.0, "1d 2h"),
        Figure(RECOVERY, None, "unknown: no incident records"),
        Figure(COMMITS, 4.0, "4"),
    )
    now = [
        Figure(LEAD_TIME, None, "unknown: no deploy in this window"),
        Figure(RECOVERY, 3.0, "3h 00m"),
        Figure(COMMITS, 4.0, "4"),
        Figure(STOP_CORDS, 1.0, "ALARM-1"),  # the snapshot lacks it: not compared
    ]
    found = {c.name: c for c in changes(now, was).changes}
    assert set(found) == {LEAD_TIME, RECOVERY}
    lead = found[LEAD_TIME]
    assert (lead.was, lead.now, lead.direction) == ("1d 2h", "unknown: no deploy in this window", NOW_UNKNOWN)
    assert found[RECOVERY].was == "unknown: no incident records" and found[RECOVERY].direction == NOW_KNOWN
    both = changes(
        [Figure(RECOVERY, None, "unknown: a")], _snap("2026-W44", Figure(RECOVERY, None, "unknown: b"))
    )
    assert not both.changes and "nothing moved" in both.reason and both.unknown == [RECOVERY]
    caption = changes_table("2026-W45", both).caption
    assert "nothing moved" in caption and f"unknown then and now: {RECOVERY}" in caption


def test_ranked_by_size_against_what_was_with_a_direction_and_a_reason():
    was = _snap(
        "2026-W44", Figure(LEAD_TIME, 10.0, "10h"), Figure(COMMITS, 10.0, "10"), Figure(STOP_CORDS, 0.0, "")
    )
    now = [
        Figure(LEAD_TIME, 40.0, "1d 16h"),
        Figure(COMMITS, 12.0, "12"),
        Figure(STOP_CORDS, 2.0, "A-1, A-2"),
    ]
    found = changes(now, was, top=2)
    assert [(c.name, c.direction) for c in found.changes] == [(LEAD_TIME, WORSE), (STOP_CORDS, WORSE)]
    assert found.more == 1 and all(c.why for c in found.changes)
    assert changes([Figure(COMMITS, 12.0, "12")], was).changes[0].direction == UP


def test_a_prds_status_counts_are_one_change():
    def prd(shipped: float, progress: float) -> list[Figure]:
        detail = "Checkout <b>: of 4 requirements"
        return [
            Figure("shipped", shipped, detail, "prds/checkout.md"),
            Figure("in_progress", progress, detail, "prds/checkout.md"),
            Figure("unclear", 0.0, detail, "prds/checkout.md"),
            Figure("not_started", 4.0 - shipped - progress, detail, "prds/checkout.md"),
        ]

    found = changes(prd(3.0, 1.0), _snap("2026-W44", *prd(1.0, 2.0)))
    (only,) = found.changes
    assert only.name == "Checkout <b>" and only.direction == BETTER and only.size == 2
    assert (only.was, only.now) == (
        "1 shipped, 2 in progress, 1 not started of 4",
        "3 shipped, 1 in progress of 4",
    )
    page = render_text(Report("Home", tables=[changes_table("2026-W45", found)]), "html")
    assert "Checkout &lt;b&gt;" in page and "Checkout <b>" not in page
    assert "Changes in 2026-W45, against the snapshot of 2026-W44" in page


def test_two_weeks_of_a_real_repository(make_repo):
    repo: Repo = make_repo("shop")
    _commit(repo, "2026-11-03T10:00:00+00:00", "one")
    repo.git("tag", "v1.0.0")
    for day, name in ((10, "two"), (11, "three"), (12, "four")):
        _commit(repo, f"2026-11-{day}T10:00:00+00:00", name)
        repo.git("tag", f"v1.0.{day}")
    config = load_workspace(repo.path)
    first = ensure_weekly_snapshot(config, datetime(2026, 11, 11, tzinfo=UTC))  # takes 2026-W45
    second = ensure_weekly_snapshot(config, datetime(2026, 11, 18, tzinfo=UTC))  # takes 2026-W46
    assert first is not None and second is not None and (first.week, second.week) == ("2026-W45", "2026-W46")
    week, found = latest_changes(latest(snapshots_path(config)))
    assert week == "2026-W46" and found.since == "2026-W45"
    moved = {c.name: c for c in found.changes}
    assert moved[COMMITS].was == "1" and moved[COMMITS].now == "3" and moved[COMMITS].direction == UP
    assert moved["deployment frequency"].direction == BETTER
    # a week being read compares the same way as its stored snapshot
    live = changes(read_week(config, "2026-W46", datetime(2026, 11, 18, tzinfo=UTC)), first)
    assert live.changes == found.changes


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chdemo") / "acme"
    assert cpto("demo", str(path)).returncode == 0
    return path


def test_home_table_says_there_is_no_snapshot_yet(tmp_path):
    (tmp_path / "cpto.toml").write_text('[workspace]\nname = "w"\n')
    table = home_table(load_workspace(tmp_path))
    assert not table.rows and "no snapshot yet" in table.caption


def test_the_demo_between_two_snapshots(demo):
    for week in ("2026-W45", "2026-W46"):
        assert cpto("snapshot", "-w", str(demo), "--week", week, "--quiet").returncode == 0
    week, found = latest_changes(latest(snapshots_path(load_workspace(demo))))
    assert week == "2026-W46" and found.since == "2026-W45"
    assert found.changes and all(c.was != c.now for c in found.changes)
    assert all("unknown" not in c.was or c.direction == NOW_KNOWN for c in found.changes)
    assert home_table(load_workspace(demo)).rows
    text = render_text(Report("Home", tables=[changes_table(week, found)]), "markdown")
    assert "why it matters" in text
