"""Incremental indexing: read only what is new since the last run, and notice rewritten history.

The previous run's refs mark what the index holds. New commits are those reachable from today's refs
but not from the old ones; commits reachable only from old refs were rewritten away (a force-push, a
rebase, a deleted branch) and are dropped. When an old ref's commit no longer exists at all, the index
is reconciled against everything reachable now.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cpto.history import git, store
from cpto.review.text import words

_IDENTIFIER = re.compile(r"[^\W\d_][\w]*")
MAX_ADDED_WORDS = 2000  # per changed file: a vendored or generated file is cut

ProgressStart = Callable[[Path, int], None]
ProgressAdvance = Callable[[int], None]


@dataclass
class IndexResult:
    """What one repository's index run did, for the report and for scripts."""

    repo: str
    new_commits: int = 0
    removed_commits: int = 0
    total_commits: int = 0
    refs: int = 0
    shallow: bool = False
    partial: bool = False
    empty: bool = False
    rewritten: bool = False
    deepened: bool = False
    moved_from: str | None = None
    up_to_date: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    counted: int = 0  # commits of an earlier first phase whose line counts this run computed
    pending: int = 0  # commits still waiting for their line counts after this run
    worded: int = 0  # commits whose search words this run kept
    unworded: int = 0  # commits without search words after this run (kept only for a review: ``words``)

    @property
    def warnings(self) -> list[str]:
        """One line per thing the user should know about this repository's history."""
        notes = []
        if self.empty:
            notes.append(f"{self.repo}: repository has no commits yet; nothing to index")
        if self.shallow:
            notes.append(f"{self.repo}: shallow clone; history before the shallow boundary is not indexed")
        if self.rewritten:
            notes.append(
                f"{self.repo}: history was rewritten; dropped {self.removed_commits} commits no ref reaches"
            )
        if self.moved_from:
            notes.append(f"{self.repo}: same repository as {self.moved_from} (moved); its index is kept")
        if self.deepened:
            notes.append(
                f"{self.repo}: shallow boundary moved (deepened or unshallowed); read what it reaches now"
            )
        if self.pending:
            notes.append(
                f"{self.repo}: line counts not computed yet for {self.pending} commits (commits and paths "
                "are indexed); run `cpto index` to count them"
            )
        unfetched = {sha for sha, what in self.problems if what.endswith(git.UNFETCHED)}
        if unfetched:
            notes.append(
                f"{self.repo}: partial clone; {len(unfetched)} of {self.new_commits} new commits could not "
                "be read completely: line counts unknown, their blobs were never fetched (commits and paths "
                "are indexed; `cpto index --fetch-blobs` fetches the blobs in one batch)"
            )
        problems = [
            (sha, what) for sha, what in self.problems if sha not in unfetched and what != git.LINES_PENDING
        ]
        if problems:
            first_sha, first = problems[0]
            count = len({sha for sha, _ in problems})
            notes.append(
                f"{self.repo}: {count} commit{'s' if count != 1 else ''} could not be read completely "
                f"(first: {first_sha[:12]} {first})"
            )
        return notes


def index_repository(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    on_start: ProgressStart | None = None,
    on_advance: ProgressAdvance | None = None,
    jobs: int | None = None,
    siblings: Sequence[Path] = (),
    fetch_blobs: bool = False,
    lines: bool = True,
    words: bool = True,
) -> IndexResult:
    """Bring the index of the repository at ``path`` up to date, atomically.

    ``siblings`` are the other repositories indexed with it (a workspace's repos): a repository found
    at a new folder takes over the index of the same repository at an old folder, unless that folder is
    one of them.

    In a partial clone nothing is fetched unless ``fetch_blobs``: then the blobs the new commits (and
    the commits indexed before without line counts) need are fetched in one batch and those commits
    are read again, complete.

    Without ``lines`` this is the first phase of a two-phase index: new commits and their paths are
    read without line counts (about a tenth of the cost) and committed, marked as waiting for them
    (``diff_complete`` false, counts NULL), and search words wait too. A run with ``lines`` (the
    default) is the second phase as well: it counts the lines of every commit still waiting, one batch
    per transaction, so an interrupted run leaves each commit counted or waiting, and the next run
    counts the rest. Once all are counted the index holds exactly what a one-phase run writes.

    Without ``words`` the review's search words (:func:`_index_words`: the identifiers each diff adds,
    read from every commit's patch, which costs more than the line counts) are not kept: only a review
    of PRDs reads them, and a later run with ``words`` keeps them for every commit still without.
    """
    started = time.perf_counter()
    state = git.open_repository(path)
    result = IndexResult(repo=str(state.path), shallow=state.shallow, partial=state.partial)
    with store.transaction(con):
        repo_id, result.moved_from = store.repo_id_for(
            con,
            state,
            lambda: git.root_commits(state.path, state.tips),
            [p.resolve() for p in siblings if p.resolve() != state.path],
        )
        old_refs = store.stored_refs(con, repo_id)
        old_boundary = store.stored_shallow_commits(con, repo_id)
        result.deepened = bool(old_refs) and old_boundary != state.shallow_commits
        refetch = sorted(store.incomplete_shas(con, repo_id)) if fetch_blobs and state.partial else []
        if _same_refs(old_refs, state.refs) and old_refs and not result.deepened and not refetch:
            if result.moved_from or store.stored_remote(con, repo_id) != state.remote:
                store.save_repo_state(con, repo_id, state)  # moved, or `git remote set-url`: keep it true
        else:
            _read_new(con, repo_id, state, result, old_refs, old_boundary, refetch, lines, on_start, on_advance,
                      jobs, fetch_blobs)  # fmt: skip
        pending = store.pending_shas(con, repo_id)
        if lines and words and not pending:  # the one-phase run: words in the same transaction, as always
            result.worded = _index_words(con, repo_id, state, on_start, on_advance, jobs)
    if lines and pending:
        _count_lines(con, repo_id, state, pending, result, on_start, on_advance, jobs)
        if words:
            with store.transaction(con):
                result.worded = _index_words(con, repo_id, state, on_start, on_advance, jobs)
    return _finish(con, repo_id, state, result, started)


def _read_new(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    state: git.RepoState,
    result: IndexResult,
    old_refs: list[git.Ref],
    old_boundary: list[str],
    refetch: list[str],
    lines: bool,
    on_start: ProgressStart | None,
    on_advance: ProgressAdvance | None,
    jobs: int | None,
    fetch_blobs: bool,
) -> None:
    """Read the commits the refs reach now and the index lacks; drop those no ref reaches any more."""
    # Commits at the old shallow boundary were read without their parents (and with the whole tree
    # as their change): once the boundary moves, they are read again.
    stale = store.delete_commits(con, repo_id, old_boundary) if result.deepened else 0
    # Without refs (a damaged index) or after the boundary moved, what the index holds is checked
    # against what is reachable instead of trusting the old refs.
    reconcile = result.deepened or (not old_refs and store.has_commits(con, repo_id))
    new, removed = _plan(con, repo_id, state, old_refs, reconcile=reconcile)
    result.rewritten = bool(removed)
    result.removed_commits = store.delete_commits(con, repo_id, removed)
    if refetch:
        refetch = [sha for sha in refetch if sha not in set(removed)]
        git.fetch_blobs(state.path, sorted(git.missing_blobs(state.path, [*new, *refetch])))
        store.delete_commits(con, repo_id, refetch)
        new, stale = [*new, *refetch], stale + len(refetch)
    elif fetch_blobs and state.partial and new:
        git.fetch_blobs(state.path, sorted(git.missing_blobs(state.path, new)))
    if on_start:
        on_start(state.path, len(new))
    for batch in git.read_commits(state.path, new, jobs=jobs, partial=state.partial, lines=lines):
        store.insert_batch(con, repo_id, batch)
        result.new_commits += len(batch)
        result.problems.extend(batch.problems)
        if on_advance:
            on_advance(len(batch) or len(batch.problems))
    result.new_commits = max(0, result.new_commits - stale)
    store.save_repo_state(con, repo_id, state)


def _count_lines(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    state: git.RepoState,
    pending: list[str],
    result: IndexResult,
    on_start: ProgressStart | None,
    on_advance: ProgressAdvance | None,
    jobs: int | None,
) -> None:
    """The second phase: read ``pending`` commits again with line counts and put each batch in place of
    its first-phase rows in its own transaction, so the index is consistent at every point."""
    if on_start:
        on_start(state.path, len(pending))
    for batch in git.read_commits(state.path, pending, jobs=jobs, partial=state.partial):
        with store.transaction(con):
            store.replace_commits(con, repo_id, batch)
        result.counted += len(batch)
        result.problems.extend(batch.problems)
        if on_advance:
            on_advance(len(batch) or len(batch.problems))


def _index_words(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    state: git.RepoState,
    on_start: ProgressStart | None,
    on_advance: ProgressAdvance | None,
    jobs: int | None,
) -> int:
    """Keep each commit's search words (message, paths, and the identifiers and comments its diff adds)
    in the index, so a review reads them instead of tokenising and diffing the whole history again.

    Words are split but not stemmed: stemming depends on the PRD's language, and costs one lookup per
    distinct word at review time. They are kept as ids of the repository's vocabulary, so a review reads
    integer lists and stems the vocabulary once. Commits indexed by an older cpto get their words on
    the next run. Returns how many commits got their words.
    """
    pending = set(store.pending_shas(con, repo_id))  # their words come with their line counts
    todo = {
        sha: (message, paths)
        for sha, message, paths in store.commits_without_words(con, repo_id)
        if sha not in pending
    }
    if not todo:
        return 0
    worded = len(todo)
    if on_start:
        on_start(state.path, len(todo))
    vocabulary = store.Vocabulary(con, repo_id)
    commits: list[tuple[str, list[int], list[int]]] = []
    changes: list[tuple[str, str, list[int]]] = []
    # A commit whose diff git could not read (blobs missing from a partial clone) has no added text to
    # read: asking git again would only fail again, at a cost per chunk.
    incomplete = store.incomplete_shas(con, repo_id)
    readable = sorted(sha for sha in todo if sha not in incomplete)
    for sha, added in git.read_added_text(state.path, readable, jobs=jobs, partial=state.partial):
        commits.append(_commit_words(vocabulary, sha, *todo.pop(sha, ("", []))))
        changes.extend((sha, changed, vocabulary.ids(added_words(text))) for changed, text in added.items())
        if len(commits) >= 1000:
            store.insert_words(con, vocabulary, commits, changes)
            if on_advance:
                on_advance(len(commits))
            commits, changes = [], []
    commits += [_commit_words(vocabulary, sha, message, paths) for sha, (message, paths) in todo.items()]
    store.insert_words(con, vocabulary, commits, changes)
    if on_advance:
        on_advance(len(commits))
    return worded


def _commit_words(
    vocabulary: store.Vocabulary, sha: str, message: str, paths: list[str]
) -> tuple[str, list[int], list[int]]:
    """(sha, message words, path words): a commit's row of ``commit_words``."""
    return sha, vocabulary.ids(words(message)), vocabulary.ids(words(" ".join(paths)))


def added_words(text: str) -> list[str]:
    """The words of the identifiers and comments a change adds to a file: each distinct identifier
    once, split, so a word several identifiers share counts that often; at most MAX_ADDED_WORDS."""
    return words(" ".join(dict.fromkeys(_IDENTIFIER.findall(text))))[:MAX_ADDED_WORDS]


def _finish(
    con: duckdb.DuckDBPyConnection, repo_id: int, state: git.RepoState, result: IndexResult, started: float
) -> IndexResult:
    """Fill in the totals that describe the index after this run."""
    total = con.execute("SELECT count(*) FROM commits WHERE repo_id = ?", [repo_id]).fetchone()
    result.total_commits = int(total[0]) if total else 0
    result.refs = len(state.refs)
    result.empty = not state.refs
    result.up_to_date = not result.new_commits and not result.removed_commits and not result.counted
    result.pending = len(store.pending_shas(con, repo_id))
    result.unworded = store.count_without_words(con, repo_id)
    result.seconds = time.perf_counter() - started
    return result


def _same_refs(old: list[git.Ref], new: list[git.Ref]) -> bool:
    """True when no ref was added, removed or moved since the last run."""

    def key(ref: git.Ref) -> tuple[str, str, str]:
        return (ref.kind, ref.name, ref.commit)

    return sorted(map(key, old)) == sorted(map(key, new))


def _plan(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    state: git.RepoState,
    old_refs: list[git.Ref],
    *,
    reconcile: bool = False,
) -> tuple[list[str], list[str]]:
    """The commits to read and the commits to drop, from the old and new ref tips."""
    new_tips = state.tips
    old_tips = sorted({ref.commit for ref in old_refs})
    if old_tips == new_tips and not reconcile:
        return [], []
    surviving = git.existing_commits(state.path, old_tips)
    if not reconcile and len(surviving) == len(old_tips):
        new = git.rev_list(state.path, new_tips, exclude=sorted(surviving))
        removed = git.rev_list(state.path, old_tips, exclude=new_tips)
        return new, removed
    # Some old tip is gone from the object store, the refs are lost or the shallow boundary moved:
    # reconcile against everything reachable now.
    reachable = git.rev_list(state.path, new_tips)
    removed = sorted(store.all_indexed_shas(con, repo_id) - set(reachable))
    known = store.indexed_shas(con, repo_id, reachable)
    return [sha for sha in reachable if sha not in known], removed
