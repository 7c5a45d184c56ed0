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
