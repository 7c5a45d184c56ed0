"""``cpto check``: every broken record is listed at once, with file:line, and the exit code guards a PR."""

from __future__ import annotations

import json

from tests.cli.test_cli import cpto


def test_the_demo_workspace_has_no_errors(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    proc = cpto("check", "-w", str(demo), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["errors"] == 0
    assert {k: v for k, v in data["checked"].items() if k != "alarms"} == {
        "people": 9,
        "decisions": 8,
        "incidents": 3,
        "roadmap items": 8,
        "PRDs": 3,
        "verdict files": 0,
        "classification overrides": 0,
    }
    assert data["missing"] == {}
    assert data["open_action_items"] == 3  # the demo's incidents each leave one follow-up open
    infos = [p for p in data["problems"] if p["level"] == "info"]
    assert len(infos) == 3 and all("open action item" in p["message"] for p in infos)


def test_every_broken_file_is_reported_not_just_the_first(tmp_path):
    (tmp_path / "decisions").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "decisions" / "0001-a.md").write_text("---\nid: D-1\nstatus: maybe\n---\n")
    (tmp_path / "decisions" / "0002-b.md").write_text("---\nid: D-1\npoint: nobody\n---\n")
    (tmp_path / "decisions" / "0003-c.md").write_text("---\nid: D-3\nraised: [\n---\n")
    (tmp_path / "incidents" / "i.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    (tmp_path / "roadmap.yaml").write_text("items:\n  - id: RM-1\n    horizon: soon\n")
    (tmp_path / "people.yaml").write_text("people:\n  - handle: dana\n    discipline: product\n")
    proc = cpto("check", "-w", str(tmp_path), "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    problems = {
        (p["level"], p["where"].replace(str(tmp_path), "")): p["message"]
        for p in json.loads(proc.stdout)["problems"]
    }
    assert "status 'maybe'" in problems[("error", "/decisions/0001-a.md:3")]  # the status line
    assert "invalid front matter" in problems[("error", "/decisions/0003-c.md:3")]
    assert "binary file" in problems[("error", "/incidents/i.md")]
    assert "horizon 'soon'" in problems[("error", "/roadmap.yaml:2")]
    assert "not in people.yaml" in problems[("warning", "/decisions/0002-b.md:1")]


def test_strict_fails_on_warnings_too(tmp_path):
    (tmp_path / "roadmap.yaml").write_text(
        "items:\n  - id: RM-1\n    horizon: week\n    prd: docs/missing.md\n"
    )
    assert cpto("check", "-w", str(tmp_path)).returncode == 0
    strict = cpto("check", "-w", str(tmp_path), "--strict", "--format", "markdown")
    assert strict.returncode == 1 and "prd 'docs/missing.md' does not exist" in strict.stdout


def test_open_action_items_are_counted_as_information_and_unowned_ones_warned(tmp_path):
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-11-03-x.md").write_text(
        "---\nid: INC-1\nseverity: SEV1\n---\n## Timeline\n- 2026-11-03 14:22 started: x\n"
        "## Action items\n- [x] Guard (sam)\n- [ ] Canary deploys (jordan)\n"
    )
    proc = cpto("check", "-w", str(tmp_path), "--json")
    data = json.loads(proc.stdout)
    assert data["open_action_items"] == 1
    records = [p for p in data["problems"] if not p["message"].startswith("set-up: ")]
    assert [(p["level"], p["where"].rsplit(":", 1)[1]) for p in records] == [("info", "9")]
    # open work is not a problem: the only warnings are the set-up gaps of this bare folder
    assert data["warnings"] == len(data["problems"]) - 1
    path = tmp_path / "incidents" / "2026-11-03-x.md"
    path.write_text(path.read_text() + "- [ ] Someone should look at the alerts\n")
    strict = cpto("check", "-w", str(tmp_path), "--strict", "--format", "markdown")
    assert strict.returncode == 1 and "no owner" in strict.stdout


def test_a_workspace_without_records_says_what_is_missing_instead_of_zero(tmp_path):
    proc = cpto("check", "-w", str(tmp_path), "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert set(data["missing"]) == {"people", "decisions", "incidents", "roadmap items", "PRDs"}
    assert data["open_action_items"] is None
    text = cpto("check", "-w", str(tmp_path)).stdout
    assert "nothing checked" in text and "no decision records" in text


def test_set_up_gaps_are_warnings_that_say_how_to_close_them(make_repo):
    repo = make_repo()
    repo.commit("feat: first", {"app.py": "x = 1\n"})
    repo.git("tag", "1.0.0")
    repo.commit("feat: second", {"app.py": "x = 2\n"})
    repo.git("tag", "1.1.0")
    data = json.loads(cpto("check", "-w", str(repo.path), "--json").stdout)
    gaps = [p["message"] for p in data["problems"] if p["message"].startswith("set-up: ")]
    deploys = next(g for g in gaps if "no deploys" in g)
    assert "[deploys] tags" in deploys and "[0-9]*" in deploys
    assert any("no PRDs" in g for g in gaps) and any("no incidents yet" in g for g in gaps)
    assert cpto("check", "-w", str(repo.path), "--strict").returncode == 1
