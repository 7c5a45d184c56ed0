"""What a requirement can be traced to: the commits of the index, their pull requests, and the files
at HEAD, as search terms.

Commits come from the history index with the words kept there at index time (message, changed paths,
and the identifiers and comments their diffs add), so a review only stems them; pull requests are
recovered from the merges and squash titles (:mod:`cpto.review.units`), and take GitHub's number, title,
description and issues when a sync put them in the index; files come straight from git
(``HEAD``'s tree: path, identifiers and comments). Everything is indexed for ranking once per review,
whatever the number of requirements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cpto.errors import CptoError
from cpto.github import store as github_store
from cpto.history import store
from cpto.history.git import MAX_TEXT_BYTES, read_tree_files, resolve_commit
from cpto.memory import give_back_freed_memory
from cpto.review.text import matches_in, path_text, terms, terms_of_words
from cpto.review.text import words as split_words
from cpto.review.units import GraphCommit, PullRequest, find_pull_requests
from cpto.review.vsm import FieldRanker, FloatArray, Postings, TermMatrix

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
MAX_FILE_BYTES = MAX_TEXT_BYTES
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


def file_stem(path: str) -> str:
    """A file's name without folder or extension: how code names it (``rates`` for ``shop/rates.py``)."""
    return path.rsplit("/", 1)[-1].split(".", 1)[0]


def related_by_name(paths: Sequence[str], identifiers: Sequence[frozenset[str]]) -> Related:
    """Files related when one's identifiers include the other's name without extension (``Invoice``,
    ``invoice_service``); names most files use anyway (``index``, ``utils``) relate nothing."""
    by_stem: dict[str, list[int]] = {}
    for j, path in enumerate(paths):
        stem = file_stem(path)
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
    commit_ranker: FieldRanker  # message, changed paths, added lines (also: which terms each holds)
    units: list[PullRequest]
    unit_of: npt.NDArray[np.int64]  # per commit: position of its pull request in ``units``, or -1
    unit_ranker: FieldRanker  # per pull request: its merge message and branch, and its commits' fields
    file_matrix: TermMatrix  # path (twice) + content
    name_matrix: TermMatrix  # path only: a file named for a concept is about it
    file_terms: list[frozenset[str]]
    related: Related = field(default_factory=lambda: Related.build(0, []))
    skipped_files: int = 0
    unworded: int = 0  # commits read without the words their changes add (an index kept without them)
    language: str = "english"  # how both sides were tokenized; queries must use the same
    label: str = ""  # the repository's name among several reviewed together

    @property
    def name(self) -> str:
        """What a link says it was found in: the label given, else the repository's folder name."""
        return self.label or self.repo.name

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

    commits = [c for c in load_commits(con, repo_id) if not c.paths or not all(map(is_record, c.paths))]
    vocabulary: dict[str, int] = {}
    words = _WordTerms(vocabulary, language)
    position = {c.sha: j for j, c in enumerate(commits)}
    term_of = _term_ids(con, repo_id, words)
    commit_fields = _commit_postings(con, repo_id, commits, excluded, words, term_of)
    give_back_freed_memory()  # what DuckDB's reader threads freed (see cpto.memory)
    units, unit_of, unit_fields = _units(con, repo_id, position, commit_fields, words, term_of)
    give_back_freed_memory()
    # A repository without commits has no HEAD to read files from: no files, not an error.
    has_head = resolve_commit(repo, "HEAD") is not None
    tree = list(read_tree_files(repo, "HEAD", max_bytes=MAX_FILE_BYTES)) if has_head else []
    skipped = sum(1 for f in tree if f.text is None)
    kept = [f for f in tree if f.text is not None and not is_doc_path(f.path) and not is_record(f.path)]
    texts = pa.array([f.text for f in kept], pa.large_string())
    debt = pc.count_substring_regex(texts, _DEBT_MARKER.pattern).to_numpy(zero_copy_only=False)
    mentions: list[set[str]] = [set() for _ in kept]
    if ids is not None:
        for j, m in matches_in(ids, [f.text or "" for f in kept]):
            mentions[j].add(m.group(0).lower())
    files = [
        FileDoc(f.path, is_test_path(f.path), int(debt[j]), frozenset(mentions[j]))
        for j, f in enumerate(kept)
    ]
    file_words = _WordTerms({}, language)
    names = [terms(path_text(f.path), language) for f in kept]
    name_ids = [[file_words.vocabulary.setdefault(t, len(file_words.vocabulary)) for t in n] for n in names]
    content = _text_postings(texts, file_words)
    give_back_freed_memory()
    # A file's terms: its path twice (a file named for a concept is about it), then its content.
    path_terms = np.array([t for ids_ in name_ids for t in ids_ * 2], dtype=np.int64)
    path_docs = np.array([j for j, ids_ in enumerate(name_ids) for _ in range(2 * len(ids_))], dtype=np.int64)
    file_matrix = TermMatrix.from_postings(
        file_words.vocabulary,
        len(kept),
        Postings(
            np.concatenate([path_terms, content.terms]),
            np.concatenate([path_docs, content.docs]),
            np.concatenate([np.ones(len(path_terms)), content.counts]),
        ),
    )
    related = related_by_name([f.path for f in files], _identifiers(texts, [f.path for f in files]))
    give_back_freed_memory()
    return Corpus(
        repo=repo,
        commits=commits,
        files=files,
        commit_ranker=FieldRanker.from_postings(vocabulary, len(commits), commit_fields, FIELD_WEIGHTS),
        units=units,
        unit_of=unit_of,
        unit_ranker=FieldRanker.from_postings(vocabulary, len(units), unit_fields, FIELD_WEIGHTS),
        file_matrix=file_matrix,
        name_matrix=TermMatrix.build(names),
        file_terms=file_matrix.document_terms(),
        related=related,
        skipped_files=skipped,
        unworded=store.count_without_words(con, repo_id),
        language=language,
    )


def _text_postings(texts: pa.Array, words: _WordTerms) -> Postings:
    """The search terms of many texts at once, as (term id, document, count): split by Arrow's compute
    kernels exactly as :func:`cpto.review.text.words` splits (letters only; camelCase and snake_case
    apart; lower case; two letters or more), then each distinct word stemmed once. A few files at a
    time, so memory stays bounded by the chunk, not the tree."""
    terms: list[npt.NDArray[np.int64]] = []
    docs: list[npt.NDArray[np.int64]] = []
    for first, chunk in _chunks(texts):
        spaced = pc.replace_substring_regex(chunk, r"([a-z])([A-Z])", r"\1 \2")
        spaced = pc.replace_substring_regex(spaced, r"([A-Z])([A-Z][a-z])", r"\1 \2")
        tokens = pc.split_pattern_regex(pc.utf8_lower(spaced), r"[^\p{L}]+")
        flat, parents = pc.list_flatten(tokens), pc.list_parent_indices(tokens)
        long_enough = pc.greater_equal(pc.utf8_length(flat), 2)
        flat, parents = pc.filter(flat, long_enough), pc.filter(parents, long_enough)
        encoded = pc.dictionary_encode(flat)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        term_of = np.append(words.ids(encoded.dictionary.to_pylist()), -1)
        term_ids = term_of[encoded.indices.to_numpy(zero_copy_only=False)]
        keep = term_ids >= 0
        terms.append(term_ids[keep])
        docs.append(first + np.asarray(parents.to_numpy(zero_copy_only=False), dtype=np.int64)[keep])
    all_terms = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64)
    all_docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    return Postings(all_terms, all_docs, np.ones(len(all_terms)))


def _chunks(texts: pa.Array, size: int = 4 << 20) -> Iterator[tuple[int, pa.Array]]:
    """(index of the first text, texts) in runs of about ``size`` bytes."""
    lengths = pc.binary_length(texts).to_numpy(zero_copy_only=False) if len(texts) else np.zeros(0)
    start = 0
    while start < len(texts):
        end, total = start, 0
        while end < len(texts) and (end == start or total + int(lengths[end]) <= size):
            total += int(lengths[end])
            end += 1
        yield start, texts.slice(start, end - start)
        start = end


def _identifiers(texts: pa.Array, paths: Sequence[str]) -> list[frozenset[str]]:
    """Each text's identifiers that are some file's name without extension (``rates``, ``Invoice``):
    all :func:`related_by_name` looks at, found without making a Python string of every token."""
    stems = pa.array(sorted({file_stem(p) for p in paths}), pa.large_string())
    out: list[set[str]] = [set() for _ in range(len(texts))]
    for first, chunk in _chunks(texts):
        tokens = pc.split_pattern_regex(chunk, r"[^A-Za-z0-9_]+")
        flat, docs = pc.list_flatten(tokens), pc.list_parent_indices(tokens)
        named = pc.is_in(flat, value_set=stems)
        for doc, token in zip(
            pc.filter(docs, named).to_pylist(), pc.filter(flat, named).to_pylist(), strict=True
        ):
            out[first + doc].add(token)
    return [frozenset(found) for found in out]


class _WordTerms:
    """Stored words -> term ids of one corpus: each distinct word is stemmed once (stop words: -1)."""

    def __init__(self, vocabulary: dict[str, int], language: str) -> None:
        self.vocabulary = vocabulary
        self.language = language
        self._known: dict[str, int] = {}

    def ids(self, words: Iterable[str]) -> npt.NDArray[np.int64]:
        known = self._known
        out = []
        for word in words:
            found = known.get(word)
            if found is None:
                stems = terms_of_words(word, self.language)
                found = known[word] = (
                    self.vocabulary.setdefault(stems[0], len(self.vocabulary)) if stems else -1
                )
            out.append(found)
        return np.array(out, dtype=np.int64)


_CHANGE_WORDS = """
SELECT sha, words FROM change_words
WHERE repo_id = $repo AND NOT list_bool_or([path = r OR starts_with(path, r || '/') for r in $records])
"""
_BATCH_ROWS = 1 << 14


def _term_ids(con: duckdb.DuckDBPyConnection, repo_id: int, words: _WordTerms) -> npt.NDArray[np.int64]:
    """The term id of every word of the repository's vocabulary, by word id (-1: a stop word), then -1
    for "no word": each distinct word of the history is stemmed once, whatever the history's length."""
    if store.schema_version(con) < 3:
        raise CptoError("the index was written by an older cpto; run `cpto index` to bring it up to date")
    rows = con.execute(
        "SELECT word_id, word FROM words WHERE repo_id = ? ORDER BY word_id", [repo_id]
    ).fetchall()
    term_of = np.full((rows[-1][0] + 2) if rows else 1, -1, dtype=np.int64)
    if rows:
        term_of[[r[0] for r in rows]] = words.ids(r[1] for r in rows)
    return term_of


def _commit_postings(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    commits: Sequence[CommitDoc],
    records: Sequence[str],
    words: _WordTerms,
    term_of: npt.NDArray[np.int64],
) -> list[Postings]:
    """Each commit's fields (message, paths, added words) as postings, from the word ids the index keeps:
    lists of integers mapped through ``term_of`` by NumPy, the added words streamed in batches so memory
    stays a few bytes per word, whatever the history. What a commit adds to a record is not its work."""
    shas = pa.array([c.sha for c in commits], pa.string())
    parts: list[list[npt.NDArray[np.int64]]] = [[], [], []]  # per field: term ids, then documents
    doc_parts: list[list[npt.NDArray[np.int64]]] = [[], [], []]

    def add(field: int, sha: pa.Array, ids: pa.Array) -> None:
        docs_of_rows = np.append(pc.index_in(sha, value_set=shas).fill_null(-1).to_numpy(), -1)
        flat = pc.list_flatten(ids).to_numpy(zero_copy_only=False)
        terms = term_of[flat]
        docs = docs_of_rows[pc.list_parent_indices(ids).to_numpy(zero_copy_only=False)]
        keep = (docs >= 0) & (terms >= 0)
        parts[field].append(terms[keep])
        doc_parts[field].append(docs[keep])

    own = con.sql(
        "SELECT sha, message, paths FROM commit_words WHERE repo_id = $repo", params={"repo": repo_id}
    ).to_arrow_table()
    for f, name in enumerate(("message", "paths")):
        add(f, own.column("sha").combine_chunks(), own.column(name).combine_chunks())
    relation = con.sql(_CHANGE_WORDS, params={"repo": repo_id, "records": list(records) or [""]})
    # DuckDB 2 names it to_arrow_reader, DuckDB 1 fetch_record_batch.
    reader = (getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch)(_BATCH_ROWS)
    for batch in reader:
        add(2, batch.column(0), batch.column(1))
    out = []
    for f in range(3):
        terms = np.concatenate(parts[f]) if parts[f] else np.zeros(0, dtype=np.int64)
        docs = np.concatenate(doc_parts[f]) if doc_parts[f] else np.zeros(0, dtype=np.int64)
        out.append(Postings(terms, docs, np.ones(len(terms))))
    indexed = pc.is_in(shas, value_set=own.column("sha").combine_chunks()).to_numpy(zero_copy_only=False)
    missing = np.flatnonzero(~indexed).tolist() if len(commits) else []
    return _with_unindexed(out, [(j, commits[j]) for j in missing], words) if missing else out


def _with_unindexed(
    fields: list[Postings], commits: Sequence[tuple[int, CommitDoc]], words: _WordTerms
) -> list[Postings]:
    """Postings for commits whose words are not in the index (an index from before words were kept,
    read without `cpto index`): message and paths, split here."""
    extra: list[tuple[list[int], list[int]]] = [([], []), ([], [])]
    for j, commit in commits:
        for f, text in enumerate((commit.message, " ".join(commit.paths))):
            ids = [int(t) for t in words.ids(split_words(text)) if t >= 0]
            extra[f][0].extend(ids)
            extra[f][1].extend([j] * len(ids))
    out = []
    for f, postings in enumerate(fields):
        if f < 2 and extra[f][0]:
            t = np.concatenate([postings.terms, np.array(extra[f][0], dtype=np.int64)])
            d = np.concatenate([postings.docs, np.array(extra[f][1], dtype=np.int64)])
            postings = Postings(t, d, np.concatenate([postings.counts, np.ones(len(extra[f][0]))]))
        out.append(postings)
    return out


def _units(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    position: Mapping[str, int],
    commit_fields: Sequence[Postings],
    words: _WordTerms,
    term_of: npt.NDArray[np.int64],
) -> tuple[list[PullRequest], npt.NDArray[np.int64], list[Postings]]:
    """The repository's pull requests, each commit's pull request, and each pull request's fields: its
    merge message and branch with its commits' messages, its commits' paths, and what they add."""
    # A merge's whole message (its title follows the subject), only the subject of other commits (a
    # squash merge's "(#N)" ends it); the time orders the merges, so seconds do.
    rows = con.execute(
        "SELECT sha, parents, CASE WHEN len(parents) > 1 THEN message ELSE split_part(message, chr(10), 1)"
        " END, coalesce(epoch(committer_time), 0)::BIGINT FROM commits WHERE repo_id = ?",
        [repo_id],
    ).fetchall()
    graph = {r[0]: GraphCommit(tuple(r[1] or ()), r[2] or "", r[3]) for r in rows}
    merge_words: dict[str, list[int] | None] = {r[0]: None for r in rows if len(r[1] or ()) > 1}
    merge_words.update(  # the word ids of each merge's message
        con.execute(
            "SELECT w.sha, w.message FROM commit_words w JOIN commits c ON c.repo_id = w.repo_id"
            " AND c.sha = w.sha WHERE w.repo_id = ? AND len(c.parents) > 1",
            [repo_id],
        ).fetchall()
    )
    head = store.head_commit(con, repo_id)
    tips = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT sha FROM refs WHERE repo_id = ? ORDER BY sha", [repo_id]
        ).fetchall()
    ]
    units: list[PullRequest] = []
    unit_of = np.full(len(position), -1, dtype=np.int64)
    said: list[list[int]] = []  # per unit: the terms of its own text (merge message, branch)
    for unit in find_pull_requests(graph, head, tips):
        members = [position[s] for s in unit.commits if s in position]
        if not members:
            continue
        unit_of[members] = len(units)
        own = [*_merge_terms(unit, merge_words, graph, words, term_of), *words.ids(split_words(unit.branch))]
        said.append([int(t) for t in own if t >= 0])
        units.append(unit)
    _with_forge_pulls(con, repo_id, graph, position, units, unit_of, said, words)
    own_units = [u for u, own in enumerate(said) for _ in own]
    own_terms = [t for own in said for t in own]
    fields = []
    for f, postings in enumerate(commit_fields):
        units_of_postings = unit_of[postings.docs]
        inside = units_of_postings >= 0
        terms, docs, counts = postings.terms[inside], units_of_postings[inside], postings.counts[inside]
        if f == 0 and own_terms:
            terms = np.concatenate([terms, np.array(own_terms, dtype=np.int64)])
            docs = np.concatenate([docs, np.array(own_units, dtype=np.int64)])
            counts = np.concatenate([counts, np.ones(len(own_terms))])
        fields.append(Postings(terms, docs, counts))
    return units, unit_of, fields


def _with_forge_pulls(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    graph: Mapping[str, GraphCommit],
    position: Mapping[str, int],
    units: list[PullRequest],
    unit_of: npt.NDArray[np.int64],
    said: list[list[int]],
    words: _WordTerms,
) -> None:
    """Pull requests as the forge knows them (``cpto github sync`` or ``import``), when the index has them.

    A unit git recovered (by its number, or by the commit that landed it) takes the pull request's
    number, title, description, URL and the issues it closes or mentions; their text and the linked
    issues' titles are words of its own. A pull request git did not recover (a rebase merge without
    "(#N)", a branch merged under another name) becomes a unit of its commits that no unit holds yet:
    those GitHub lists, else the commit it landed as and, for a rebase of n commits, the n - 1 before
    it on the same line. Changes ``units``, ``unit_of`` and ``said`` in place; nothing without data."""
    pulls = github_store.load(con, github_store.PullRequest, repo_id)
    if not pulls:
        return
    listed: dict[int, list[str]] = {}
    for row in github_store.load(con, github_store.PullCommit, repo_id):
        listed.setdefault(row.number, []).append(row.sha)
    issue_titles = {i.number: i.title for i in github_store.load(con, github_store.Issue, repo_id)}
    by_ref = {u.ref: k for k, u in enumerate(units)}
    by_landing = {u.landed_by: k for k, u in enumerate(units)}
    for pull in pulls:
        landed = pull.merge_commit_sha if pull.merged_at is not None else None
        k = by_ref.get(f"#{pull.number}")
        if k is None and landed is not None:
            k = by_landing.get(landed)
        text = "\n".join(
            [pull.title, pull.body, *(issue_titles.get(n, "") for n in pull.closes + pull.references)]
        )
        extra = [int(t) for t in words.ids(split_words(text)) if t >= 0]
        if k is not None:
            unit = units[k]
            units[k] = replace(
                unit,
                ref=f"#{pull.number}",
                title=pull.title or unit.title,
                branch=unit.branch or pull.head_ref,
                url=pull.url,
                body=pull.body,
                closes=pull.closes,
                references=pull.references,
            )
            said[k].extend(extra)
            continue
        shas = _forge_commits(graph, position, unit_of, listed.get(pull.number, []), landed)
        if not shas:
            continue
        unit_of[[position[s] for s in shas]] = len(units)
        said.append(extra + [int(t) for t in words.ids(split_words(pull.head_ref)) if t >= 0])
        units.append(
            PullRequest(
                f"#{pull.number}",
                pull.title,
                pull.head_ref,
                landed or shas[-1],
                tuple(shas),
                url=pull.url,
                body=pull.body,
                closes=pull.closes,
                references=pull.references,
            )
        )


def _forge_commits(
    graph: Mapping[str, GraphCommit],
    position: Mapping[str, int],
    unit_of: npt.NDArray[np.int64],
    listed: Sequence[str],
    landed: str | None,
) -> list[str]:
    """The reviewed commits of a pull request git did not recover, that no unit holds, oldest first:
    the commits GitHub lists when the index has them, else the commit it landed as (a squash or
    rebase merge) and, for a rebase of n listed commits, the n - 1 before it on its first-parent line."""
    free = [s for s in listed if s in position and unit_of[position[s]] < 0]
    if free or landed is None:
        return free
    line: list[str] = []
    sha: str | None = landed
    while (
        sha is not None and sha in position and unit_of[position[sha]] < 0 and len(line) < max(1, len(listed))
    ):
        line.append(sha)
        parents = graph[sha].parents if sha in graph else ()
        sha = parents[0] if len(parents) == 1 else None
    return line[::-1]


def _merge_terms(
    unit: PullRequest,
    merge_words: Mapping[str, list[int] | None],
    graph: Mapping[str, GraphCommit],
    words: _WordTerms,
    term_of: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """The terms of the merge that landed ``unit`` (none for a squash merge): its words kept in the
    index, or its message split here when the index has none for it."""
    if unit.landed_by not in merge_words:
        return np.zeros(0, dtype=np.int64)
    kept = merge_words[unit.landed_by]
    return term_of[kept] if kept else words.ids(split_words(graph[unit.landed_by].message))


def load_commits(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[CommitDoc]:
    """Non-merge commits of one repository, oldest first, with the paths each changed.

    Commits that change only changelogs are left out: they report work rather than do it. Commits
    that change documentation are evidence like any other (a feature's docs name it best). A commit
    whose dates git cannot read (stored as NULL; ``cpto index`` names it) cannot be placed in a period
    and is left out; one with only a readable commit date is placed by that.
    """
    rows = con.execute(
        """
        SELECT c.sha, c.message, c.author_name, c.author_email, coalesce(c.author_time, c.committer_time),
               c.added, c.deleted, f.paths
        FROM commits c
        LEFT JOIN (
            SELECT sha, list(path ORDER BY path) AS paths FROM file_changes WHERE repo_id = $repo GROUP BY sha
        ) f ON f.sha = c.sha
        WHERE c.repo_id = $repo AND len(c.parents) <= 1
          AND coalesce(c.author_time, c.committer_time) IS NOT NULL
        ORDER BY coalesce(c.author_time, c.committer_time), c.sha
        """,
        {"repo": repo_id},
    ).fetchall()
    commits = []
    for r in rows:
        paths = tuple(r[7] or ())
        if paths and all(is_log_path(p) for p in paths):
            continue
        commits.append(
            CommitDoc(
                sha=r[0],
                message=r[1] or "",
                author=r[2] or "",
                email=r[3] or "",
                time=r[4],
                added=r[5] or 0,
                deleted=r[6] or 0,
                paths=paths,
            )
        )
    return commits
