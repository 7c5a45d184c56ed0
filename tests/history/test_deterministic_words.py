"""The search words' ids are the same on every run: parallel git readers deliver chunks in any order,
and the vocabulary numbers words in the order it meets them, so chunks are taken in order. (A cluster's
shards must equal a local run's, and two local runs must equal each other.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb

from cpto.history import store
from cpto.history.indexer import index_repository


def _repository(path: Path, n: int = 1600) -> None:
    """``n`` commits, each adding an identifier of its own, in one git fast-import."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    lines = []
    for i in range(n):
        body = f"value_{i} = compute_{i}({i})\n"
        lines += [
            "commit refs/heads/main",
            f"mark :{i + 1}",
            f"committer Dev <dev@example.com> {1_700_000_000 + i * 60} +0000",
            f"data {len(f'add value_{i}')}",
            f"add value_{i}",
            *([f"from :{i}"] if i else []),
            f"M 100644 inline src/m{i % 17}.py",
            f"data {len(body)}",
            body,
        ]
    stream = ("\n".join(lines) + "\n").encode()
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=stream, check=True)


def _words(repo: Path, index: Path) -> list[tuple[object, ...]]:
    with store.open_index(index) as con:
        index_repository(con, repo, jobs=4)
    with duckdb.connect(str(index), read_only=True) as con:
        return con.execute(
            "SELECT w.word_id, w.word, c.sha, c.message FROM words w"
            " JOIN commit_words c ON list_contains(c.message, w.word_id) ORDER BY ALL"
        ).fetchall()


def test_two_runs_number_the_words_alike(tmp_path: Path) -> None:
    _repository(tmp_path / "repo")
    first = _words(tmp_path / "repo", tmp_path / "one.duckdb")
    second = _words(tmp_path / "repo", tmp_path / "two.duckdb")
    assert len(first) > 1600 and first == second


def test_parallel_readers_hand_over_chunks_in_order_when_asked() -> None:
    import time
    from collections.abc import Iterator

    from cpto.history.git import _in_parallel

    shas = [f"c{i}" for i in range(12)]

    def read(chunk: list[str]) -> Iterator[str]:
        if chunk[0] == "c0":
            time.sleep(0.3)  # the first chunk's git process is the slow one
        yield from chunk

    assert list(_in_parallel(shas, read, jobs=3, chunk_size=2, ordered=True)) == shas
    assert list(_in_parallel(shas, read, jobs=3, chunk_size=2)) != shas  # as they come: c0 last
