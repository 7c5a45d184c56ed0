"""The estate benchmark's generator makes real, valid repositories that cpto indexes as a workspace."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from cpto.history.estate import index_estate
from estate_generate import make_estate


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_generated_estate_is_valid_and_indexes(tmp_path: Path) -> None:
    repos = make_estate(tmp_path, 3, 20, workers=2)
    assert len(repos) == 3
    listed = tomllib.loads((tmp_path / "cpto.toml").read_text())["workspace"]["repos"]
    assert [(tmp_path / p).resolve() for p in listed] == [p.resolve() for p in repos]
    for repo in repos:
        git(repo, "fsck", "--strict")
        assert git(repo, "rev-list", "--count", "main").strip() == "20"
        assert git(repo, "status", "--porcelain") == ""  # the work tree is checked out
        assert "v1.0.0" in git(repo, "tag").split()
        assert len(set(git(repo, "log", "--format=%ae").split())) >= 2  # several authors
        statuses = set(git(repo, "log", "--name-status", "--format=").split()[::2])
        assert {"A", "M"} <= statuses
        folders = {line.split("/")[0] for line in git(repo, "ls-files").splitlines()}
        assert len(folders) >= 2
        years = {int(y) for y in git(repo, "log", "--format=%ad", "--date=format:%Y").split()}
        assert years <= {2025, 2026}
    # deterministic: the same index makes the same history
    again = make_estate(tmp_path / "again", 1, 20)
    assert git(again[0], "rev-parse", "main") == git(repos[0], "rev-parse", "main")
    run = index_estate(tmp_path / ".cpto" / "index.duckdb", repos, workers=1)
    assert not run.failures
    assert [r.total_commits for r in run.results] == [20, 20, 20]
