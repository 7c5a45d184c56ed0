"""The index survives what happens to it: an upgraded cpto, a moved workspace, a deepened shallow clone,
a lost table, a file cut short, a full disk, and a partial clone whose promisor is gone."""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cpto.cli import app
from cpto.history import store
from cpto.history.indexer import index_repository

DATA = Path(__file__).parent / "data"
PRD = """# Shop

## S-1: Cart
Customers keep a cart of what they mean to buy.

## S-2: Pay by card
Checkout takes a card payment.
"""


def cli(*args: str) -> str:
    """Run cpto in-process; the output of a successful command (a failure fails the test)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def query(db: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def old_repository(tmp_path: Path) -> Path:
    """The repository the schema-2 fixture index was written for, rebuilt byte for byte."""
    sys.path.insert(0, str(DATA))
    try:
        import upgrade_repo
    finally:
        sys.path.remove(str(DATA))
    return upgrade_repo.build(tmp_path / "shop")


def reports(repo: Path, prd: Path) -> tuple[object, object]:
    history = json.loads(cli("history", "-w", str(repo), "--json"))
    review = json.loads(cli("review", "-w", str(repo), str(prd), "--json"))
    return history, review


def test_an_index_written_at_schema_2_upgrades_to_the_same_reports_as_a_fresh_one(tmp_path):
    repo = old_repository(tmp_path)
    prd = tmp_path / "shop.md"
    prd.write_text(PRD)
    db = repo / ".cpto" / "index.duckdb"
    db.parent.mkdir()
    db.write_bytes(gzip.decompress((DATA / "index-schema2.duckdb.gz").read_bytes()))
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    (old_path,) = query(db, "SELECT path FROM repos")[0]
    assert old_path != str(repo)  # written in another folder: the repository moved too

    upgraded = reports(repo, prd)

    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(store.SCHEMA_VERSION),)]
    assert query(db, "SELECT path FROM repos") == [(str(repo),)]  # one repository, at its new folder
    assert query(db, "SELECT count(*) FROM commits") == [(6,)]  # not 12
    shutil.rmtree(repo / ".cpto")
    fresh = reports(repo, prd)
    assert upgraded == fresh
    assert upgraded[0]["repos"][0]["commits"] == 5  # type: ignore[index]


@pytest.mark.parametrize("version", ["99", "garbage", "0"])
def test_an_index_of_an_unknown_schema_is_started_over_with_one_line(repo, tmp_path, version):
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, repo.path)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
        con.execute("DELETE FROM commits WHERE parents = []")  # a difference a rebuild must undo
    notes: list[str] = []
    with store.open_index(db, notes=notes) as con:
        result = index_repository(con, repo.path)
    assert len(notes) == 1 and "started the index over" in notes[0] and "\n" not in notes[0]
    assert result.new_commits == 4
    assert query(db, "SELECT count(*) FROM commits") == [(4,)]


def test_an_index_missing_its_refs_table_does_not_insert_every_commit_again(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, repo.path)
        con.execute("DROP TABLE refs")
    notes: list[str] = []
    with store.open_index(db, notes=notes) as con:
        index_repository(con, repo.path)
    assert notes and "missing tables" in notes[0]
    assert query(db, "SELECT count(*), count(DISTINCT sha) FROM commits") == [(4, 4)]


def test_lost_refs_rows_are_reconciled_not_duplicated(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, repo.path)
        con.execute("DELETE FROM refs")
        repo.commit("feat: after the loss", {"api/late.py": "x = 1\n"})
        result = index_repository(con, repo.path)
    assert result.new_commits == 1
    assert query(db, "SELECT count(*), count(DISTINCT sha) FROM commits") == [(5, 5)]


def test_a_truncated_index_is_a_one_line_error_and_rebuild_starts_over(repo, tmp_path):
    workspace = repo.path
    cli("index", "-w", str(workspace), "--quiet")
    db = workspace / ".cpto" / "index.duckdb"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "history", "-w", str(workspace), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    message = proc.stderr.strip()
    assert message.startswith("cpto: error:") and "--rebuild" in message and "\n" not in message
    out = json.loads(cli("index", "-w", str(workspace), "--rebuild", "--json"))
    assert out["repos"][0]["new_commits"] == 4
    assert json.loads(cli("history", "-w", str(workspace), "--json"))["repos"][0]["commits"] == 4


def test_a_full_disk_during_index_is_a_one_line_error_and_keeps_the_previous_index(make_repo, tmp_path):
    r = make_repo()
    r.commit("feat: first", {"a.py": "a = 1\n"})
    cli("index", "-w", str(r.path), "--quiet")
    db = r.path / ".cpto" / "index.duckdb"
    before = query(db, "SELECT count(*) FROM commits")
    for n in range(300):  # enough new history that writing it needs more than the file may grow by
        r.write(f"big/{n}.py", "".join(f"value_{n}_{i} = {i}\n" for i in range(200)))
    r.commit("feat: a large change " + "word " * 5000)
    limit = 64 << 10  # no file may grow past 64 KiB: the index's log of this run needs more

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: writes fail

    proc = subprocess.run(  # with the review's search words: the run writes more than 64 KiB
        [sys.executable, "-m", "cpto", "index", "-w", str(r.path), "--quiet", "--words"],
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cpto: error:") and "cannot write the index" in lines[0]
    assert "Traceback" not in proc.stderr
    assert query(db, "SELECT count(*) FROM commits") == before  # the previous index, usable
    cli("index", "-w", str(r.path), "--quiet")  # with room again, the run completes
    assert query(db, "SELECT count(*) FROM commits") == [(2,)]


def test_a_moved_workspace_keeps_its_history_once(repo, tmp_path):
    cli("index", "-w", str(repo.path), "--quiet")
    moved = tmp_path / "renamed-workspace"
    repo.path.rename(moved)
    out = json.loads(cli("index", "-w", str(moved), "--json"))
    assert out["repos"][0]["new_commits"] == 0 and out["repos"][0]["total_commits"] == 4
    assert out["repos"][0]["moved_from"].endswith("/repo")
    history = json.loads(cli("history", "-w", str(moved), "--json"))
    assert [(r["path"], r["commits"]) for r in history["repos"]] == [(str(moved), 4)]


def test_two_clones_of_one_repository_in_a_workspace_stay_two(repo, tmp_path):
    other = tmp_path / "second-clone"
    subprocess.run(["git", "clone", "-q", str(repo.path), str(other)], check=True)
    db = tmp_path / "index.duckdb"
    for _ in range(2):
        with store.open_index(db) as con:
            for path in (repo.path, other):
                index_repository(con, path, siblings=[repo.path, other])
    assert sorted(query(db, "SELECT path FROM repos")) == sorted([(str(repo.path),), (str(other),)])
    assert query(db, "SELECT count(*) FROM commits") == [(8,)]


def test_a_fork_with_another_remote_is_another_repository(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, repo.path)
    repo.git("remote", "add", "origin", "https://github.com/acme/shop.git")
    with store.open_index(db) as con:
        index_repository(con, repo.path)  # learns the remote
    fork = tmp_path / "fork"
    subprocess.run(["git", "clone", "-q", str(repo.path), str(fork)], check=True)
    subprocess.run(
        ["git", "-C", str(fork), "remote", "set-url", "origin", "git@github.com:dana/shop.git"], check=True
    )
    shutil.rmtree(repo.path)  # even with the original gone, a fork is not a move
    with store.open_index(db) as con:
        result = index_repository(con, fork)
    assert result.moved_from is None
    assert len(query(db, "SELECT * FROM repos")) == 2


def test_an_ssh_remote_is_the_same_repository_as_https(repo, tmp_path):
    repo.git("remote", "add", "origin", "https://github.com/acme/shop.git")
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, repo.path)
    moved = tmp_path / "moved"
    repo.path.rename(moved)
    subprocess.run(
        ["git", "-C", str(moved), "remote", "set-url", "origin", "git@github.com:acme/shop.git"], check=True
    )
    with store.open_index(db) as con:
        result = index_repository(con, moved)
    assert result.moved_from is not None and result.new_commits == 0


def test_a_deepened_shallow_clone_indexes_what_became_reachable(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        first = index_repository(con, clone)
    assert first.total_commits == 1 and first.shallow
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--deepen", "1"], check=True)
    with store.open_index(db) as con:
        deeper = index_repository(con, clone)
    assert not deeper.up_to_date and deeper.total_commits == 2 and deeper.deepened
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--unshallow"], check=True)
    with store.open_index(db) as con:
        full = index_repository(con, clone)
    with store.open_index(tmp_path / "fresh.duckdb") as con:
        fresh = index_repository(con, clone)
    assert not full.shallow and full.total_commits == fresh.total_commits
    columns = "sha, parents, files, added, deleted"
    assert query(db, f"SELECT {columns} FROM commits ORDER BY sha") == query(
        tmp_path / "fresh.duckdb", f"SELECT {columns} FROM commits ORDER BY sha"
    )


def test_a_partial_clone_without_its_promisor_indexes_in_bounded_time(make_repo, tmp_path):
    source = make_repo("source")
    for n in range(60):
        source.commit(f"feat: change {n}", {f"src/m{n % 7}.py": f"value = {n}\n" * (n + 1)})
    source.git("config", "uploadpack.allowFilter", "true")  # or git clones it whole
    clone = tmp_path / "partial"
    subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", f"file://{source.path}", str(clone)], check=True
    )
    shutil.move(str(source.path), str(tmp_path / "gone"))  # the promisor is unreachable now
    started = time.perf_counter()
    with store.open_index(tmp_path / "index.duckdb") as con:
        result = index_repository(con, clone)
    assert time.perf_counter() - started < 30
    assert result.partial and result.total_commits == 60
    assert any("partial clone" in note for note in result.warnings)
    rows = query(
        tmp_path / "index.duckdb", "SELECT count(*) FILTER (NOT diff_complete), sum(files) FROM commits"
    )
    assert rows[0][0] > 0 and rows[0][1] == 60  # which files changed is still known


def test_a_changed_remote_is_stored_even_when_no_commit_is_new(make_repo, tmp_path):
    from cpto.history import store
    from cpto.history.indexer import index_repository

    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a = 1\n"})
    repo.git("remote", "add", "origin", "https://github.com/acme/old.git")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        repo.git("remote", "set-url", "origin", "https://github.com/acme/shop.git")
        index_repository(con, repo.path)
        repo_id = store.indexed_repo_id(con, repo.path.resolve())
        assert "acme/shop" in (store.stored_remote(con, repo_id) or "")
