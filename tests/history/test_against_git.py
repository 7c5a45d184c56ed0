"""The index agrees with git itself, checked on the demo workspace against plain ``git log --numstat``."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest

from cpto.demo import build_demo
from cpto.history import store
from cpto.history.indexer import index_repository


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("acme") / "acme"
    build_demo(path)
    return path


def git_numstat(repo: Path) -> tuple[Counter[str], int, int]:
    """Per-commit file counts and total added/deleted lines, read straight from git."""
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "--numstat", "-M", "--format=@%H", "HEAD", "--branches", "--tags"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files: Counter[str] = Counter()
    added = deleted = 0
    sha = ""
    for line in out.splitlines():
        if line.startswith("@"):
            sha = line[1:]
            files[sha] += 0
        elif line.strip():
            a, d, _ = line.split("\t", 2)
            files[sha] += 1
            added += int(a) if a != "-" else 0
            deleted += int(d) if d != "-" else 0
    return files, added, deleted


def test_index_matches_git_log_numstat(demo, tmp_path):
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, demo)
        rows = con.execute("SELECT sha, files FROM commits").fetchall()
        totals = con.execute("SELECT sum(added), sum(deleted) FROM file_changes").fetchone()

    files, added, deleted = git_numstat(demo)
    assert dict(rows) == dict(files)
    assert totals == (added, deleted)


def test_demo_history_has_the_shape_a_cpto_expects(demo, tmp_path):
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, demo)
        authors = con.execute("SELECT count(DISTINCT author_email) FROM commits").fetchone()
        zones = con.execute("SELECT count(DISTINCT author_tz) FROM commits").fetchone()
        tags = con.execute("SELECT count(*) FROM refs WHERE kind = 'tag' AND name LIKE 'v%'").fetchone()
        renames = con.execute("SELECT count(*) FROM file_changes WHERE old_path IS NOT NULL").fetchone()
    assert authors and authors[0] >= 8
    assert zones and zones[0] >= 3
    assert tags and tags[0] >= 5
    assert renames and renames[0] >= 1
