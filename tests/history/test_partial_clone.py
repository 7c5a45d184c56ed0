"""A partial clone (``--filter=blob:none``) with its promisor reachable: the index reads what is there
without fetching anything, in bounded time, says what is missing, and fetches it in one batch on request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from cpto.history import git, store
from cpto.history.indexer import index_repository


def _objects(clone: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(clone), "count-objects", "-v"], capture_output=True, check=True, text=True
    ).stdout
    return sum(int(line.split()[1]) for line in out.splitlines() if line.startswith(("count:", "in-pack:")))


def _partial_clone(make_repo, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    source = make_repo("source")
    for n in range(40):
        source.commit(f"feat: change {n}", {f"src/m{n % 5}.py": f"value = {n}\n" * (n + 1)})
    source.commit("docs: notes", {"docs/notes.md": "notes\n"})  # adds a file the clone checks out
    source.git("config", "uploadpack.allowFilter", "true")
    source.git("config", "uploadpack.allowAnySHA1InWant", "true")
    clone = tmp_path / "partial"
    subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", "--no-local", f"file://{source.path}", str(clone)],
        check=True,
        capture_output=True,
    )
    return clone


def test_a_reachable_promisor_is_not_asked_for_blobs_and_the_gap_is_named(make_repo, tmp_path):
    clone = _partial_clone(make_repo, tmp_path)
    before = _objects(clone)
    env = {**os.environ, "COLUMNS": "300"}
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "index", "-w", str(clone)],
        capture_output=True,
        text=True,
        timeout=120,  # one fetch per commit would be a hang on a large repository
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert _objects(clone) == before, "reading fetched objects from the promisor"
    said = " ".join((proc.stdout + proc.stderr).split())
    assert "partial clone" in said and "of 41 new commits could not be read completely" in said
    assert "blobs were never fetched" in said and "--fetch-blobs" in said
    con = duckdb.connect(str(clone / ".cpto" / "index.duckdb"), read_only=True)
    count, complete, files = con.execute(
        "SELECT count(*), count(*) FILTER (diff_complete), sum(files) FROM commits"
    ).fetchone() or (0, 0, 0)
    unknown = con.execute("SELECT count(*) FROM commits WHERE NOT diff_complete AND added IS NULL").fetchone()
    con.close()
    assert count == 41 and files == 41  # every commit and which file it changed
    # The commit that added docs/notes.md needs only a checked-out blob, so it is counted; every other
    # commit changed a version the clone never fetched, and is marked, never guessed.
    assert complete == 1 and unknown == (40,)


def test_fetch_blobs_fetches_in_one_batch_and_completes_the_index(make_repo, tmp_path):
    clone = _partial_clone(make_repo, tmp_path)
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        first = index_repository(con, clone)
    assert first.problems and git.missing_blobs(clone, git.rev_list(clone, ["HEAD"]))
    with store.open_index(db) as con:
        second = index_repository(con, clone, fetch_blobs=True)
    assert not second.problems and not second.warnings and second.total_commits == 41
    assert not git.missing_blobs(clone, git.rev_list(clone, ["HEAD"]))
    with store.open_index(tmp_path / "full.duckdb") as con:
        index_repository(con, clone)
    columns = "sha, files, added, deleted, diff_complete"
    rows = [
        duckdb.connect(str(path), read_only=True)
        .execute(f"SELECT {columns} FROM commits ORDER BY sha")
        .fetchall()
        for path in (db, tmp_path / "full.duckdb")
    ]
    assert rows[0] == rows[1] and all(row[-1] for row in rows[0])


def test_an_unreachable_promisor_with_fetch_blobs_is_one_line_and_keeps_the_index(make_repo, tmp_path):
    clone = _partial_clone(make_repo, tmp_path)
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        index_repository(con, clone)
    (tmp_path / "source").rename(tmp_path / "gone")
    try:
        with store.open_index(db) as con:
            index_repository(con, clone, fetch_blobs=True)
    except git.GitError as err:
        assert "\n" not in err.message and "missing blobs" in err.message
    else:
        raise AssertionError("fetching from a promisor that is gone must fail")
    con2 = duckdb.connect(str(db), read_only=True)
    assert con2.execute("SELECT count(*) FROM commits").fetchone() == (41,)


def test_cpto_index_fetch_blobs_counts_the_lines_a_first_run_could_not(make_repo, tmp_path):
    clone = _partial_clone(make_repo, tmp_path)
    run = [sys.executable, "-m", "cpto", "index", "-w", str(clone), "-q"]
    subprocess.run(run, capture_output=True, timeout=120, check=True)
    subprocess.run([*run, "--fetch-blobs"], capture_output=True, timeout=120, check=True)
    con = duckdb.connect(str(clone / ".cpto" / "index.duckdb"), read_only=True)
    incomplete = con.execute("SELECT count(*) FROM commits WHERE NOT diff_complete").fetchone()
    con.close()
    assert incomplete == (0,)  # the unchanged refs did not skip the fetch
