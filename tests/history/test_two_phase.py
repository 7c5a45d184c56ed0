"""Two-phase index: commits and paths first (``lines=False``), line counts after, consistent throughout.

Built on real repositories (git CLI, git fast-import) and the real DuckDB index; each phase is compared
with a one-phase index of the same repository, row by row.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from cpto.history import git, store
from cpto.history.indexer import index_repository

_COMMITS = "SELECT * EXCLUDE (repo_id) FROM commits ORDER BY sha"
_CHANGES = "SELECT * EXCLUDE (repo_id) FROM file_changes ORDER BY sha, path, old_path NULLS FIRST"
_PROBLEMS = "SELECT * EXCLUDE (repo_id) FROM problems ORDER BY ALL"


def _varied(make_repo):  # type: ignore[no-untyped-def]
    """Edits, a rename, a binary file, a mode change, a deletion, a merge and an empty commit."""
    repo = make_repo("varied")
    repo.commit("feat: start", {"src/a.py": "a = 1\n" * 30, "docs/x.md": "hello\n"})
    repo.commit("feat: binary", {"logo.png": b"\x89PNG\0\0\x01" * 50})
    repo.git("mv", "src/a.py", "src/renamed.py")
    repo.commit("refactor: rename", {"src/renamed.py": "a = 1\n" * 30 + "b = 2\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("feat: topic", {"src/topic.py": "t = 1\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("fix: docs", {"docs/x.md": "hello\nworld\n"})
    repo.merge("topic", "Merge branch 'topic'")
    (repo.path / "docs/x.md").unlink()
    repo.commit("chore: drop docs")
    repo.git("update-index", "--chmod=+x", "src/topic.py")
    repo.commit("chore: executable")
    repo.commit("chore: empty")
    return repo


def _rows(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with store.open_index(db, read_only=True) as con:
        return tuple(con.execute(q).fetchall() for q in (_COMMITS, _CHANGES, _PROBLEMS))


def _one_phase(path: Path, db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with store.open_index(db) as con:
        index_repository(con, path)
    return _rows(db)


def test_phase_one_holds_every_commit_and_path_without_line_counts(make_repo, tmp_path):
    repo = _varied(make_repo)
    commits, changes, _ = _one_phase(repo.path, tmp_path / "one.duckdb")
    with store.open_index(tmp_path / "two.duckdb") as con:
        result = index_repository(con, repo.path, lines=False)
        assert store.count_pending(con) == len(commits) == result.pending == result.new_commits
        assert con.execute("SELECT count(*) FROM commit_words").fetchone() == (0,)  # words wait too
    first, first_changes, problems = _rows(tmp_path / "two.duckdb")
    # The same commits with the same metadata; counts unknown (NULL), never a plausible 0.
    assert [row[:12] for row in first] == [row[:12] for row in commits]
    assert {row[12:] for row in first} == {(None, None, False)}
    # The same paths, renames included; no counts, no binary flag yet.
    assert [row[:3] for row in first_changes] == [row[:3] for row in changes]
    assert {row[3:] for row in first_changes} == {(None, None, False)}
    assert ("src/renamed.py", "src/a.py") in {(row[1], row[2]) for row in first_changes}
    assert problems == sorted((row[0], git.LINES_PENDING) for row in commits)
    assert any("line counts not computed yet for" in note for note in result.warnings)
    assert not any("could not be read completely" in note for note in result.warnings)


def test_phase_two_leaves_exactly_what_a_one_phase_index_holds(make_repo, tmp_path):
    repo = _varied(make_repo)
    one = _one_phase(repo.path, tmp_path / "one.duckdb")
    with store.open_index(tmp_path / "two.duckdb") as con:
        index_repository(con, repo.path, lines=False)
        assert store.pending_note(con) is not None
        result = index_repository(con, repo.path)
        assert result.counted == len(one[0]) and result.pending == 0 and not result.new_commits
        assert store.pending_note(con) is None
        words = con.execute("SELECT count(*) FROM commit_words").fetchone()
    assert _rows(tmp_path / "two.duckdb") == one
    assert words == (len(one[0]),)


def test_new_commits_after_phase_one_are_read_once_and_counted(make_repo, tmp_path):
    repo = _varied(make_repo)
    with store.open_index(tmp_path / "two.duckdb") as con:
        index_repository(con, repo.path, lines=False)
        repo.commit("feat: later", {"src/later.py": "x = 1\ny = 2\n"})
        result = index_repository(con, repo.path)
        assert result.new_commits == 1 and result.pending == 0
    assert _rows(tmp_path / "two.duckdb") == _one_phase(repo.path, tmp_path / "one.duckdb")


def _many_commits(path: Path, n: int) -> None:
    """``n`` commits (with a rename every 50) in one git fast-import: enough for several batches."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    lines = []
    for i in range(n):
        lines += [
            "commit refs/heads/main",
            f"mark :{i + 1}",
            f"committer Dev <dev@example.com> {1_700_000_000 + i * 60} +0000",
            f"data {len(f'change {i}')}",
            f"change {i}",
        ]
        if i:
            lines.append(f"from :{i}")
        body = "".join(f"line {j} of {i}\n" for j in range(i % 7 + 1))
        lines += [f"M 100644 inline src/f{i % 13}.py", f"data {len(body.encode())}", body]
        if i % 50 == 49:
            lines.append(f"R src/f{i % 13}.py src/moved{i}.py")
    stream = ("\n".join(lines) + "\n").encode()
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=stream, check=True)


class _Stop(Exception):
    """Stands for an interruption (Ctrl-C, a killed worker) after the first counted batch."""


def test_an_interrupted_phase_two_is_consistent_and_the_next_run_counts_the_rest(tmp_path):
    path = tmp_path / "many"
    _many_commits(path, 1200)
    one = _one_phase(path, tmp_path / "one.duckdb")
    db = tmp_path / "two.duckdb"
    with store.open_index(db) as con:
        index_repository(con, path, lines=False)

        def stop(_: int) -> None:
            raise _Stop

        with pytest.raises(_Stop):
            index_repository(con, path, on_advance=stop)
        counted, pending = _state(con)
        assert counted and pending and counted + pending == 1200
        assert store.count_pending(con) == pending
        result = index_repository(con, path)
        assert result.counted == pending and result.pending == 0
    assert _rows(db) == one


def _state(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(commits counted, commits waiting), checking each is wholly one or the other."""
    rows = con.execute(
        """
        SELECT c.diff_complete, c.added IS NULL, p.sha IS NOT NULL,
               bool_and(f.added IS NULL) FILTER (f.sha IS NOT NULL), count(*) OVER ()
        FROM commits c
        LEFT JOIN (SELECT DISTINCT sha FROM problems WHERE problem = ?) p USING (sha)
        LEFT JOIN file_changes f USING (sha)
        GROUP BY c.sha, c.diff_complete, c.added, p.sha
        """,
        [git.LINES_PENDING],
    ).fetchall()
    counted = sum(1 for done, no_count, waiting, _, _ in rows if done and not no_count and not waiting)
    pending = sum(
        1 for done, no_count, waiting, no_lines, _ in rows if not done and no_count and waiting and no_lines
    )
    assert counted + pending == len(rows)
    return counted, pending
