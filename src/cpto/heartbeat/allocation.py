"""Investment allocation: the share of a week's effort in feature, fix, debt, infra and other.

Effort is counted three ways because each misleads alone: commits (many small fixes look big), changed
lines (one generated file looks big), and people-weeks (each author who committed that week is one
person-week, split across buckets by their own commits). The same effort is also split along other
axes (team, PRD, roadmap item): a labeller names what a commit counts under, and a commit under two
labels counts half to each, so every axis adds up to the week.

A commit of a pull request labelled with one of ``[github] labels`` (or whose linked issue is) takes
that label's bucket before the classifier is asked: the team said what the work was for.
"""

from __future__ import annotations

import heapq
import zlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from cpto.heartbeat.classify import CATEGORIES, PEOPLE, classify, model_guess
from cpto.history.git import LINES_PENDING

# People-bucketed commits per window the model is checked on: a fixed, unbiased sample (smallest CRC-32
# of the SHA), so the check costs at most this many model calls however much of a week is typed.
CHECKED_PER_WINDOW = 100

# (sha, author email, author name) -> the labels a commit counts under on one axis
Labeller = Callable[[str, str, str], Sequence[str]]


@dataclass
class Slice:
    """The effort under one label of an axis: commits per bucket and changed lines."""

    commits: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    lines: float = 0.0

    @property
    def total(self) -> float:
        return sum(self.commits.values())


@dataclass
class Allocation:
    commits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    lines: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    people_weeks: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    by: dict[str, dict[str, Slice]] = field(default_factory=dict)  # axis -> label -> effort
    by_label: int = 0  # commits whose bucket a pull request's (or its issue's) GitHub label decided
    by_override: int = 0  # commits whose bucket a person set with `cpto classify set`
    # what decided each commit's bucket (override, label, type, model, rules) -> bucket -> commits
    decided: dict[str, dict[str, int]] = field(default_factory=dict)
    # Commits of the window whose line counts are not computed yet (a first-phase index): ``lines`` leaves
    # them out and they were classified without the size signal, so line figures read unknown while > 0.
    pending: int = 0
    # The model checked against people's word: for up to CHECKED_PER_WINDOW commits whose bucket people
    # decided (override, label, type), people's bucket -> the model's guess with the type removed -> commits
    checked: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def lines_known(self) -> bool:
        """Whether ``lines`` (and its shares) is the whole window's count, not a partial sum."""
        return self.pending == 0

    def shares(self, measure: str) -> dict[str, float]:
        values: dict[str, float] = {k: float(v) for k, v in getattr(self, measure).items()}
        total = sum(values.values())
        return {k: round(v / total, 3) if total else 0.0 for k, v in values.items()}


def allocation(
    con: duckdb.DuckDBPyConnection,
    repo_id: int | Sequence[int],
    start: datetime,
    end: datetime,
    axes: Mapping[str, Labeller] | None = None,
    person: Callable[[str, str], str] | None = None,
    labelled: Mapping[str, str] | None = None,
    *,
    person_in: Callable[[int, str, str], str] | None = None,
    overridden: Mapping[str, str] | None = None,
    check: bool = True,
) -> Allocation:
    """Classify the non-merge commits committed in [start, end) and add up their effort per bucket,
    and per label of each of ``axes``. ``person`` (email, name) -> who, by the identity rule
    (``cpto.history.summary.identity_resolver``), so one person's two emails are one person-week;
    without it, the lower-cased email. ``labelled``: sha -> bucket decided by GitHub labels
    (:func:`cpto.heartbeat.evidence.label_buckets`), used before the classifier; ``overridden``: sha ->
    bucket a person set (``cpto classify set``), which wins over labels and the classifier. ``check``:
    also run the model on a sample of the commits people bucketed (``checked``; the week so far skips it).

    Several repositories (``repo_id`` a sequence) are read in one query and added up as one estate;
    ``person_in`` (repo_id, email, name) -> who then applies each repository's .mailmap, so one person
    committing to two repositories in a week is still one person-week."""
    ids = [repo_id] if isinstance(repo_id, int) else list(repo_id)
    rows = con.execute(
        """
        WITH pending AS (SELECT DISTINCT repo_id, sha FROM problems WHERE problem = ?)
        SELECT c.repo_id, c.sha, c.message, lower(c.author_email), c.author_name, c.added, c.deleted,
               list(f.path) FILTER (WHERE f.path IS NOT NULL), bool_or(w.sha IS NOT NULL)
        FROM commits c LEFT JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
             LEFT JOIN pending w ON w.repo_id = c.repo_id AND w.sha = c.sha
        WHERE list_contains(?, c.repo_id) AND len(c.parents) <= 1 AND c.committer_time >= ? AND c.committer_time < ?
        GROUP BY ALL
        ORDER BY min(c.committer_time), c.sha, c.repo_id  -- the same labels in the same order on every run
        """,
        [LINES_PENDING, ids, start, end],
    ).fetchall()
    result = Allocation(by={axis: {} for axis in axes or {}})
    per_author: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CATEGORIES, 0))
    to_check: list[tuple[int, str, str, list[str], int | None, int | None]] = []
    for repo, sha, message, email, name, added, deleted, paths, waiting in rows:
        result.pending += bool(waiting)
        lines = int(added or 0) + int(deleted or 0)
        # sizes still being counted (a two-phase index) are unknown to the model, not zero
        sized = not waiting and added is not None and deleted is not None
        size = (int(added), int(deleted)) if sized else (None, None)
        category, decider = (overridden or {}).get(sha) or "", "override"
        if category:
            result.by_override += 1
        elif category := (labelled or {}).get(sha) or "":
            decider = "label"
            result.by_label += 1
        else:
            found = classify(message or "", paths or [], *size)
            category, decider = found.category, found.decided_by
        if check and decider in PEOPLE:
            to_check.append((zlib.crc32(sha.encode()), category, message or "", paths or [], *size))
        by_bucket = result.decided.setdefault(decider, dict.fromkeys(CATEGORIES, 0))
        by_bucket[category] += 1
        result.commits[category] += 1
        result.lines[category] += lines
        if person_in is not None:
            author = person_in(int(repo), email or "", name or "")
        else:
            author = person(email or "", name or "") if person else email
        per_author[author][category] += 1
        for axis, labeller in (axes or {}).items():
            labels = list(dict.fromkeys(labeller(sha, email or "", name or ""))) or ["(none)"]
            for label in labels:
                part = result.by[axis].setdefault(label, Slice())
                part.commits[category] += 1 / len(labels)
                part.lines += lines / len(labels)
    sample = heapq.nsmallest(CHECKED_PER_WINDOW, to_check, key=lambda c: c[0])  # sorted(...)[:n], cheaper
    for _, category, message, paths, added, deleted in sample:
        guesses = result.checked.setdefault(category, dict.fromkeys(CATEGORIES, 0))
        guesses[model_guess(message, paths, added, deleted)] += 1
    for counts in per_author.values():
        total = sum(counts.values())
        for category, n in counts.items():
            result.people_weeks[category] += n / total
    result.people_weeks = {k: round(v, 2) for k, v in result.people_weeks.items()}
    return result
