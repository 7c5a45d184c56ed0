"""``cpto people`` driven like a user on the demo workspace and on a bad people.yaml."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import assert_clean_error, cpto


def test_people_on_the_demo_maps_every_author_but_the_bot(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    proc = cpto("people", "--workspace", str(demo), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {p["handle"] for p in data["people"]} >= {"claire", "dana", "li"}
    assert data["spans"]["claire"] >= 2
    assert [a["name"] for a in data["unmapped"]] == ["dependabot[bot]"]
    assert {x["discipline"] for x in data["across_lanes"]} <= {"product", "design", "data", "leadership"}
    assert sum(p["commits"] for p in data["people"]) > 300
    assert data["prds_across_lanes"] == [
        {"handle": "aiko", "discipline": "design", "prd": "docs/prd/onboarding.md"}
    ]
    assert data["consulted_across_lanes"][0]["handle"] == "nina"


def test_people_without_history_reads_only_the_file(tmp_path):
    (tmp_path / "people.yaml").write_text("people:\n  - handle: ana\n    discipline: design\n")
    proc = cpto("people", "-w", str(tmp_path), "--no-history", "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert "| ana |" in proc.stdout


def test_a_broken_people_file_is_one_line_with_file_and_line(tmp_path: Path):
    (tmp_path / "people.yaml").write_text("people:\n  - handle: ana\n  - handle: ana\n")
    proc = cpto("people", "-w", str(tmp_path), "--no-history")
    assert_clean_error(proc, "people.yaml:3", "duplicate handle 'ana'")


def test_a_workspace_without_people_says_what_to_add(tmp_path):
    assert_clean_error(cpto("people", "-w", str(tmp_path), "--no-history"), "no people recorded")


def test_a_plain_repository_lists_identities_and_says_disciplines_are_unknown(repo):
    proc = cpto("people", "-w", str(repo.path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["disciplines"] is None and data["across_lanes"] is None
    assert "no people.yaml" in data["why_unknown"]
    assert [(a["email"], a["commits"]) for a in data["unmapped"]] == [("dana@acme.example", 4)]
    assert data["rules"]["count"].startswith("commits are non-merge commits")
    text = cpto("people", "-w", str(repo.path), "--format", "markdown").stdout
    assert "disciplines unknown" in text and "counted: commits are non-merge commits" in text


def test_people_and_history_agree_on_who_did_how_much(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    people = json.loads(cpto("people", "-w", str(demo), "--json").stdout)
    history = json.loads(cpto("history", "-w", str(demo), "--json", "--top", "100").stdout)
    counted = {p["handle"]: (p["commits"], p["code_commits"]) for p in people["people"] if p["commits"]}
    assert counted == {
        a["handle"]: (a["commits"], a["code_commits"]) for a in history["authors"] if a["handle"]
    }
    assert sum(a["commits"] for a in people["unmapped"]) + sum(c for c, _ in counted.values()) == sum(
        r["commits"] for r in history["repos"]
    )
    assert people["rules"] == history["rules"]


def test_decision_list_on_the_demo_flags_what_breaks_the_agreement(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    proc = cpto("decision", "list", "--workspace", str(demo), "--json")
    assert proc.returncode == 0, proc.stderr
    decisions = {d["id"]: d for d in json.loads(proc.stdout)["decisions"]}
    assert len(decisions) == 8
    assert any("SLA" in flag for d in decisions.values() for flag in d["flags"])  # D-0007 is long open
    assert decisions["D-0001"]["status"] == "decided" and decisions["D-0001"]["flags"] == []
