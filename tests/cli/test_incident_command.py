"""``cpto incident`` and ``cpto timeline`` driven like a user, on the demo and on a fresh workspace."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli.test_cli import assert_clean_error, cpto


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    proc = cpto(*args)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_incidents_on_the_demo_have_their_times_and_causes(tmp_path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    data = json.loads(ok("incident", "list", "-w", str(demo), "--json").stdout)
    by_id = {i["id"]: i for i in data["incidents"]}
    assert data["incidents"][0]["id"] == "INC-3"  # SEV1 first
    assert by_id["INC-3"]["minutes_to"] == {
        "detected": 5,
        "acknowledged": 9,
        "mitigated": 42,
        "resolved": 1228,
    }
    assert all(i["caused_by_commit"] for i in data["incidents"]) and all(
        not i["problems"] for i in data["incidents"]
    )
    timeline = json.loads(ok("timeline", "-w", str(demo), "--since", "2026-11-03", "--json").stdout)[
        "timeline"
    ]
    sources = [m["source"] for m in timeline]
    assert {"deploy", "incident", "decision"} <= set(sources)
    assert timeline == sorted(timeline, key=lambda m: m["at"])


def test_the_timeline_shows_the_deploy_log_when_the_workspace_keeps_one(tmp_path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    toml = demo / "cpto.toml"
    toml.write_text(toml.read_text().replace("[deploys]\n", '[deploys]\nlog = "deploys.log"\n'))
    head = subprocess.run(
        ["git", "-C", str(demo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    (demo / "deploys.log").write_text(f"2026-11-10T09:00Z {head[:12]} friday-train\n")
    timeline = json.loads(ok("timeline", "-w", str(demo), "--since", "2026-11-01", "--json").stdout)[
        "timeline"
    ]
    assert [m["ref"] for m in timeline if m["source"] == "deploy"] == ["friday-train"]


def test_an_incident_from_first_page_to_resolved_with_commits(tmp_path):
    ws = tmp_path
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (ws / "app.py").write_text("print('hi')\n")
    subprocess.run(["git", "-C", str(ws), "add", "app.py"], check=True)
    subprocess.run(["git", "-C", str(ws), "commit", "-qm", "app"], check=True)
    (ws / "cpto.toml").write_text('[incidents]\nseverities = ["P1", "P2"]\n')
    ok("incident", "new", "Cart 500s", "-s", "P1", "--commander", "sam", "--started", "2026-11-03T14:22",
       "-w", str(ws), "--commit")  # fmt: skip
    ok("incident", "log", "1", "detected", "5xx alarm", "--at", "2026-11-03T14:27", "-w", str(ws))
    ok("incident", "resolve", "INC-1", "rolled back", "--caused-by", "HEAD", "--at", "2026-11-03T15:00",
       "-w", str(ws), "--commit")  # fmt: skip
    shown = json.loads(ok("incident", "show", "1", "-w", str(ws), "--json").stdout)
    assert shown["minutes_to"]["detected"] == 5 and shown["minutes_to"]["resolved"] == 38
    assert shown["caused_by"] == "HEAD" and len(shown["caused_by_commit"]) == 40
    log = subprocess.run(["git", "-C", str(ws), "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.splitlines()[:2] == ["incident INC-1: resolved", "incident: open 2026-11-03-cart-500s"]


def test_incident_mistakes_are_one_line_errors(tmp_path: Path):
    (tmp_path / "cpto.toml").write_text('[incidents]\nseverities = ["P1", "P2"]\n')
    assert_clean_error(
        cpto("incident", "new", "X", "-s", "SEV9", "--commander", "sam", "-w", str(tmp_path)),
        "severity 'SEV9' is not one of P1, P2",
    )
    assert_clean_error(cpto("incident", "show", "4", "-w", str(tmp_path)), "no incident '4'")
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "x.md").write_bytes(
        b"---\nid: INC-1\n---\n## Timeline\n- 2026-11-03 14:22 started: \xff\n"
    )
    assert_clean_error(cpto("incident", "list", "-w", str(tmp_path)), "x.md", "not UTF-8")


def test_show_prints_the_summary_root_cause_and_action_items_of_the_record(tmp_path: Path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    text = ok("incident", "show", "INC-3", "-w", str(demo), "--format", "markdown").stdout
    wanted = [
        "## Summary",
        "31% of cart requests failed",
        "## Timeline",
        "All times UTC.",
        "## Root cause",
        "No test covered an empty cart.",
        "## Action items",
        "Canary deploys for the API (jordan)",
        "## Timeline measured from impact start",
    ]
    positions = [text.find(w) for w in wanted]
    assert -1 not in positions and positions == sorted(positions), list(zip(wanted, positions, strict=True))
    assert "**action items:** 1 open, 2 done" in text
    data = json.loads(ok("incident", "show", "3", "-w", str(demo), "--json").stdout)
    assert [s["title"] for s in data["sections"]] == ["Summary", "Timeline", "Root cause", "Action items"]
    assert [(a["text"], a["owner"], a["done"]) for a in data["action_items"]][-1] == (
        "Canary deploys for the API",
        "jordan",
        False,
    )


def test_no_incident_records_is_unknown_not_zero_in_list_and_timeline(tmp_path: Path):
    listed = ok("incident", "list", "-w", str(tmp_path))
    assert "no incident records" in listed.stdout and "cpto incident new" in listed.stdout
    assert "with a causing change" not in listed.stdout and "TTD" not in listed.stdout
    data = json.loads(ok("incident", "list", "-w", str(tmp_path), "--json").stdout)
    assert data["incidents"] == [] and data["medians"] is None and "does not exist" in data["reason"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "app.py").write_text("print('hi')\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "app.py"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-q", "-m", "app"], check=True)
    timeline = json.loads(ok("timeline", "-w", str(tmp_path), "--json", "-q").stdout)
    assert timeline["counts"] == {"incident": None, "deploy": None, "decision": None}
    assert "no tag matches 'v*'" in timeline["missing"]["deploy"]


def actions(*args: str) -> str:
    """``cpto actions`` through its own register(), as cpto's app will hold it."""
    import typer
    from typer.testing import CliRunner

    from cpto.cli import actions as command

    app = typer.Typer()
    app.callback()(lambda: None)
    command.register(app)
    result = CliRunner().invoke(app, ["actions", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_actions_lists_the_open_follow_ups_of_incidents_by_owner(tmp_path: Path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    data = json.loads(actions("-w", str(demo), "--json"))
    assert (data["open"], data["done"], data["owners"]) == (3, 5, {"jordan": 1, "marco": 2})
    assert {(a["record"], a["line"]) for a in data["items"]} == {("INC-1", 28), ("INC-2", 28), ("INC-3", 29)}
    jordan = actions("-w", str(demo), "--owner", "jordan", "--all", "--format", "markdown")
    assert "Canary deploys for the API" in jordan and "5xx alarm per endpoint" in jordan
    assert "Merge duplicate customer records" not in jordan
    empty = json.loads(actions("-w", str(tmp_path), "--json"))
    assert (empty["open"], empty["records"]) == (None, 0) and "no incident records" in empty["reason"]
