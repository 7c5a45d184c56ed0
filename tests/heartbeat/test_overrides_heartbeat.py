"""An override set with `cpto classify set` changes the heartbeat's effort: it wins over the classifier
(and over labels), and the allocation says what decided each commit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app
from cpto.heartbeat.allocation import allocation
from cpto.history import store
from cpto.workspace import load_workspace

runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_override_moves_a_commit_to_the_bucket_people_set(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "svc")
    repo.path.mkdir()
    repo.git("init", "-q")
    repo.commit("feat: add the cart", {"cart.py": "x = 1\n"})
    fixed = repo.commit("fix: cart total rounding", {"cart.py": "x = 2\n"})
    ok("index", "-w", str(repo.path), "-q")
    config = load_workspace(repo.path)
    window = (datetime(2025, 12, 29, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC))
    with store.open_index(config.index_path, read_only=True) as con:
        rid = store.indexed_repo_id(con, config.repos[0])
        before = allocation(con, rid, *window)
        after = allocation(con, rid, *window, overridden={fixed: "debt"})
    assert before.commits["fix"] == 1 and before.decided["type"]["fix"] == 1
    assert after.commits["fix"] == 0 and after.commits["debt"] == 1
    assert after.by_override == 1 and after.decided["override"]["debt"] == 1

    ok("classify", "set", fixed[:10], "debt", "--reason", "the rounding was clean-up", "-w", str(repo.path))
    beat = json.loads(ok("heartbeat", "-w", str(repo.path), "--week", "2026-01-01", "--json", "-q"))
    week = beat["effort"][-1]["commits"]
    assert week["debt"] == 1 and week["fix"] == 0 and week["feature"] == 1
