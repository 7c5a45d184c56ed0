"""The git log reader against hostile commits: whatever a message, name or date holds, a commit comes
back as what git says, or as a one-line problem, never as a traceback or a plausible wrong value."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpto.history import git, store
from cpto.history.indexer import index_repository

OLD_MARKERS = [b"\x1e\x1fcpto\x1f", b"\n\x1e\x1fcpto-diff\x1f", b"%x1e%H%x00%cI%x00%s"]
COUNTER = itertools.count()
HOSTILE = [
    bytes(range(1, 32)) + b"\x7f",  # every control byte but NUL (git refuses NUL in a message)
    *(b"subject " + marker + b" tail\n\nbody " + marker * 3 for marker in OLD_MARKERS),
    b"\xff\xfe invalid \xc3\x28 utf-8 \xed\xa0\x80\n",
    b"\x1e\x1f-then-\x1e\x1e\x1f\x1f",
    b"big " + b"x\x1e\x1f" * 350_000,  # about 1 MB
]


def crafted_commit(repo: Path, *, parent: str | None, author: bytes, message: bytes, date: bytes) -> str:
    """A commit object written byte for byte (``hash-object --literally``), as a hostile or broken tool
    could: git accepts it into the repository and every ref may reach it."""
    tree = subprocess.run(
        ["git", "-C", str(repo), "mktree"], input=b"", capture_output=True, check=True
    ).stdout.strip()
    lines = [b"tree " + tree]
    if parent:
        lines.append(b"parent " + parent.encode())
    lines += [b"author " + author + b" " + date, b"committer C <c@example.com> " + date, b"", message]
    out = subprocess.run(
        ["git", "-C", str(repo), "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        input=b"\n".join(lines),
        capture_output=True,
        check=True,
    )
    return out.stdout.decode().strip()


def read_all(repo: Path, shas: list[str]) -> git.CommitBatch:
    merged = git.CommitBatch()
    for batch in git.read_commits(repo, shas, jobs=2, chunk_size=3):
        merged.sha += batch.sha
        merged.message += batch.message
        merged.author_name += batch.author_name
        merged.author_time += batch.author_time
        merged.problems += batch.problems
    return merged


def test_hostile_messages_are_read_as_written_and_every_report_runs(make_repo, tmp_path):
    r = make_repo()
    r.commit("feat: start", {"src/app.py": "x = 1\n"})
    shas = [r.commit(message, {"src/app.py": f"x = {n}\n"}) for n, message in enumerate(HOSTILE)]
    batch = read_all(r.path, shas)
    assert sorted(batch.sha) == sorted(shas) and not batch.problems
    by_sha = dict(zip(batch.sha, batch.message, strict=True))
    for sha in shas:
        shown = subprocess.run(  # the message after git's own clean-up
            ["git", "-C", str(r.path), "log", "-1", "--format=%B", sha], capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")
        assert by_sha[sha].rstrip("\n") == shown.rstrip("\n")
        assert len(by_sha[sha]) > 10
    for command in (["index"], ["history"], ["people"], ["heartbeat"], ["timeline"]):
        proc = subprocess.run(
            [sys.executable, "-m", "cpto", *command, "-w", str(r.path), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Traceback" not in proc.stderr, (command, proc.stderr)
        assert proc.returncode == 0, (command, proc.stderr)
        json.loads(proc.stdout)
    history = json.loads(
        subprocess.run(
            [sys.executable, "-m", "cpto", "history", "-w", str(r.path), "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert history["repos"][0]["commits"] == len(HOSTILE) + 1


@pytest.mark.parametrize(
    ("date", "stored", "problem"),
    [
        (b"1767225600 +0530", 1767225600, None),
        (b"0 +0000", 0, None),  # what the object says: 1970 is true here
        (b"99999999999999 +0000", None, "is not a date in years 1-9999"),
        (b"18446744073709551617 +0000", None, "is not a date in years 1-9999"),  # git shows 1970
        (b"-100 +0000", None, "unreadable"),
        (b"yesterday +0000", None, "unreadable"),
        (b"1767225600", None, "unreadable"),
    ],
)
def test_a_date_git_cannot_read_is_unknown_with_a_problem_never_1970(
    make_repo, tmp_path, date, stored, problem
):
    r = make_repo()
    base = r.commit("feat: start", {"a.py": "a = 1\n"})
    sha = crafted_commit(r.path, parent=base, author=b"A <a@example.com>", message=b"odd date\n", date=date)
    r.git("update-ref", "refs/heads/main", sha)
    db = tmp_path / "index.duckdb"
    with store.open_index(db) as con:
        result = index_repository(con, r.path)
        row = con.execute("SELECT epoch(author_time)::BIGINT FROM commits WHERE sha = ?", [sha]).fetchall()
        problems = [p for (p,) in con.execute("SELECT problem FROM problems WHERE sha = ?", [sha]).fetchall()]
    assert row == [(stored,)]
    if problem is None:
        assert not problems
    else:
        assert any(problem in p for p in problems) and all("\n" not in p for p in problems)
        assert result.warnings and all("\n" not in w for w in result.warnings)


def test_a_time_zone_that_is_no_offset_is_unknown(make_repo, tmp_path):
    r = make_repo()
    sha = crafted_commit(r.path, parent=None, author=b"A <a@x>", message=b"m\n", date=b"1700000000 +9999")
    batch = read_all(r.path, [sha])
    assert batch.author_time == [1700000000]
    assert any("time zone" in p for _, p in batch.problems)


def stream(data: bytes) -> io.BufferedReader:
    return io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]


def git_output(sha: str, name: bytes, email: bytes, seconds: bytes, body: bytes, numstat: bytes) -> bytes:
    """One record as ``git log -z --numstat`` prints it with the reader's format."""
    fields = [sha.encode(), b"", name, email, seconds, b"2026-01-01T00:00:00+00:00", name, email, seconds]
    fields += [b"2026-01-01T00:00:00+00:00", body]
    return git._RECORD + b"".join(f + git._FIELD for f in fields) + b"\x00\n" + numstat


@settings(max_examples=300, deadline=None)
@given(
    name=st.binary(max_size=80),
    email=st.binary(max_size=40),
    seconds=st.one_of(st.binary(max_size=24), st.integers(-(10**20), 10**20).map(lambda n: str(n).encode())),
    body=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(str.encode),
        st.lists(st.sampled_from([*OLD_MARKERS, b"\x00", b"\x1e", b"\x1f", b"\n", b"x"])).map(b"".join),
    ),
)
def test_any_message_name_or_date_gives_the_commit_or_a_one_line_problem(name, email, seconds, body):
    sha = "ab" * 20
    numstat = b"1\t2\tsrc/a.py\x00-\t-\tlogo.png\x00"
    data = git_output(sha, name, email, seconds, body, numstat) * 2 + git._RECORD
    batch = git.CommitBatch()
    records = [rec for rec, last in git._split_stream(stream(data), git._RECORD) if rec and not last]
    assert len(records) == 2
    for record in records:
        assert git._parse_record(record, batch)
    assert batch.sha == [sha, sha]
    assert batch.message == [body.decode("utf-8", "replace")] * 2
    assert batch.author_name == [name.decode("utf-8", "replace")] * 2
    assert batch.files == [2, 2] and batch.added == [1, 1]
    for when in batch.author_time:
        assert when is None or git._MIN_TIME <= when <= git._MAX_TIME
    if batch.author_time[0] is None:
        assert any("author date" in p for _, p in batch.problems)
    assert all("\n" not in p for _, p in batch.problems)


@settings(max_examples=200, deadline=None)
@given(junk=st.binary(max_size=300))
def test_a_record_that_is_not_what_the_format_asked_for_is_a_problem(junk):
    batch = git.CommitBatch()
    kept = git._parse_record(junk, batch)
    assert kept == (len(batch) == 1)
    if not kept:
        assert len(batch.problems) == 1 and "\n" not in batch.problems[0][1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    message=st.binary(max_size=3000).map(lambda b: b.replace(b"\x00", b"")),
    name=st.binary(min_size=1, max_size=60).map(lambda b: b.replace(b"\n", b"").replace(b"\x00", b"")),
)
def test_real_git_reads_any_crafted_message_and_author(make_repo, message, name):
    r = make_repo(f"r{next(COUNTER)}")
    sha = crafted_commit(
        r.path, parent=None, author=name + b" <x@example.com>", message=message, date=b"1767225600 +0000"
    )
    batch = read_all(r.path, [sha])
    assert batch.sha == [sha] or [s for s, _ in batch.problems] == [sha]
    assert all("\n" not in p for _, p in batch.problems)
    if batch.sha:
        shown = subprocess.run(
            ["git", "-C", str(r.path), "log", "-1", "--format=%B", sha], capture_output=True, check=True
        ).stdout
        assert batch.message[0].rstrip("\n") == shown.decode("utf-8", "replace").rstrip("\n")


def test_file_history_reads_subjects_holding_its_separators(make_repo):
    r = make_repo()
    r.commit("roadmap \x1e\x1f first", {"roadmap.yaml": "items: []\n"})
    r.commit("second \x1e%x00 \x1e", {"roadmap.yaml": "items: [1]\n"})
    versions = git.file_history(r.path / "roadmap.yaml")
    assert [v.subject for v in versions] == ["roadmap \x1e\x1f first", "second \x1e%x00 \x1e"]
    assert [v.text for v in versions] == ["items: []\n", "items: [1]\n"]
