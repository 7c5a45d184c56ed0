"""``cpto decision`` driven like a user: raise, discuss, decide, appeal, resolve, show, with --commit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tests.cli.test_cli import assert_clean_error, cpto

PEOPLE = """\
people:
  - handle: claire
    discipline: leadership
    role: CEO
  - handle: dana
    discipline: product
  - handle: li
    discipline: engineering
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "people.yaml").write_text(PEOPLE)
    (tmp_path / "cpto.toml").write_text('[meetings]\njoint_review = "thursday"\n')
    return tmp_path


def run(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = cpto("decision", *args, "--workspace", str(workspace))
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_decision_from_raised_to_upheld_is_written_and_committed(workspace):
    run(workspace, "new", "Guest checkout is the default", "-d", "outcomes", "-p", "dana", "-c", "li",
        "--at", "2026-11-02T10:00")  # fmt: skip
    run(
        workspace,
        "comment",
        "1",
        "accounts carry 60% of repeat revenue",
        "--by",
        "li",
        "--at",
        "2026-11-02T12:00",
    )
    run(workspace, "decide", "D-0001", "--outcome", "Guest first", "--at", "2026-11-03T16:00", "--commit")
    run(
        workspace, "appeal", "1", "--by", "li", "--reason", "repeat revenue drops", "--at", "2026-11-04T09:00"
    )
    proc = run(workspace, "resolve", "1", "upheld", "--by", "claire", "--at", "2026-11-05T09:00", "--commit")
    assert "D-0001 upheld" in proc.stderr
    shown = json.loads(run(workspace, "show", "D-0001", "--json").stdout)
    assert shown["status"] == "upheld" and shown["days_waited"] == 1.25
    assert shown["appeal"]["to"] == "claire"  # the person with the CEO role
    assert [r["by"] for r in shown["discussion"]] == ["li"]
    log = subprocess.run(
        ["git", "-C", str(workspace), "log", "--format=%s", "--name-only"], capture_output=True, text=True
    ).stdout
    assert "decision D-0001: appeal upheld" in log and "decision D-0001: decide" in log
    assert "people.yaml" not in log  # only the record is committed


def test_the_list_shows_time_to_decision_per_point_person_and_appeals_per_quarter(workspace):
    run(workspace, "new", "A", "-d", "outcomes", "-p", "dana", "--at", "2026-11-02T10:00")
    run(workspace, "decide", "1", "--at", "2026-11-05T10:00")  # a Thursday, three quiet days later
    data = json.loads(run(workspace, "list", "--json").stdout)
    assert data["points"][0] == {
        "handle": "dana", "decided": 1, "median_days": 3.0, "slowest_days": 3.0, "open": 0, "past_sla": 0,
        "timed": 1,
    }  # fmt: skip
    assert data["decisions"][0]["flags"] == ["ready 3d before it was decided at Thursday's meeting"]
    assert data["appeals"] == [
        {"quarter": "2026-Q4", "decided": 1, "appealed": 0, "rate": 0.0, "over": False}
    ]


def test_mistakes_are_refused_with_one_line_and_nothing_written(workspace):
    assert_clean_error(
        cpto("decision", "new", "A", "-d", "outcomes", "-p", "danna", "-w", str(workspace)),
        "people.yaml",
        "no person with handle 'danna'",
    )
    assert not (workspace / "decisions").exists() or not list((workspace / "decisions").glob("*.md"))
    run(workspace, "new", "A", "-d", "outcomes", "-p", "dana")
    before = next((workspace / "decisions").glob("*.md")).read_bytes()
    assert_clean_error(
        cpto("decision", "appeal", "1", "--by", "li", "--reason", "no", "-w", str(workspace)),
        "D-0001 is proposed; only a decided decision can be appealed",
    )
    assert_clean_error(cpto("decision", "decide", "D-0042", "-w", str(workspace)), "no decision 'D-0042'")
    assert next((workspace / "decisions").glob("*.md")).read_bytes() == before


SECTIONS = """\
---
id: D-0009
title: Pause instead of cancel
status: decided
point: dana
raised: 2026-11-09T10:00
decided: 2026-11-10T15:00
---
# Pause instead of cancel

## Context and Problem Statement

12% of customers cancelled by dunning come back <within 60 days>.

## Considered Options

- Pause and keep card and plan
- Cancel as today

## Decision Outcome

Chosen option: pause.

### Consequences

- [ ] Finance signs off revenue recognition (claire)

## Discussion

- li, 2026-11-09: what happens to invoices?

## Links

See the billing PRD.
"""


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json", "html"])
def test_show_prints_every_section_of_the_record_in_order(workspace, fmt):
    (workspace / "decisions").mkdir()
    (workspace / "decisions" / "0009-pause.md").write_text(SECTIONS)
    out = run(workspace, "show", "9", "--format", fmt, "--output", str(workspace / "out")).stdout
    assert out == ""
    text = (workspace / "out").read_text()
    if fmt == "json":
        sections = json.loads(text)["sections"]
        assert [s["trail"] for s in sections] == [
            "Pause instead of cancel",
            "Context and Problem Statement",
            "Considered Options",
            "Decision Outcome",
            "Decision Outcome / Consequences",
            "Discussion",
            "Links",
        ]
        assert sections[1]["text"] == "12% of customers cancelled by dunning come back <within 60 days>."
        assert json.loads(text)["action_items"][0]["owner"] == "claire"
        return
    wanted = [
        "Context and Problem Statement",
        "12% of customers cancelled by dunning come back",
        "Considered Options",
        "Pause and keep card and plan",
        "Cancel as today",
        "Decision Outcome",
        "Chosen option: pause.",
        "Consequences",
        "Finance signs off revenue recognition (claire)",
        "Discussion",
        "what happens to invoices?",
        "Links",
        "See the billing PRD.",
    ]
    positions = [text.find(w) for w in wanted]
    assert -1 not in positions and positions == sorted(positions), list(zip(wanted, positions, strict=True))
    if fmt == "html":
        assert "&lt;within 60 days&gt;" in text and "<within" not in text


def test_listing_no_decisions_says_so_and_how_to_raise_one(tmp_path):
    proc = cpto("decision", "list", "-w", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "no decision records" in proc.stdout and "cpto decision new" in proc.stdout
    assert "open past SLA" not in proc.stdout  # no zero counts for what was never recorded
    data = json.loads(cpto("decision", "list", "-w", str(tmp_path), "--json").stdout)
    assert data["decisions"] == [] and data["appeals"] is None and "does not exist" in data["reason"]
