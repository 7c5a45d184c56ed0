"""The one git reader: refs, commit lists and a streaming parse of ``git log --numstat``.

Everything goes through the git CLI, which is the fastest and most faithful reader of a repository
there is. Commits are read in parallel chunks (one ``git log`` process per core) and parsed as the
bytes arrive, so memory stays bounded by the chunk size, not by the repository.
"""

from __future__ import annotations

import io
import os
import queue
import re
import secrets
import subprocess
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, cast

from cpto.errors import CptoError

# Git prints commit messages and names byte for byte, so any fixed separator can be forged by a commit
# message (a message holding the separator once broke every report). The separators carry a random
# token drawn when cpto starts, which no commit written before can contain; fields are split on it, never
# on NUL or control bytes, and every record is checked before it is kept.
_TOKEN = secrets.token_hex(12)
_RECORD = f"\x1e{_TOKEN}\x1e".encode()  # starts a record
_FIELD = f"\x1f{_TOKEN}\x1f".encode()  # ends each field
_RECORD_FORMAT = f"%x1e{_TOKEN}%x1e"
_FIELD_FORMAT = f"%x1f{_TOKEN}%x1f"
_HEADER_FIELDS = ("%H", "%P", "%an", "%ae", "%at", "%aI", "%cn", "%ce", "%ct", "%cI", "%B")
_LOG_FORMAT = "--format=" + _RECORD_FORMAT + "".join(f + _FIELD_FORMAT for f in _HEADER_FIELDS)
_READ_SIZE = 1 << 20
# A file at a revision is read as text up to this size: the review's corpus, the hotspots and HEAD's
# file figures all stop here, so a file counts the same in each.
MAX_TEXT_BYTES = 1 << 20
_DIFF_FORMAT = _RECORD_FORMAT + "%H" + _FIELD_FORMAT
_SHA = re.compile(rb"[0-9a-f]{40}([0-9a-f]{24})?")
# The instants a DuckDB TIMESTAMPTZ and a Python datetime both hold: 0001-01-01 to 9999-12-31 (UTC).
_MIN_TIME, _MAX_TIME = -62_135_596_800, 253_402_300_799
MAX_ADDED_BYTES = 256 << 10  # per commit: enough for any hand-written change; a vendored import is cut


@dataclass(frozen=True)
class Ref:
    """A branch, tag, remote-tracking branch or detached HEAD, peeled to the commit it names."""

    name: str
    kind: str  # branch | tag | remote | head
    commit: str
    tag_object: str | None = None
    tagger_time: int | None = None


@dataclass(frozen=True)
class RepoState:
    """What a repository looks like right now, before any commit is read."""

    path: Path
    git_dir: Path
    shallow: bool
    partial: bool
    head_ref: str | None  # e.g. refs/heads/main; None when HEAD is detached or unborn
    refs: list[Ref]
    remote: str = ""  # where it was cloned from, normalised (host/owner/name): part of its identity
    shallow_commits: list[str] = field(default_factory=list)  # the shallow boundary, when shallow

    @property
    def tips(self) -> list[str]:
        """The distinct commits the refs point at, in a stable order."""
        return sorted({ref.commit for ref in self.refs})


@dataclass
class CommitBatch:
    """Commits and their file changes in columns, ready for a bulk insert."""

    sha: list[str] = field(default_factory=list)
    parents: list[list[str]] = field(default_factory=list)
    author_name: list[str] = field(default_factory=list)
    author_email: list[str] = field(default_factory=list)
    author_time: list[int | None] = field(default_factory=list)  # None: a date git cannot read
    author_tz: list[int | None] = field(default_factory=list)
    committer_name: list[str] = field(default_factory=list)
    committer_email: list[str] = field(default_factory=list)
    committer_time: list[int | None] = field(default_factory=list)
    committer_tz: list[int | None] = field(default_factory=list)
    message: list[str] = field(default_factory=list)
    files: list[int] = field(default_factory=list)
    added: list[int | None] = field(default_factory=list)  # None: line counts unknown (partial clone)
    deleted: list[int | None] = field(default_factory=list)
    diff_complete: list[bool] = field(default_factory=list)
    change_sha: list[str] = field(default_factory=list)
    change_path: list[str] = field(default_factory=list)
    change_old_path: list[str | None] = field(default_factory=list)
    change_added: list[int | None] = field(default_factory=list)
    change_deleted: list[int | None] = field(default_factory=list)
    change_binary: list[bool] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (sha, what could not be read)

    def __len__(self) -> int:
        return len(self.sha)


class GitError(CptoError):
    """A git command failed in a way the user has to fix (not a repository, corrupt objects...)."""


def git_command(repo: Path, *args: str) -> list[str]:
    """The argv for a git command in ``repo`` with settings that make output stable and parseable."""
    return [
        "git",
        "-C",
        str(repo),
        "-c",
        "core.quotepath=off",
        "-c",
        "log.showSignature=false",
        "-c",
        "i18n.logOutputEncoding=UTF-8",
        # cpto only reads: a partial clone's missing object fails at once instead of costing a network
        # fetch (or a timeout) each; GIT_NO_LAZY_FETCH says the same to git 2.44 and later.
        "-c",
        "protocol.allow=never",
        *args,
    ]


def git_env() -> dict[str, str]:
    """Environment for git: no pager, no prompts, and no network fetch of missing objects."""
    env = dict(os.environ)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_NO_LAZY_FETCH="1",
        GIT_PAGER="cat",
        GIT_LITERAL_PATHSPECS="1",  # a record named "rm [x].yaml" is that file, not a pattern
        LC_ALL="C",
    )
    return env


def run_git(repo: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
    """Run git and return its standard output; raise GitError with git's own first line on failure."""
    try:
        proc = subprocess.run(
            git_command(repo, *args),
            input=stdin,
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except FileNotFoundError:
        raise CptoError("git is not installed or not on PATH") from None
    if check and proc.returncode != 0:
        raise GitError(f"{repo}: git {args[0]} failed: {_first_line(proc.stderr)}")
    return proc.stdout


def open_repository(path: Path) -> RepoState:
    """Check that ``path`` is a readable git repository and read its refs."""
    path = path.expanduser().resolve()
    if not path.exists():
        raise CptoError(f"{path}: repository folder does not exist")
    probe = subprocess.run(
        git_command(path, "rev-parse", "--absolute-git-dir", "--is-shallow-repository", "--git-common-dir"),
        capture_output=True,
        env=git_env(),
        check=False,
    )
    if probe.returncode != 0:
        raise CptoError(f"{path}: not a git repository ({_first_line(probe.stderr)})")
    git_dir_line, shallow_line, common_line = probe.stdout.decode("utf-8", "replace").splitlines()[:3]
    git_dir = Path(git_dir_line)
    settings = run_git(
        path,
        "config",
        "-z",
        "--get-regexp",
        r"^(remote\..*\.(promisor|url)|extensions\.partialclone)$",
        check=False,
    )
    partial, remote = _remote_settings(settings)
    shallow = shallow_line.strip() == "true"
    head_ref = run_git(path, "symbolic-ref", "-q", "HEAD", check=False).decode().strip() or None
    return RepoState(
        path=path,
        git_dir=git_dir,
        shallow=shallow,
        partial=partial,
        head_ref=head_ref,
        refs=read_refs(path, head_ref),
        remote=remote,
        shallow_commits=_shallow_commits(path / common_line.strip()) if shallow else [],
    )


def _remote_settings(config: bytes) -> tuple[bool, str]:
    """(partial clone?, the normalised URL of ``origin``, else of the first remote) from ``git config -z``."""
    partial = False
    urls: dict[str, str] = {}
    for entry in config.split(b"\0"):
        key, _, value = entry.decode("utf-8", "replace").partition("\n")
        if key.endswith(".promisor") or key == "extensions.partialclone":
            partial = partial or value.strip().lower() not in ("false", "no", "off", "0", "")
        elif key.startswith("remote.") and key.endswith(".url"):
            urls.setdefault(key[len("remote.") : -len(".url")], value.strip())
    url = urls.get("origin") or next((urls[name] for name in sorted(urls)), "")
    return partial, normalise_remote(url)


def normalise_remote(url: str) -> str:
    """One spelling per remote repository: ``git@github.com:acme/api.git``, ``ssh://git@github.com/acme/api``
    and ``https://github.com/acme/api/`` are all ``github.com/acme/api``, so switching from HTTPS to SSH
    does not make a repository a different one."""
    url = url.strip().rstrip("/").removesuffix(".git").rstrip("/")
    if "://" in url:
        url = url.split("://", 1)[1]
        host, _, rest = url.partition("/")
        url = host.rpartition("@")[2].lower() + ("/" + rest if rest else "")
    elif re.match(r"^[^/:]+@?[^/:]*:[^/]", url) and not re.match(r"^[A-Za-z]:[\\/]", url):
        host, _, rest = url.partition(":")  # scp-like: [user@]host:path
        url = host.rpartition("@")[2].lower() + "/" + rest.lstrip("/")
    return url


def _shallow_commits(common_dir: Path) -> list[str]:
    """The commits at a shallow clone's boundary (git lists them in ``shallow``), sorted."""
    try:
        text = (common_dir / "shallow").read_text("ascii", "replace")
    except OSError:
        return []
    return sorted(line.strip() for line in text.splitlines() if line.strip())


def root_commits(repo: Path, tips: Sequence[str]) -> list[str]:
    """The commits without parents reachable from ``tips``, sorted: what a repository is, wherever its
    folder lives (a fork shares them, which is why the remote is part of the identity too)."""
    if not tips:
        return []
    out = run_git(repo, "rev-list", "--max-parents=0", "--stdin", stdin="\n".join(tips).encode() + b"\n")
    return sorted(out.decode().split())


def read_refs(repo: Path, head_ref: str | None) -> list[Ref]:
    """Branches, tags and remote-tracking branches peeled to commits, plus a detached HEAD."""
    out = run_git(
        repo,
        "for-each-ref",
        "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"
        "%00%(taggerdate:unix)",
        "refs/heads",
        "refs/tags",
        "refs/remotes",
    )
    refs: list[Ref] = []
    for line in out.decode("utf-8", "backslashreplace").splitlines():
        ref = _parse_ref_line(line)
        if ref is not None:
            refs.append(ref)
    if head_ref is None:
        head = run_git(repo, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).decode().strip()
        if head:
            refs.append(Ref(name="HEAD", kind="head", commit=head))
    return refs


def _parse_ref_line(line: str) -> Ref | None:
    """One for-each-ref line to a Ref; None for refs that do not end at a commit."""
    name, objtype, objname, peeled_type, peeled_name, tagger = line.split("\0")
    kind = {"refs/heads/": "branch", "refs/tags/": "tag", "refs/remotes/": "remote"}
    prefix = next(p for p in kind if name.startswith(p))
    short = name[len(prefix) :]
    if short.endswith("/HEAD") and prefix == "refs/remotes/":
        return None
    if objtype == "commit":
        return Ref(name=short, kind=kind[prefix], commit=objname)
    if objtype == "tag" and peeled_type == "commit":
        return Ref(
            name=short,
            kind=kind[prefix],
            commit=peeled_name,
            tag_object=objname,
            tagger_time=int(tagger) if tagger else None,
        )
    return None


def rev_list(repo: Path, include: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Commits reachable from ``include`` but not from ``exclude``, newest first."""
    if not include:
        return []
    revs = "\n".join([*include, *(f"^{sha}" for sha in exclude)]).encode() + b"\n"
    out = run_git(repo, "rev-list", "--stdin", stdin=revs)
    return out.decode().split()


def existing_commits(repo: Path, shas: Sequence[str]) -> set[str]:
    """The subset of ``shas`` whose commit objects are still in the repository."""
    if not shas:
        return set()
    out = run_git(
        repo, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin="\n".join(shas).encode()
    )
    found = set()
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] == "commit":
            found.add(parts[0])
    return found


@dataclass(frozen=True)
class TreeFile:
    """A file of a commit's tree: its path and text, or why its text was not read."""

    path: str
    size: int
    text: str | None
    skipped: str = ""  # "binary", "too large", "submodule", "not read" when text is None
    object: str = ""  # the blob's id: the same id is the same text in every commit


def read_tree_files(
    repo: Path,
    rev: str = "HEAD",
    *,
    max_bytes: int = MAX_TEXT_BYTES,
    wanted: Callable[[str, str], bool] | None = None,
) -> Iterator[TreeFile]:
    """Every file in ``rev``'s tree with its text; binary and oversized files come back without text.

    ``wanted(path, object id)`` chooses which files to read; the others come back without text
    (skipped "not read"), so a caller that remembers blobs by id reads each version once.
    One ``git ls-tree`` and one ``git cat-file --batch`` process, so reading a few thousand files costs
    two process starts, not one per file.
    """
    listing = run_git(repo, "ls-tree", "-r", "-z", "--long", rev)
    chosen: list[tuple[str, str, int]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        _mode, kind, raw_obj, size = meta.split(None, 3)
        path, obj = _path(raw_path), raw_obj.decode()
        if kind != b"blob":
            yield TreeFile(path, 0, None, "submodule", obj)
            continue
        size_n = int(size) if size.strip().isdigit() else 0
        if size_n > max_bytes:
            yield TreeFile(path, size_n, None, "too large", obj)
        elif wanted is not None and not wanted(path, obj):
            yield TreeFile(path, size_n, None, "not read", obj)
        else:
            chosen.append((path, obj, size_n))
    for chunk in _size_chunks(chosen, limit=16 << 20):
        for (path, obj, size_n), data in zip(chunk, cat_blobs(repo, [o for _, o, _ in chunk]), strict=True):
            if data is None:
                continue
            if b"\0" in data[:8000]:
                yield TreeFile(path, size_n, None, "binary", obj)
            else:
                yield TreeFile(path, size_n, _text(data), "", obj)


def commit_before(repo: Path, moment: datetime, rev: str = "HEAD") -> str | None:
    """The newest commit reachable from ``rev`` committed before ``moment``: the code as it stood then."""
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = run_git(repo, "rev-list", "-1", f"--before={stamp}", rev).strip()
    return out.decode() if out else None


def cat_blobs(repo: Path, objects: Sequence[str]) -> list[bytes | None]:
    """The contents of ``objects`` (ids or ``rev:path``) from one ``git cat-file --batch``; None if missing."""
    if not objects:
        return []
    blobs = run_git(repo, "cat-file", "--batch", stdin="\n".join(objects).encode() + b"\n")
    out: list[bytes | None] = []
    offset = 0
    for _ in objects:
        header_end = blobs.index(b"\n", offset)
        header = blobs[offset:header_end].split()
        if header[-1] == b"missing":
            out.append(None)
            offset = header_end + 1
            continue
        length = int(header[2])
        out.append(blobs[header_end + 1 : header_end + 1 + length])
        offset = header_end + 1 + length + 1
    return out


def _in_repository(path: Path) -> tuple[Path, str] | None:
    """The top of the repository holding ``path`` and ``path`` relative to it, or None outside any."""
    top = run_git(path.parent, "rev-parse", "--show-toplevel", check=False).decode().strip()
    if not top:
        return None
    root = Path(top)
    try:  # a file linked out of its repository, or round a loop, is in no repository
        return root, path.resolve(strict=False).relative_to(root.resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):
        return None


def _size_chunks(items: list[tuple[str, str, int]], *, limit: int) -> Iterator[list[tuple[str, str, int]]]:
    """Split (path, object, size) items into runs of at most ``limit`` bytes, so memory stays bounded."""
    chunk: list[tuple[str, str, int]] = []
    total = 0
    for item in items:
        if chunk and total + item[2] > limit:
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += item[2]
    if chunk:
        yield chunk


def read_commits(
    repo: Path,
    shas: Sequence[str],
    *,
    jobs: int | None = None,
    chunk_size: int | None = None,
    batch_size: int = 1000,
    partial: bool = False,
    lines: bool = True,
) -> Iterator[CommitBatch]:
    """Stream the metadata and file changes of ``shas`` as batches.

    Without ``lines`` only who, when and which paths changed are read (``git log --raw -M`` reads
    trees, never blobs: about a tenth of the cost of ``--numstat`` on pytest), and every commit comes
    back marked incomplete with the problem ``LINES_PENDING``: the first phase of a two-phase index,
    whose second phase reads the same commits again with line counts.

    Chunks of commits go to ``jobs`` parallel ``git log --no-walk --stdin --numstat`` processes;
    a bounded queue between the readers and the consumer keeps memory flat. A chunk that git cannot
    finish (a corrupt object) is retried without the commit that failed, which is then kept with its
    metadata only and reported in ``CommitBatch.problems``. In a ``partial`` clone, where most old
    blobs were never fetched, the rest of such a chunk is read without line counts instead (which
    files changed, from the trees), so a clone whose promisor is gone costs a few git processes per
    chunk, not one per commit.
    """
    if not shas:
        return
    if not lines:
        yield from _in_parallel(shas, lambda chunk: _paths_chunk(repo, chunk, batch_size), jobs, chunk_size)
        return
    lacking: set[str] = set()
    if partial:
        missing = missing_blobs(repo, shas)
        lacking = commits_lacking(repo, shas, missing, jobs=jobs) if missing else set()
    readable = [sha for sha in shas if sha not in lacking] if lacking else shas
    yield from _in_parallel(
        readable, lambda chunk: _read_chunk(repo, chunk, batch_size, partial=partial), jobs, chunk_size
    )
    if lacking:
        unread = [sha for sha in shas if sha in lacking]
        yield from _in_parallel(
            unread, lambda chunk: _without_blobs(repo, chunk, UNFETCHED), jobs, chunk_size
        )


UNFETCHED = "never fetched"  # how the problems of a partial clone's commits end: see IndexResult.warnings
# The problem a commit read without line counts carries until the second phase counts them: it is what
# tells those commits from the ones whose counts git could not compute (a partial clone's, a damaged one).
LINES_PENDING = "line counts not computed yet"


def _paths_chunk(repo: Path, chunk: list[str], batch_size: int) -> Iterator[CommitBatch]:
    """One chunk read with ``--raw -M`` (who, when, which paths; renames found the way ``--numstat -M``
    finds them), each commit marked as waiting for its line counts. A chunk git cannot finish (a
    damaged tree) is read the one-phase way instead, which keeps what can be kept and reports the rest."""
    records = _raw_records(repo, chunk, ["--raw", "-M", "--no-abbrev", "--no-color"])
    if records is None:
        yield from _read_chunk(repo, chunk, batch_size)
        return
    yield from _unsized(records, LINES_PENDING, batch_size)


def _raw_records(repo: Path, chunk: list[str], args: list[str]) -> list[bytes] | None:
    """The log records of ``chunk`` read with ``args`` (no line counts), or None when git stopped early."""
    out = run_git(
        repo, "log", "--no-walk=unsorted", "--stdin", "-z", *args, _LOG_FORMAT, stdin=_lines(chunk), check=False
    )  # fmt: skip
    records = out.split(_RECORD)[1:]
    return records if len(records) == len(chunk) else None


def _unsized(records: list[bytes], problem: str, batch_size: int) -> Iterator[CommitBatch]:
    """Commits read without line counts (``--raw`` or bare metadata): their files when the records
    have them, sizes unknown, each marked incomplete with ``problem``."""
    batch = CommitBatch()
    for record in records:
        fields = record.split(_FIELD)
        rest = fields.pop() if len(fields) == len(_HEADER_FIELDS) + 1 else b""
        if not _parse_record(_FIELD.join([*fields, b""]), batch):
            continue
        batch.files[-1] = _parse_raw(rest, batch.sha[-1], batch)
        batch.added[-1] = batch.deleted[-1] = None
        batch.diff_complete[-1] = False
        batch.problems.append((batch.sha[-1], problem))
        if len(batch) >= batch_size:
            yield batch
            batch = CommitBatch()
    if len(batch) or batch.problems:  # a record git wrote but nobody could read is still reported
        yield batch


def missing_blobs(repo: Path, shas: Sequence[str]) -> set[str]:
    """The blobs the trees of ``shas`` (and their history) name that this partial clone never fetched.

    ``rev-list --missing=print`` lists them without fetching any: one process that reads trees only,
    about as fast as ``git log --raw``. Knowing them up front is what keeps a partial clone from costing
    one promisor round trip (or one failed git process) per commit.
    """
    if not shas:
        return set()
    out = run_git(repo, "rev-list", "--objects", "--missing=print", "--stdin", stdin=_lines(shas))
    return {line[1:] for line in out.decode().splitlines() if line.startswith("?")}


def commits_lacking(
    repo: Path, shas: Sequence[str], missing: set[str], *, jobs: int | None = None
) -> set[str]:
    """The commits of ``shas`` whose line counts git cannot compute without fetching: one of the files
    they change has a ``missing`` blob, or (``--filter=tree:0``) their trees are not there to say."""
    seen: set[str] = set()
    lacking: set[str] = set()
    for sha, blobs in _in_parallel(shas, lambda chunk: _raw_blobs(repo, chunk), jobs):
        seen.add(sha)
        if blobs & missing:
            lacking.add(sha)
    return lacking | (set(shas) - seen)


def _raw_blobs(repo: Path, chunk: list[str]) -> Iterator[tuple[str, set[str]]]:
    """``(sha, the old and new blob ids of the files it changed)`` for each commit of ``chunk``."""
    out = run_git(
        repo,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "-z",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        "--format=" + _DIFF_FORMAT,
        stdin=_lines(chunk),
        check=False,
    )  # fmt: skip: a commit git cannot read is left out, and counted as lacking
    for record in out.split(_RECORD)[1:]:
        head, _, rest = record.partition(_FIELD)
        blobs: set[str] = set()
        for token in rest.split(b"\0"):
            token = token.lstrip(b"\n")
            if token.startswith(b":"):
                parts = token.split()
                if len(parts) >= 4:
                    blobs.update(p.decode() for p in parts[2:4] if p.strip(b"0"))
        yield head.decode("ascii", "replace"), blobs


def promisor_remote(repo: Path) -> str | None:
    """The name of the remote a partial clone fetches missing objects from (``remote.<name>.promisor``)."""
    out = run_git(repo, "config", "-z", "--get-regexp", r"^remote\..*\.promisor$", check=False)
    for entry in out.split(b"\0"):
        key, _, value = entry.decode("utf-8", "replace").partition("\n")
        if key and value.strip().lower() in ("true", "yes", "on", "1"):
            return key[len("remote.") : -len(".promisor")]
    return None


def fetch_blobs(repo: Path, blobs: Sequence[str]) -> None:
    """Fetch ``blobs`` from the promisor remote in ONE request, the way git's own lazy fetch asks for a
    batch (``fetch --filter=blob:none --stdin`` with the ids). Reading a partial clone otherwise fetches
    one commit's blobs per round trip: on encode/httpx 4,699 blobs came in 0.7 s as one batch, while
    lazy fetching got through about 1,600 in 20 s. The only cpto command that uses the network."""
    if not blobs:
        return
    remote = promisor_remote(repo)
    if remote is None:
        raise GitError(f"{repo}: no promisor remote to fetch the missing blobs from")
    argv = ["git", "-C", str(repo), "-c", "fetch.negotiationAlgorithm=noop", "fetch", remote]
    argv += ["--no-tags", "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin"]
    proc = subprocess.run(argv, input=_lines(blobs), capture_output=True, env=git_env(), check=False)
    if proc.returncode != 0:
        raise GitError(
            f"{repo}: fetching {len(blobs)} missing blobs from {remote} failed: {_first_line(proc.stderr)}"
        )


def _lines(items: Sequence[str]) -> bytes:
    return ("\n".join(items) + "\n").encode()


T = TypeVar("T")


def _in_parallel(
    shas: Sequence[str],
    read: Callable[[list[str]], Iterator[T]],
    jobs: int | None,
    chunk_size: int | None = None,
    *,
    ordered: bool = False,
) -> Iterator[T]:
    """Run ``read`` over chunks of ``shas`` in parallel threads (each drives its own git process) and
    stream what they yield; a bounded queue between readers and consumer keeps memory flat.

    ``ordered``: yield every chunk's items in the chunks' order, as one reader would (a chunk that
    finishes early waits in memory for the ones before it), so what is built from them in order, such
    as a vocabulary's word ids, is the same on every run."""
    # One reader more than cores: while a reader waits on its pipe for Python to parse, git keeps a core busy.
    jobs = max(1, jobs or (os.cpu_count() or 1) + 1)
    # A few chunks per reader balance the load; fewer processes save git's start-up and pack loading.
    chunk_size = chunk_size or max(500, -(-len(shas) // (jobs * 3)))
    chunks = [list(shas[i : i + chunk_size]) for i in range(0, len(shas), chunk_size)]
    todo: queue.SimpleQueue[tuple[int, list[str]]] = queue.SimpleQueue()
    for number, chunk in enumerate(chunks):
        todo.put((number, chunk))
    out: queue.Queue[tuple[int, T] | _ChunkEnd | _Failure | None] = queue.Queue(maxsize=jobs * 2)
    stop = threading.Event()

    def worker() -> None:
        try:
            while not stop.is_set():
                try:
                    number, chunk = todo.get_nowait()
                except queue.Empty:
                    break
                for item in read(chunk):
                    out.put((number, item))
                out.put(_ChunkEnd(number))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            out.put(_Failure(exc))
        finally:
            out.put(None)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(jobs, len(chunks)))]
    for thread in threads:
        thread.start()
    finished = 0
    current = 0  # with ``ordered``: the chunk whose items are yielded as they come
    waiting: dict[int, list[T]] = {}
    ended: set[int] = set()
    try:
        while finished < len(threads):
            got = out.get()
            if got is None:
                finished += 1
            elif isinstance(got, _Failure):
                raise got.error
            elif isinstance(got, _ChunkEnd):
                ended.add(got.number)
                while ordered and current in ended:
                    current += 1
                    yield from waiting.pop(current, [])
            elif not ordered or got[0] == current:
                yield got[1]
            else:
                waiting.setdefault(got[0], []).append(got[1])
    finally:
        stop.set()
        while finished < len(threads):  # drain so blocked workers can exit
            if out.get() is None:
                finished += 1


@dataclass(frozen=True)
class _ChunkEnd:
    number: int


@dataclass(frozen=True)
class _Failure:
    error: BaseException


def read_added_text(
    repo: Path,
    shas: Sequence[str],
    *,
    jobs: int | None = None,
    limit: int = MAX_ADDED_BYTES,
    partial: bool = False,
) -> Iterator[tuple[str, dict[str, str]]]:
    """Stream ``(sha, {path: text})``: the lines each commit adds to each file (the + side of its diff),
    at most ``limit`` bytes per commit, for search. Merges add nothing of their own here.

    A chunk git cannot finish (a damaged object) is read again commit by commit, and a commit whose
    diff cannot be read adds no text. In a ``partial`` clone the rest of such a chunk adds no text
    (its blobs were never fetched), so a missing promisor costs one git process per chunk.
    """
    if shas:
        yield from _in_parallel(
            shas, lambda chunk: _added_chunk(repo, chunk, limit, partial), jobs, ordered=True
        )


def _added_chunk(
    repo: Path, chunk: list[str], limit: int, partial: bool = False
) -> Iterator[tuple[str, dict[str, str]]]:
    args = ["log", "--no-walk=unsorted", "--stdin", "-p", "-U0", "--no-renames", "--no-color"]
    args += ["--no-ext-diff", "--no-textconv", "--format=" + _DIFF_FORMAT]
    proc = subprocess.Popen(
        git_command(repo, *args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=git_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(("\n".join(chunk) + "\n").encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    stdout = cast(io.BufferedReader, proc.stdout)
    seen: set[str] = set()
    pending = b""
    try:
        for record, last in _split_stream(stdout, _RECORD):
            if last:
                pending = record
            elif record.strip():
                sha, added = _added_lines(record, limit)
                seen.add(sha)
                yield sha, added
    finally:
        proc.stdout.close()
        rc = proc.wait()
    if rc == 0:
        if pending.strip():
            sha, added = _added_lines(pending, limit)
            seen.add(sha)
            yield sha, added
        return
    if len(chunk) == 1 or partial:
        yield from ((sha, {}) for sha in chunk if sha not in seen)
        return
    for sha in [sha for sha in chunk if sha not in seen]:  # one at a time: one bad commit costs its text
        yield from _added_chunk(repo, [sha], limit)


def _split_stream(stream: io.BufferedReader, marker: bytes) -> Iterator[tuple[bytes, bool]]:
    """Split a pipe on ``marker`` as it streams in: ``(record, False)`` for each record a marker closes,
    then ``(tail, True)`` once for what follows the last marker.

    Only the bytes that arrived since the last look are searched, so a record of any size (a 1 MB
    commit message) costs linear time, not one copy of the record per read.
    """
    buffer = bytearray()
    scan = 0
    while data := stream.read1(_READ_SIZE):  # whatever has arrived, up to 1 MiB
        buffer += data
        start = 0
        while (found := buffer.find(marker, scan)) != -1:
            yield bytes(buffer[start:found]), False
            start = scan = found + len(marker)
        del buffer[:start]
        scan = max(0, len(buffer) - len(marker) + 1)
    yield bytes(buffer), True


def _added_lines(record: bytes, limit: int) -> tuple[str, dict[str, str]]:
    """The sha heading a ``git log -p`` record and, per file, the text of its added lines."""
    head, _, diff = record.partition(_FIELD)
    kept: dict[str, list[bytes]] = {}
    current: list[bytes] | None = None
    in_header = False  # between "diff --git" and the first hunk: only there is "+++ " a file name
    size = 0
    for line in diff.split(b"\n"):
        if line.startswith(b"diff --git "):
            in_header, current = True, None
        elif in_header and line.startswith(b"+++ "):
            target = line[4:]
            current = None if target == b"/dev/null" else kept.setdefault(_diff_path(target), [])
        elif line.startswith(b"@@"):
            in_header = False
        elif not in_header and line.startswith(b"+") and current is not None:
            size += len(line)
            if size > limit:
                break
            current.append(line[1:])
    text = {path: _text(b"\n".join(lines)) for path, lines in kept.items() if lines}
    return head.decode("ascii", "replace"), text


def _diff_path(target: bytes) -> str:
    """``b/src/x.py`` (or git's C-quoted ``"b/odd\\tname"``) -> ``src/x.py``. Git ends the name of a
    file with a space in it with a tab, which is not part of the name (a tab in a name is quoted)."""
    target = target.removesuffix(b"\t")
    if target.startswith(b'"') and target.endswith(b'"'):
        target = target[1:-1].decode("unicode_escape").encode("latin-1")
    return _path(target[2:] if target.startswith(b"b/") else target)


def _read_chunk(
    repo: Path, chunk: list[str], batch_size: int, *, partial: bool = False
) -> Iterator[CommitBatch]:
    """Read one chunk, retrying past commits whose diffs git cannot compute."""
    remaining = chunk
    while remaining:
        done, failure = yield from _log_chunk(repo, remaining, batch_size)
        if failure is None:
            return
        if partial:
            yield from _without_blobs(repo, remaining[done:], failure)
            return
        culprit = remaining[done]
        yield _metadata_only(repo, culprit, failure)
        remaining = remaining[done + 1 :]


def _without_blobs(repo: Path, chunk: list[str], failure: str) -> Iterator[CommitBatch]:
    """The commits of a partial clone whose line counts git could not compute: who, when, why and
    which files changed (``--raw`` reads trees, never blobs), each marked incomplete with a problem.
    When even the trees are missing (``--filter=tree:0``), the commits are kept with metadata only."""
    for args, what in ((["--raw", "--no-renames", "--no-abbrev"], "line counts"), ([], "file changes")):
        records = _raw_records(repo, chunk, args)
        if records is None:
            continue  # git stopped early: try with less
        problem = f"{what} unknown, blobs not in this partial clone: {failure}"
        yield from _unsized(records, problem, len(chunk) or 1)
        return
    for sha in chunk:
        yield _metadata_only(repo, sha, failure)


def _parse_raw(rest: bytes, sha: str, batch: CommitBatch) -> int:
    """``-z --raw`` entries (``:old-mode new-mode old new status\0path\0``, or for a rename or copy
    ``... R100\0old\0new\0``) as file changes without line counts; returns how many files changed."""
    tokens = rest.split(b"\0")
    files = 0
    i = 0
    while i < len(tokens) - 1:
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token.startswith(b":"):
            continue
        old: str | None = None
        if token.split()[-1][:1] in (b"R", b"C") and i + 1 < len(tokens):
            old = _path(tokens[i])
            i += 1
        batch.change_sha.append(sha)
        batch.change_path.append(_path(tokens[i]))
        batch.change_old_path.append(old)
        batch.change_added.append(None)
        batch.change_deleted.append(None)
        batch.change_binary.append(False)
        files += 1
        i += 1
    return files


def _log_chunk(
    repo: Path, chunk: list[str], batch_size: int
) -> Generator[CommitBatch, None, tuple[int, str | None]]:
    """Run one ``git log`` over ``chunk``, yielding parsed batches as its output streams in.

    Returns how many commits were read completely and, if git stopped early, why. Output follows the
    order of ``chunk`` (``--no-walk=unsorted``), so the commit after the last complete one is the one
    git choked on; its half-written record is dropped.
    """
    args = [
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "-z",
        "--numstat",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        _LOG_FORMAT,
    ]
    with tempfile.TemporaryFile() as errfile:
        proc = subprocess.Popen(
            git_command(repo, *args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errfile,
            env=git_env(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        stdout = cast(io.BufferedReader, proc.stdout)
        try:
            proc.stdin.write(("\n".join(chunk) + "\n").encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        batch = CommitBatch()
        done = 0
        pending = b""
        try:
            for record, last in _split_stream(stdout, _RECORD):
                if last:
                    pending = record
                elif record:
                    _parse_record(record, batch)
                    done += 1
                    if len(batch) >= batch_size:
                        yield batch
                        batch = CommitBatch()
        finally:
            proc.stdout.close()
            rc = proc.wait()
        if rc == 0 and pending:
            _parse_record(pending, batch)
            done += 1
        if len(batch) or batch.problems:
            yield batch
        if rc == 0:
            return done, None
        errfile.seek(0)
        return done, _first_line(errfile.read())


def _metadata_only(repo: Path, sha: str, failure: str) -> CommitBatch:
    """A commit whose diff could not be read: keep who, when and why, and report the gap."""
    batch = CommitBatch()
    out = run_git(repo, "log", "--no-walk", "-z", _LOG_FORMAT, sha, check=False)
    record = out.split(_RECORD)[-1] if _RECORD in out else b""
    if record and _parse_record(record, batch):
        batch.diff_complete[-1] = False
        batch.problems.append((sha, f"file changes unreadable: {failure}"))
    elif not record:
        batch.problems.append((sha, f"commit unreadable: {failure}"))
    return batch


def _parse_record(record: bytes, batch: CommitBatch) -> bool:
    """Append one ``git log -z --numstat`` record (header fields, then numstat entries) to ``batch``.

    A record that is not what the format asked for (it cannot be, unless git changes) becomes a
    one-line problem instead of a commit; a date git cannot read is kept as unknown (None) with a
    problem, never as a plausible 1970. Returns whether the commit was kept.
    """
    fields = record.split(_FIELD)
    sha = fields[0]
    if (
        len(fields) != len(_HEADER_FIELDS) + 1
        or not _SHA.fullmatch(sha)
        or not all(_SHA.fullmatch(parent) for parent in fields[1].split())
    ):
        known = sha.decode("ascii", "replace") if _SHA.fullmatch(sha) else ""
        batch.problems.append((known, f"commit record unreadable ({len(record)} bytes from git log)"))
        return False
    _, parents, an, ae, at, ai, cn, ce, ct, ci, body, rest = fields
    sha_text = sha.decode()
    batch.sha.append(sha_text)
    batch.parents.append(parents.decode().split())
    batch.author_name.append(_text(an))
    batch.author_email.append(_text(ae))
    author_time, author_tz = _instant(at, ai, "author", sha_text, batch.problems)
    batch.author_time.append(author_time)
    batch.author_tz.append(author_tz)
    batch.committer_name.append(_text(cn))
    batch.committer_email.append(_text(ce))
    committer_time, committer_tz = _instant(ct, ci, "committer", sha_text, batch.problems)
    batch.committer_time.append(committer_time)
    batch.committer_tz.append(committer_tz)
    batch.message.append(_text(body))
    files, added, deleted = _parse_numstat(rest, sha_text, batch)
    batch.files.append(files)
    batch.added.append(added)
    batch.deleted.append(deleted)
    batch.diff_complete.append(True)
    return True


def _instant(
    raw: bytes, iso: bytes, role: str, sha: str, problems: list[tuple[str, str]]
) -> tuple[int | None, int | None]:
    """(seconds since 1970, UTC offset in minutes) of an author or committer date, None where unknown.

    ``%at`` is the number as the commit object holds it; git prints nothing for a date it cannot read
    (and, in git 2.39, for a date before 1970). A number past year 9999 is what the object says but no
    date (git shows ``99999999999999`` as the year 3170843): it is kept as unknown, with a problem.
    """
    text = raw.strip()
    if not re.fullmatch(rb"-?[0-9]{1,30}", text):
        problems.append((sha, f"{role} date unreadable; stored as unknown"))
        return None, None
    seconds = int(text)
    if not _MIN_TIME <= seconds <= _MAX_TIME:
        problems.append((sha, f"{role} date {seconds} is not a date in years 1-9999; stored as unknown"))
        return None, None
    offset = _tz_minutes(iso)
    if offset is None:
        shown = iso[-6:].decode("ascii", "replace")
        problems.append((sha, f"{role} time zone {shown!r} is not a UTC offset; stored as unknown"))
    return seconds, offset


def _parse_numstat(rest: bytes, sha: str, batch: CommitBatch) -> tuple[int, int, int]:
    """Parse ``-z --numstat`` entries: ``A\tD\tpath\0`` or, for a rename, ``A\tD\t\0old\0new\0``."""
    tokens = rest.split(b"\0")
    files = added_total = deleted_total = 0
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token:
            continue
        parts = token.split(b"\t", 2)
        if len(parts) != 3:
            continue
        a, d, path = parts
        old: str | None = None
        if not path:
            old, path = _path(tokens[i]), tokens[i + 1]
            i += 2
        binary = a == b"-"
        added = None if binary else int(a)
        deleted = None if binary else int(d)
        batch.change_sha.append(sha)
        batch.change_path.append(_path(path))
        batch.change_old_path.append(old)
        batch.change_added.append(added)
        batch.change_deleted.append(deleted)
        batch.change_binary.append(binary)
        files += 1
        added_total += added or 0
        deleted_total += deleted or 0
    return files, added_total, deleted_total


def _text(raw: bytes) -> str:
    """Names and messages: UTF-8, with undecodable bytes replaced rather than failing the commit."""
    return raw.decode("utf-8", "replace")


def _path(raw: bytes) -> str:
    """Paths: UTF-8, with undecodable bytes kept visible and distinct as ``\\xNN`` escapes."""
    return raw.decode("utf-8", "backslashreplace")


def _tz_minutes(iso: bytes) -> int | None:
    """The UTC offset in minutes from a strict ISO date such as ``2026-11-02T10:00:00+05:30``; None when
    it is no offset (git prints ``+99:99`` for a commit that says ``+9999``)."""
    tail = iso[-6:]
    if not re.fullmatch(rb"[+-][0-9]{2}:[0-5][0-9]", tail):
        return None
    sign = -1 if tail[:1] == b"-" else 1
    return sign * (int(tail[1:3]) * 60 + int(tail[4:6]))


def _first_line(stderr: bytes) -> str:
    """The most useful line of git's error output."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    line = (fatal or lines or ["no error message"])[0]
    return line.removeprefix("fatal: ").removeprefix("error: ")


@dataclass(frozen=True)
class FileVersion:
    """One committed version of a file: the commit, when it was committed, and the file's text then."""

    sha: str
    committed: str  # ISO 8601 with the committer's offset; "" when git cannot read the commit's date
    subject: str
    text: str | None  # None where the commit deleted the file


def file_history(path: Path) -> list[FileVersion]:
    """Every committed version of ``path`` (following renames), oldest first, read with two git processes.

    Records kept in git (roadmap.yaml) are measured from their own history: what the file said at each
    joint review. A file outside any repository, or never committed, has no history.
    """
    located = _in_repository(path)
    if located is None:
        return []
    top, rel = located
    out = run_git(
        top,
        "log",
        "--follow",
        "--name-status",
        "-z",
        "--format=" + _RECORD_FORMAT + "%H" + _FIELD_FORMAT + "%cI" + _FIELD_FORMAT + "%s" + _FIELD_FORMAT,
        "--",
        rel,
        check=False,  # a repository without commits has no history, not an error
    )
    entries: list[tuple[str, str, str, str | None]] = []
    for record in out.split(_RECORD)[1:]:
        parts = record.split(_FIELD)
        if len(parts) != 4 or not _SHA.fullmatch(parts[0]):
            continue  # not what the format asked for: never happens unless git changes
        raw_sha, raw_when, raw_subject, rest = parts
        fields = [f for f in rest.strip(b"\n").split(b"\0") if f.strip(b"\n")]
        status = fields[0].strip(b"\n")[:1] if fields else b"M"
        name = _path(fields[-1].strip(b"\n")) if fields else rel
        entries.append(
            (raw_sha.decode(), _iso_date(raw_when), _text(raw_subject), None if status == b"D" else name)
        )
    entries.reverse()
    wanted = [f"{sha}:{name}" for sha, _, _, name in entries if name is not None]
    texts = [_text(blob) if blob is not None else None for blob in cat_blobs(top, wanted)]
    versions = []
    it = iter(texts)
    for commit, when, title, kept in entries:
        versions.append(FileVersion(commit, when, title, next(it) if kept is not None else None))
    return versions


def _iso_date(raw: bytes) -> str:
    """A ``%cI`` date as git printed it, or "" when it is none (git prints ``%cI`` itself for a date it
    cannot read, and a year such as 3170843 for a nonsense one)."""
    text = _text(raw).strip()
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return ""
    return text


def commit_files(paths: Sequence[Path], message: str) -> str:
    """Record ``paths`` (and only them: other staged work is left staged) in one commit; returns its SHA."""
    located = _in_repository(paths[0])
    if located is None:
        raise CptoError(
            f"{paths[0].parent}: not inside a git repository, so --commit has nowhere to record the change"
        )
    root = located[0]
    rels = [p.resolve().relative_to(root.resolve()).as_posix() for p in paths]
    run_git(root, "add", "--", *rels)
    run_git(root, "commit", "--quiet", "--only", "-m", message, "--", *rels)
    return run_git(root, "rev-parse", "HEAD").decode().strip()


def has_pull_request(repo: Path, number: int) -> bool:
    """Whether any commit of ``repo`` lands pull request ``number`` (:func:`_landing`)."""
    return bool(run_git(repo, "log", "--all", "-1", "--format=%H", *_landing(number), check=False).strip())


def pull_request_commits(repo: Path, number: int) -> list[str]:
    """The commits pull request ``number`` landed, from git alone: a merge "Merge pull request #N from"
    and the commits it brought in, or a squashed commit titled "... (#N)"."""
    out = run_git(repo, "log", "--all", "--format=%H %P", *_landing(number), check=False).decode()
    shas: list[str] = []
    for line in out.splitlines():
        sha, *parents = line.split()
        shas.append(sha)
        if len(parents) >= 2:
            brought = run_git(repo, "rev-list", f"{parents[0]}..{parents[1]}", check=False).decode()
            shas += brought.split()
    return list(dict.fromkeys(shas))


def _landing(number: int) -> list[str]:
    """``git log`` options for the commits that land pull request ``number``: a merge "Merge pull request
    #N from" or a squash title ending "(#N)" (how cpto.review.units recognises one from git alone)."""
    return ["-E", f"--grep=^Merge pull request #{number} from ", f"--grep=\\(#{number}\\)[[:space:]]*$"]


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The commit a tag, branch or (abbreviated) SHA names in ``repo``, or None if it names none."""
    if not ref or ref.startswith("-"):
        return None
    out = run_git(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False
    )
    return out.decode().strip() or None


def first_author(path: Path) -> tuple[str, str] | None:
    """(email, name) of whoever first committed ``path``: who wrote a PRD that names no owner."""
    located = _in_repository(path)
    if located is None:
        return None
    top, rel = located
    out = run_git(top, "log", "--follow", "--diff-filter=A", "--format=%ae%x00%an", "--", rel, check=False)
    lines = [line for line in out.decode("utf-8", "replace").splitlines() if "\0" in line]
    if not lines:
        return None
    email, name = lines[-1].split("\0", 1)
    return email, name
