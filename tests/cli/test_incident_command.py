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
