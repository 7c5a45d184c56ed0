"""``cpto lint`` and ``cpto precision`` driven like a user: the JSON Lines contract, PRDs, decisions."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.test_cli import assert_clean_error, cpto


def test_precision_json_lines_follow_the_contract(tmp_path):
    texts = tmp_path / "in.jsonl"
    rows = [
        {"id": "vague", "text": "This is too risky and customers need this soon."},
        {
            "id": "precise",
            "text": "Deploy v2.3.1 on 2026-12-01; p95 stays under 250 ms for the 40 EU accounts.",
        },
    ]
    texts.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n")
    proc = cpto("precision", "--json", str(texts), "-w", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["vague", "precise"]
    vague, precise = out
    assert vague["score"] < precise["score"] and not precise["findings"]
    for f in vague["findings"]:
        assert rows[0]["text"][f["start"] : f["end"]] == f["text"] and f["kind"] and f["suggestion"]
    assert {"vague-risk", "vague-customer", "vague-time"} <= {f["kind"] for f in vague["findings"]}


def test_precision_reads_standard_input_and_refuses_bad_lines(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "precision", "--json", "-w", str(tmp_path)],
        input='{"id": "a", "text": "fine"}\n{"id": "b", "text": 3}\n',
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and '<stdin>:2: "text" must be a string' in proc.stderr
    assert_clean_error(
        cpto("precision", "--json", str(tmp_path / "none.jsonl"), "-w", str(tmp_path)), "cannot read"
    )


def test_lint_the_demo_prds_and_gate_ci(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(cpto("lint", "-w", str(demo), "--json").stdout)
    assert {p["path"] for p in data["prds"]} == {
        "docs/prd/billing-dunning.md",
        "docs/prd/checkout.md",
        "docs/prd/onboarding.md",
    }
    assert all(0 <= p["score"] <= 1 for p in data["prds"])
    gate = cpto("lint", "-w", str(demo), "--fail-under", "0.999")
    assert gate.returncode == 1 and "under --fail-under" in gate.stdout
    vague = demo / "docs" / "prd" / "vague.md"
    vague.write_text("# Vague\n\n## Requirements\n\n- V-1: The page should load fast.\n")
    text = cpto("lint", str(vague), "-w", str(demo), "--format", "markdown").stdout
    assert "docs/prd/vague.md:5" in text and "fast" in text


def test_precision_of_the_demo_decision_threads(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(cpto("precision", "--decisions", "-w", str(demo), "--json").stdout)
    assert data["people"] and data["pairs"] and data["remarks"]
    scores = [p["score"] for p in data["people"]]
    assert scores == sorted(scores)  # least precise first
    assert all(" & " in p["who"] for p in data["pairs"])
    assert_clean_error(cpto("precision", "--decisions", "x.md", "-w", str(demo)), "--decisions")


def test_json_lines_go_to_the_output_file_when_one_is_given(tmp_path):
    texts = tmp_path / "in.jsonl"
    texts.write_text('{"id": "a", "text": "Ship it soon."}\n')
    proc = cpto("precision", "--json", str(texts), "-w", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["id"] == "a"
