"""``cpto roadmap`` on the demo: clock speed from the file's history, proposals applied and committed."""

from __future__ import annotations

import json
import subprocess

from tests.cli.test_cli import assert_clean_error, cpto


def test_the_demo_roadmap_shows_stalled_items_and_work_without_evidence(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    proc = cpto("roadmap", "review", "-w", str(demo), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    items = {i["id"]: i for i in data["items"]}
    assert len(data["reviews"]) == 6
    assert items["RM-5"]["stalled"] == 5 and items["RM-5"]["proposal"].startswith("move to quarter")
    assert items["RM-6"]["closer"] == 4 and items["RM-6"]["proposal"] == ""  # year to week, shipped
    assert items["RM-8"]["evidence"] == "no evidence of work: CHK-6 not started"
    applied = cpto("roadmap", "review", "-w", str(demo), "--apply", "--commit", "--no-evidence", "-q")
    assert applied.returncode == 0, applied.stderr
    show = subprocess.run(
        ["git", "-C", str(demo), "show", "--stat", "--format=%s", "HEAD"], capture_output=True, text=True
    )
    assert show.stdout.startswith("roadmap: joint review") and "roadmap.yaml" in show.stdout
    assert "1 file changed" in show.stdout


def test_moving_an_unknown_item_is_refused(tmp_path):
    (tmp_path / "roadmap.yaml").write_text("items:\n  - id: RM-1\n    horizon: week\n")
    assert_clean_error(cpto("roadmap", "move", "RM-9", "week", "-w", str(tmp_path)), "no roadmap item 'RM-9'")
    assert_clean_error(
        cpto("roadmap", "move", "RM-1", "soon", "-w", str(tmp_path)), "horizon 'soon' is not one of"
    )


def test_apply_writes_the_targets_the_review_showed_and_none_is_in_the_past(tmp_path):
    from datetime import UTC, date, datetime

    import yaml

    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    shown = json.loads(cpto("roadmap", "review", "-w", str(demo), "--json", "--no-evidence").stdout)
    proposed = {
        i["id"]: (i["proposed_horizon"], i["proposed_target"]) for i in shown["items"] if i["proposed_target"]
    }
    today = datetime.now(UTC).date()
    assert proposed and all(date.fromisoformat(t) >= today for _, t in proposed.values())
    applied = cpto("roadmap", "review", "-w", str(demo), "--apply", "--no-evidence", "-q")
    assert applied.returncode == 0, applied.stderr
    items = {i["id"]: i for i in yaml.safe_load((demo / "roadmap.yaml").read_text())["items"]}
    assert {rid: (items[rid]["horizon"], items[rid]["target"].isoformat()) for rid in proposed} == proposed


def test_a_past_target_is_refused_by_move_and_warned_about_by_check(tmp_path):
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    ago = (today - timedelta(days=330)).isoformat()
    (tmp_path / "roadmap.yaml").write_text(
        f"items:\n  - id: RM-1\n    horizon: month\n    target: {(today + timedelta(days=20)).isoformat()}\n"
    )
    before = (tmp_path / "roadmap.yaml").read_text()
    assert_clean_error(
        cpto("roadmap", "move", "RM-1", "week", "--target", ago, "-w", str(tmp_path)),
        f"--target {ago} refused",
        "passed 330 day(s) ago",
    )
    assert (tmp_path / "roadmap.yaml").read_text() == before
    (tmp_path / "roadmap.yaml").write_text(
        f"items:\n  - id: RM-1\n    horizon: week\n    target: {ago}\n"
        f"  - id: RM-2\n    horizon: week\n    target: {(today + timedelta(days=180)).isoformat()}\n"
    )
    check = cpto("check", "-w", str(tmp_path), "--json")
    problems = [p for p in json.loads(check.stdout)["problems"] if not p["message"].startswith("set-up: ")]
    warnings = {p["where"].rsplit(":", 1)[1]: p["message"] for p in problems}
    assert "RM-1: target" in warnings["2"] and "passed 330 day(s) ago" in warnings["2"]
    assert "RM-2: horizon week but target" in warnings["5"] and "180 days away" in warnings["5"]
    assert check.returncode == 0 and cpto("check", "-w", str(tmp_path), "--strict").returncode == 1
    review = cpto("roadmap", "review", "-w", str(tmp_path), "--json", "--no-evidence")
    assert review.returncode == 0, review.stderr
    problems = {i["id"]: i["target_problems"] for i in json.loads(review.stdout)["items"]}
    assert problems["RM-1"] and problems["RM-2"]


def test_no_roadmap_says_so_and_how_to_start_one(tmp_path):
    proc = cpto("roadmap", "review", "-w", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "no roadmap" in proc.stdout and "items:" in proc.stdout and "rungs per review" not in proc.stdout
    data = json.loads(cpto("roadmap", "review", "-w", str(tmp_path), "--json").stdout)
    assert data["rungs_per_review"] is None and "does not exist" in data["reason"]
