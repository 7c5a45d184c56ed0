"""What a requirement can be traced to: the commits of the index, their pull requests, and the files
at HEAD, as search terms.

Commits come from the history index with the words kept there at index time (message, changed paths,
and the identifiers and comments their diffs add), so a review only stems them; pull requests are
recovered from the merges and squash titles (:mod:`cpto.review.units`); files come straight from git
(``HEAD``'s tree: path, identifiers and comments). Everything is indexed for ranking once per review,
whatever the number of requirements.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt

from cpto.history.git import read_tree_files
from cpto.review.text import path_text, terms, terms_of_words, words
from cpto.review.units import GraphCommit, PullRequest, find_pull_requests
from cpto.review.vsm import FieldRanker, FloatArray, TermMatrix

_TEST_PATH = re.compile(
    r"(^|/)(tests?|spec|__tests__)(/|$)|(^|/)test_[^/]*$|_test\.|\.test\.|\.spec\.|Tests?\."
)
_DEBT_MARKER = re.compile(r"\b(TODO|FIXME|HACK|XXX)\b")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MIN_STEM = 3  # shorter file names ("db", "ui") are words too often to be references
HUB_SHARE = 0.25  # a file name written in more than this share of files is vocabulary, not a reference
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc")
_DOC_NAMES = ("CHANGELOG", "CHANGES", "README", "LICENSE", "AUTHORS", "NEWS")
_LOG_NAMES = ("CHANGELOG", "CHANGES", "NEWS", "HISTORY", "RELEASE")
MAX_FILE_BYTES = 1 << 20
# BM25F field weights for commits and pull requests: the message says what was meant, the paths where,
# the added identifiers and comments what was built (many words, each saying little).
FIELD_WEIGHTS = (1.0, 0.5, 0.3)


@dataclass(frozen=True)
class CommitDoc:
    """A non-merge commit, with what the review shows about it."""

    sha: str
    message: str
    author: str
    email: str
    time: datetime
    added: int
    deleted: int
    paths: tuple[str, ...]
    words: tuple[str, str, str] = ("", "", "")  # message, path and added-line words from the index

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


@dataclass(frozen=True)
class FileDoc:
    """A file at HEAD: whether it is a test, its TODO/FIXME markers, and the requirement IDs it names."""

    path: str
    is_test: bool
    debt_markers: int
    mentions: frozenset[str] = frozenset()  # requirement IDs (lower-cased) written in the file


@dataclass(frozen=True)
class Related:
    """Which files reference each other by name (an import, a type, a call to ``Name.``), both ways.

    Stored as compressed rows: the neighbours of file j are ``neighbours[starts[j]:starts[j + 1]]``.
    """

    starts: npt.NDArray[np.int64]
    neighbours: npt.NDArray[np.int64]

    @classmethod
    def build(cls, size: int, pairs: Iterable[tuple[int, int]]) -> Related:
        edges = {edge for a, b in pairs if a != b for edge in ((a, b), (b, a))}
        ordered = sorted(edges)
        rows = np.array([a for a, _ in ordered], dtype=np.int64)
        return cls(
            starts=np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=size)))).astype(np.int64),
            neighbours=np.array([b for _, b in ordered], dtype=np.int64),
        )

    def of(self, j: int) -> npt.NDArray[np.int64]:
        return self.neighbours[self.starts[j] : self.starts[j + 1]]

    def best_neighbour(self, scores: FloatArray) -> FloatArray:
        """For every file, the highest score among the files it is related to (0 without relations)."""
        out = np.zeros(len(self.starts) - 1, dtype=np.float64)
        rows = np.flatnonzero(np.diff(self.starts) > 0)
        if rows.size:
            out[rows] = np.maximum.reduceat(scores[self.neighbours], self.starts[rows])
        return out


def related_by_name(paths: Sequence[str], identifiers: Sequence[frozenset[str]]) -> Related:
    """Files related when one's identifiers include the other's name without extension (``Invoice``,
    ``invoice_service``); names most files use anyway (``index``, ``utils``) relate nothing."""
    by_stem: dict[str, list[int]] = {}
    for j, path in enumerate(paths):
        stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
        if len(stem) >= MIN_STEM:
            by_stem.setdefault(stem, []).append(j)
    users: dict[str, list[int]] = {stem: [] for stem in by_stem}
    for i, names in enumerate(identifiers):
        for word in names & users.keys():
            users[word].append(i)
    limit = max(10, HUB_SHARE * len(paths))
    pairs = [
        (i, j)
        for stem, readers in users.items()
        if len(readers) <= limit
        for i in readers
        for j in by_stem[stem]
    ]
    return Related.build(len(paths), pairs)


@dataclass
class Corpus:
    """Everything one repository offers as evidence, indexed for ranking."""

    repo: Path
    commits: list[CommitDoc]
    files: list[FileDoc]
    commit_ranker: FieldRanker  # message, changed paths, added lines
    units: list[PullRequest]
    unit_of: npt.NDArray[np.int64]  # per commit: position of its pull request in ``units``, or -1
    unit_ranker: FieldRanker  # per pull request: its merge message and branch, and its commits' fields
    file_matrix: TermMatrix  # path (twice) + content
    name_matrix: TermMatrix  # path only: a file named for a concept is about it
    commit_terms: list[frozenset[str]]
    file_terms: list[frozenset[str]]
    related: Related = field(default_factory=lambda: Related.build(0, []))
    skipped_files: int = 0
    language: str = "english"  # how both sides were tokenized; queries must use the same

    @cached_property
    def commit_by_sha(self) -> dict[str, CommitDoc]:
        return {c.sha: c for c in self.commits}

    @cached_property
    def commit_position(self) -> dict[str, int]:
        """Sha -> position in ``commits``."""
        return {c.sha: j for j, c in enumerate(self.commits)}

    @cached_property
    def unit_sizes(self) -> npt.NDArray[np.int64]:
        """Commits of each pull request in ``commits``."""
        members = self.unit_of[self.unit_of >= 0]
        return np.bincount(members, minlength=len(self.units)).astype(np.int64)

    def unit(self, ref: str) -> PullRequest:
        """The pull request with reference ``ref`` ("#12")."""
        return self.units[self.unit_refs[ref]]

    @cached_property
    def unit_refs(self) -> dict[str, int]:
        """Pull request reference -> position in ``units``."""
        return {u.ref: j for j, u in enumerate(self.units)}

    @cached_property
    def files_naming(self) -> dict[str, list[int]]:
        """Lower-cased requirement ID -> positions of the files that write it."""
        out: dict[str, list[int]] = {}
        for j, f in enumerate(self.files):
            for mention in f.mentions:
                out.setdefault(mention, []).append(j)
        return out

    @cached_property
    def file_index(self) -> dict[str, int]:
        """Path -> position in ``files``."""
        return {f.path: j for j, f in enumerate(self.files)}


def is_doc_path(path: str) -> bool:
    """Prose (Markdown, text, changelogs): it describes work, it does not implement a requirement."""
    name = path.rsplit("/", 1)[-1]
    return name.lower().endswith(_DOC_SUFFIXES) or name.upper().startswith(_DOC_NAMES)


def is_log_path(path: str) -> bool:
    """A changelog or release notes: it reports work done, it is not the work."""
    return path.rsplit("/", 1)[-1].upper().startswith(_LOG_NAMES)


def is_test_path(path: str) -> bool:
    """Tests by the conventions of the common ecosystems: tests/ folders, test_x.py, x.test.ts, XTest.java."""
    return bool(_TEST_PATH.search(path))


def load_corpus(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    repo: Path,
    ids: re.Pattern[str] | None = None,
    exclude: Sequence[str] = (),
    language: str = "english",
) -> Corpus:
    """Read the repository's commits from the index and its files from HEAD, and index both for ranking.

    ``ids`` matches the requirement IDs to look for in file text; files are not kept in memory, so the
    explicit mentions are collected while each file passes by. ``exclude`` names repository-relative
    paths (files or folders) that hold records rather than work: the PRDs, decisions, the roadmap.
    ``language`` is the requirements' (:func:`cpto.review.text.detect_language`): both sides of a match
    must be stemmed alike.
    """
    excluded = tuple(p.rstrip("/") for p in exclude)

    def is_record(path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in excluded)

    commits = [
        c for c in load_commits(con, repo_id, is_record) if not c.paths or not all(map(is_record, c.paths))
    ]
    commit_fields = [
        [terms_of_words(c.words[0], language) for c in commits],
        [terms_of_words(c.words[1], language) for c in commits],
        [terms_of_words(c.words[2], language) for c in commits],
    ]
    units, unit_of, unit_fields = _units(con, repo_id, commits, commit_fields, language)
    files: list[FileDoc] = []
    file_terms: list[list[str]] = []
    name_terms: list[list[str]] = []
    identifiers: list[frozenset[str]] = []
    skipped = 0
    for f in read_tree_files(repo, "HEAD", max_bytes=MAX_FILE_BYTES):
        if f.text is None:
            skipped += 1
            continue
        if is_doc_path(f.path) or is_record(f.path):
            continue
        mentions = frozenset(m.group(0).lower() for m in ids.finditer(f.text)) if ids else frozenset()
        files.append(FileDoc(f.path, is_test_path(f.path), len(_DEBT_MARKER.findall(f.text)), mentions))
        identifiers.append(frozenset(_IDENTIFIER.findall(f.text)))
        name = terms(path_text(f.path), language)
        name_terms.append(name)
        file_terms.append(name + name + terms(f.text, language))
    return Corpus(
        repo=repo,
        commits=commits,
        files=files,
        commit_ranker=FieldRanker.build(commit_fields, FIELD_WEIGHTS),
        units=units,
        unit_of=unit_of,
        unit_ranker=FieldRanker.build(unit_fields, FIELD_WEIGHTS),
        file_matrix=TermMatrix.build(file_terms),
        name_matrix=TermMatrix.build(name_terms),
        commit_terms=[frozenset(m + p + a) for m, p, a in zip(*commit_fields, strict=True)],
        file_terms=[frozenset(t) for t in file_terms],
        related=related_by_name([f.path for f in files], identifiers),
        skipped_files=skipped,
        language=language,
    )


def _units(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    commits: Sequence[CommitDoc],
    commit_fields: list[list[list[str]]],
    language: str,
) -> tuple[list[PullRequest], npt.NDArray[np.int64], list[list[list[str]]]]:
    """The repository's pull requests, each commit's pull request, and each pull request's fields: its
    merge message and branch with its commits' messages, its commits' paths, and what they add."""
    rows = con.execute(
        "SELECT c.sha, c.parents, c.message, c.committer_time, w.message FROM commits c"
        " LEFT JOIN commit_words w ON w.repo_id = c.repo_id AND w.sha = c.sha WHERE c.repo_id = ?",
        [repo_id],
    ).fetchall()
    graph = {r[0]: GraphCommit(tuple(r[1] or ()), r[2] or "", r[3]) for r in rows}
    merge_words = {r[0]: r[4] for r in rows if len(r[1] or ()) > 1}
    refs = con.execute(
        "SELECT r.sha, r.kind = 'head' OR (r.kind = 'branch' AND 'refs/heads/' || r.name = p.head_ref)"
        " FROM refs r JOIN repos p ON p.repo_id = r.repo_id WHERE r.repo_id = ? ORDER BY r.name",
        [repo_id],
    ).fetchall()
    head = next((sha for sha, is_head in refs if is_head), None)
    tips = sorted({sha for sha, _ in refs})
    position = {c.sha: j for j, c in enumerate(commits)}
    units: list[PullRequest] = []
    unit_of = np.full(len(commits), -1, dtype=np.int64)
    fields: list[list[list[str]]] = [[], [], []]
    for unit in find_pull_requests(graph, head, tips):
        members = [position[s] for s in unit.commits if s in position]
        if not members:
            continue
        unit_of[members] = len(units)
        units.append(unit)
        own = terms_of_words(merge_words.get(unit.landed_by) or "", language)
        own += terms(" ".join(path_text(unit.branch).split()), language)
        fields[0].append(own + [t for j in members for t in commit_fields[0][j]])
        fields[1].append([t for j in members for t in commit_fields[1][j]])
        fields[2].append([t for j in members for t in commit_fields[2][j]])
    return units, unit_of, fields


def load_commits(
    con: duckdb.DuckDBPyConnection, repo_id: int, is_record: Callable[[str], bool] = lambda path: False
) -> list[CommitDoc]:
    """Non-merge commits of one repository, oldest first, with the paths each changed and its words.

    Commits that change only changelogs are left out: they report work rather than do it. Commits
    that change documentation are evidence like any other (a feature's docs name it best). What a
    commit adds to a record (a PRD, a decision: ``is_record``) is not its work: a PRD's own commit
    would otherwise match every requirement.
    """
    added: dict[str, list[str]] = defaultdict(list)
    for sha, path, text in con.execute(
        "SELECT sha, path, words FROM change_words WHERE repo_id = ? ORDER BY sha, path", [repo_id]
    ).fetchall():
        if text and not is_record(path):
            added[sha].append(text)
    rows = con.execute(
        """
        SELECT c.sha, c.message, c.author_name, c.author_email, c.author_time, c.added, c.deleted,
               list(f.path ORDER BY f.path) FILTER (WHERE f.path IS NOT NULL),
               any_value(w.message), any_value(w.paths)
        FROM commits c
        LEFT JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
        LEFT JOIN commit_words w ON w.repo_id = c.repo_id AND w.sha = c.sha
        WHERE c.repo_id = ? AND len(c.parents) <= 1
        GROUP BY c.sha, c.message, c.author_name, c.author_email, c.author_time, c.added, c.deleted
        ORDER BY c.author_time, c.sha
        """,
        [repo_id],
    ).fetchall()
    commits = []
    for r in rows:
        paths = tuple(r[7] or ())
        if paths and all(is_log_path(p) for p in paths):
            continue
        message = r[1] or ""
        stored = (r[8], r[9], " ".join(added.pop(r[0], ())))
        if stored[0] is None:  # an index from before words were kept, read without `cpto index`
            stored = (" ".join(words(message)), " ".join(words(" ".join(paths))), "")
        commits.append(
            CommitDoc(
                sha=r[0],
                message=message,
                author=r[2] or "",
                email=r[3] or "",
                time=r[4],
                added=r[5] or 0,
                deleted=r[6] or 0,
                paths=paths,
                words=(stored[0] or "", stored[1] or "", stored[2] or ""),
            )
        )
    return commits
