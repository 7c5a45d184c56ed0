"""What a requirement can be traced to: the commits of the index and the files at HEAD, as search terms.

Commits come from the history index (message and changed paths); files come straight from git
(``HEAD``'s tree: path, identifiers and comments). Both are turned into terms by the one tokenizer in
:mod:`cpto.review.text` and indexed with BM25 once per review, whatever the number of requirements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt

from cpto.history.git import read_tree_files
from cpto.review.text import path_text, terms
from cpto.review.vsm import FloatArray, TermMatrix

_TEST_PATH = re.compile(
    r"(^|/)(tests?|spec|__tests__)(/|$)|(^|/)test_[^/]*$|_test\.|\.test\.|\.spec\.|Tests?\."
)
_DEBT_MARKER = re.compile(r"\b(TODO|FIXME|HACK|XXX)\b")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MIN_STEM = 3  # shorter file names ("db", "ui") are words too often to be references
HUB_SHARE = 0.25  # a file name written in more than this share of files is vocabulary, not a reference
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc")
_DOC_NAMES = ("CHANGELOG", "CHANGES", "README", "LICENSE", "AUTHORS", "NEWS")
MAX_FILE_BYTES = 1 << 20


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
    for i, words in enumerate(identifiers):
        for word in words & users.keys():
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
    commit_matrix: TermMatrix  # message + changed paths
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

    commits = [c for c in load_commits(con, repo_id) if not c.paths or not all(map(is_record, c.paths))]
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
    commit_terms = [
        terms(c.message, language) + terms(" ".join(path_text(p) for p in c.paths), language) for c in commits
    ]
    return Corpus(
        repo=repo,
        commits=commits,
        files=files,
        commit_matrix=TermMatrix.build(commit_terms),
        file_matrix=TermMatrix.build(file_terms),
        name_matrix=TermMatrix.build(name_terms),
        commit_terms=[frozenset(t) for t in commit_terms],
        file_terms=[frozenset(t) for t in file_terms],
        related=related_by_name([f.path for f in files], identifiers),
        skipped_files=skipped,
        language=language,
    )


def load_commits(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[CommitDoc]:
    """Non-merge commits of one repository, oldest first, with the paths each changed.

    Commits that change only prose (PRDs, decision records, changelogs) are left out: they describe
    work rather than do it, and a PRD's own history would otherwise trace to every requirement.
    """
    rows = con.execute(
        """
        SELECT c.sha, c.message, c.author_name, c.author_email, c.author_time, c.added, c.deleted,
               list(f.path ORDER BY f.path) FILTER (WHERE f.path IS NOT NULL)
        FROM commits c LEFT JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
        WHERE c.repo_id = ? AND len(c.parents) <= 1
        GROUP BY ALL
        ORDER BY c.author_time, c.sha
        """,
        [repo_id],
    ).fetchall()
    commits = [
        CommitDoc(
            sha=r[0],
            message=r[1] or "",
            author=r[2] or "",
            email=r[3] or "",
            time=r[4],
            added=r[5] or 0,
            deleted=r[6] or 0,
            paths=tuple(r[7] or ()),
        )
        for r in rows
    ]
    return [c for c in commits if not c.paths or not all(is_doc_path(p) for p in c.paths)]
