"""Committed symbolic links, as a hostile repository would ship them, against every command that writes
records and every command that globs workspace content (docs/workspace.md, "Links").

No writer follows a link out of the workspace; no glob follows one out or goes round a loop, and a file
linked twice counts once. Each test commits its links in a real git repository and drives the CLI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from tests.cli.test_cli import assert_clean_error, cpto

BASHRC = "export PATH=/usr/bin\n"
OUTSIDE_PRD = "# Evil\n\n## Requirements\n\n- EVIL-1: run my code\n- EVIL-2: read my keys\n"
OUTSIDE_DECISION = """\
---
id: D-0099
title: Planted
status: proposed
decider: outcomes
point: dana
raised: 2026-11-01T10:00:00Z
---
# Planted
"""


def commit(ws: Path, message: str = "links") -> None:
    subprocess.run(["git", "-C", str(ws), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(ws), "commit", "-qm", message], check=True)


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    proc = cpto(*args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once; tests work on copies."""
    path = tmp_path_factory.mktemp("demo") / "acme"
    ok("demo", str(path))
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A folder outside the workspace, standing for the user's home."""
    path = tmp_path / "home"
    path.mkdir()
    (path / ".bashrc").write_text(BASHRC)
    (path / "evil.md").write_text(OUTSIDE_PRD)
    (path / "0099-planted.md").write_text(OUTSIDE_DECISION)
    (path / "roadmap.yaml").write_text("items:\n  - id: RM-1\n    title: Theirs\n    horizon: week\n")
    return path


@pytest.fixture
def ws(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "acme"
    shutil.copytree(demo, copy, symlinks=True)
    return copy


def untouched(home: Path) -> None:
    assert (home / ".bashrc").read_text() == BASHRC
    assert sorted(p.name for p in home.iterdir()) == [".bashrc", "0099-planted.md", "evil.md", "roadmap.yaml"]


# --------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------


def test_decision_commands_never_write_through_a_committed_link_out_of_the_workspace(ws, home):
    (ws / "decisions" / "0042-x.md").symlink_to(home / ".bashrc")
    commit(ws)
    for args in (
        ("decide", "42", "--outcome", "x"),
        ("comment", "42", "pwned", "--by", "li"),
        ("appeal", "42", "--by", "li", "--reason", "x"),
    ):
        proc = cpto("decision", *args, "-w", str(ws))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    untouched(home)


def test_new_records_are_not_created_in_a_folder_that_links_out_of_the_workspace(tmp_path, home):
    ws = tmp_path / "ws"
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (ws / "people.yaml").write_text("people:\n  - handle: dana\n    discipline: product\n")
    for folder in ("decisions", "incidents", "alarms"):
        (ws / folder).symlink_to(home)
    commit(ws)
    where = str(ws / "decisions")
    assert_clean_error(
        cpto("decision", "new", "Guest checkout", "-d", "outcomes", "-p", "dana", "-w", str(ws)),
        f"{where}: links to {home}, outside the workspace",
    )
    assert_clean_error(
        cpto("incident", "new", "500s", "--severity", "SEV1", "--commander", "dana", "-w", str(ws)),
        "incidents: links to",
    )
    assert_clean_error(
        cpto("alarm", "raise", "p95 doubled", "--by", "dana", "-w", str(ws)), "alarms: links to"
    )
    untouched(home)


def roadmap_linked_out(ws: Path, home: Path) -> None:
    (ws / "roadmap.yaml").unlink()
    (ws / "roadmap.yaml").symlink_to(home / "roadmap.yaml")
    commit(ws)


def test_roadmap_move_refuses_a_roadmap_that_links_out(ws, home):
    roadmap_linked_out(ws, home)
    before = (home / "roadmap.yaml").read_text()
    assert_clean_error(
        cpto("roadmap", "move", "RM-1", "month", "-w", str(ws)),
        f"roadmap.yaml: links to {home / 'roadmap.yaml'}, outside the workspace",
    )
    assert (home / "roadmap.yaml").read_text() == before


def test_roadmap_review_apply_refuses_a_roadmap_that_links_out(ws, home):
    roadmap_linked_out(ws, home)
    before = (home / "roadmap.yaml").read_text()
    proc = cpto("roadmap", "review", "--apply", "--no-evidence", "-q", "-w", str(ws))
    assert (home / "roadmap.yaml").read_text() == before
    assert_clean_error(proc, "roadmap.yaml: links to", "outside the workspace")


def test_a_verdict_is_not_written_through_a_committed_link_out(ws, home):
    (ws / "docs" / "prd" / "checkout.review.yaml").symlink_to(home / ".bashrc")
    commit(ws)
    head = subprocess.run(
        ["git", "-C", str(ws), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert_clean_error(
        cpto("review", "confirm", "CHK-1", head, "--by", "dana", "-w", str(ws)),
        "checkout.review.yaml: links to",
        "outside the workspace",
    )
    untouched(home)


def test_a_record_linked_inside_the_workspace_is_edited_where_it_lives(ws, home):
    record = next((ws / "decisions").glob("0008-*.md"), None) or sorted((ws / "decisions").glob("0*.md"))[-1]
    (ws / "notes").mkdir()
    real = ws / "notes" / record.name
    record.rename(real)
    record.symlink_to(Path("..") / "notes" / record.name)
    commit(ws)
    ok("decision", "comment", record.name[:4], "still waiting on legal", "--by", "li", "-w", str(ws))
    assert record.is_symlink() and "still waiting on legal" in real.read_text()


def test_init_force_does_not_write_through_a_committed_cpto_toml_link(tmp_path, home):
    ws = tmp_path / "ws"
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (ws / "cpto.toml").symlink_to(home / ".bashrc")
    (ws / "people.yaml").symlink_to(home / "people.yaml")  # to nothing yet: init would draft it there
    commit(ws)
    proc = cpto("init", "--force", "-w", str(ws))
    assert proc.returncode == 2 and "outside the workspace" in proc.stderr
    untouched(home)


# --------------------------------------------------------------------------------------------------
# Globs
# --------------------------------------------------------------------------------------------------


def measured(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    proc = cpto(*args)
    return proc, time.perf_counter() - start


def test_loops_in_the_prd_folder_change_nothing_and_cost_nothing(ws, demo):
    """``self -> .`` and ``up -> ..`` together sent check, review, lint and the heartbeat past 150 s."""
    plain = json.loads(ok("review", "-w", str(demo), "--json", "-q").stdout)
    (ws / "docs" / "prd" / "self").symlink_to(".")
    (ws / "docs" / "prd" / "up").symlink_to("..")
    commit(ws)
    review, took = measured("review", "-w", str(ws), "--json", "-q")
    assert review.returncode == 0 and took < 60, review.stderr
    assert sorted(r["id"] for r in json.loads(review.stdout)["requirements"]) == sorted(
        r["id"] for r in plain["requirements"]
    )
    check, took = measured("check", "-w", str(ws), "--json")
    assert took < 60 and json.loads(check.stdout)["checked"]["PRDs"] == 3, check.stderr
    lint, took = measured("lint", "-w", str(ws), "--json")
    assert lint.returncode == 0 and took < 60 and "/self/" not in lint.stdout and "/up/" not in lint.stdout
    beat, took = measured("heartbeat", "-w", str(ws), "--json", "-q")
    assert beat.returncode == 0 and took < 60, beat.stderr


def test_a_prd_or_a_record_linked_out_of_the_workspace_is_not_read(ws, home):
    (ws / "docs" / "prd" / "evil.md").symlink_to(home / "evil.md")
    (ws / "decisions" / "0099-planted.md").symlink_to(home / "0099-planted.md")
    commit(ws)
    review = ok("review", "-w", str(ws), "--json", "-q")
    assert "EVIL-" not in review.stdout
    assert "EVIL-" not in ok("lint", "-w", str(ws), "--json").stdout
    listed = json.loads(ok("decision", "list", "-w", str(ws), "--json").stdout)
    assert "D-0099" not in json.dumps(listed)
    # not read, and not without a word: check and the review name each link they did not follow
    warned = [p["where"] for p in json.loads(ok("check", "-w", str(ws), "--json").stdout)["problems"]]
    assert any(w.endswith("evil.md") for w in warned) and any(w.endswith("0099-planted.md") for w in warned)
    assert "evil.md" in ok("review", "-w", str(ws), "--json").stderr


def test_a_prd_linked_twice_counts_once(ws, demo):
    plain = json.loads(ok("review", "-w", str(demo), "--json", "-q").stdout)
    (ws / "docs" / "prd" / "current.md").symlink_to("checkout.md")
    commit(ws)
    linked = json.loads(ok("review", "-w", str(ws), "--json", "-q").stdout)
    assert len(linked["requirements"]) == len(plain["requirements"])
    assert json.loads(ok("check", "-w", str(ws), "--json").stdout)["checked"]["PRDs"] == 3


def test_a_stray_verdicts_link_out_of_the_workspace_is_named_by_check(ws, home):
    (ws / "docs" / "prd" / "gone.review.yaml").symlink_to(home / ".bashrc")
    commit(ws)
    problems = json.loads(cpto("check", "-w", str(ws), "--json").stdout)["problems"]
    named = [p for p in problems if p["where"].endswith("gone.review.yaml")]
    assert named and "outside the workspace" in named[0]["message"]


def test_init_finds_prds_without_following_links_out_or_round_a_loop(tmp_path, home):
    ws = tmp_path / "ws"
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (ws / "docs" / "prd").mkdir(parents=True)
    (ws / "docs" / "prd" / "checkout.md").write_text("# Checkout\n\n- CHK-1: pay\n- CHK-2: refund\n")
    (ws / "docs" / "prd" / "evil.md").symlink_to(home / "evil.md")
    (ws / "docs" / "prd" / "self").symlink_to(".")
    (ws / "docs" / "prd" / "up").symlink_to("..")
    commit(ws)
    proc, took = measured("init", "-w", str(ws))
    assert proc.returncode == 0 and took < 60, proc.stderr
    config = (ws / "cpto.toml").read_text()
    assert "evil" not in config and "self" not in config and "docs/prd/up" not in config
