"""Trace requirements to the commits and files that implement them, and decide each one's status.

Links come in two strengths. Explicit links are references people wrote: a requirement ID in a commit
message, a branch name or a file (code comments, test names), or an issue number a requirement and a
commit share. Inferred links come from text relevance (:mod:`cpto.review.vsm`) between the requirement
and each commit (message and changed paths) and each file at HEAD (path, identifiers, comments), and
from structure and co-change: a file gains part of the best score among the files it references or
is referenced by (by name: an import, a type, a call), and a file changed by a linked commit inherits
part of that commit's score.

Every candidate has a score; ``linked`` is decided by one rule for every repository, calibrated on
the run itself rather than on fixed similarities (which differ by an order of magnitude between
repositories and languages). A candidate is linked when it is explicit, or when its score is at least
``MIN_SCORE`` and

- at least ``RELATIVE[kind]`` of the best candidate of its kind for that requirement: 0.8 for commits
  (a requirement is done by the few commits that say so; the next hundred share a word or two), 0.3
  for files (a feature spans several files, and those holding its plumbing match it less well), and
- at least ``TYPICAL`` (0.6) of the *typical best*: the median, over the reviewed requirements, of each
  one's best score of that kind.

The second condition is what lets a requirement have no inferred link at all: one whose best match is
weak next to how well the other requirements match is not built, or not recognisably so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from cpto.review.corpus import CommitDoc, Corpus, is_test_path
from cpto.review.graph import CommitGraph
from cpto.review.prd import Prd, Requirement, id_pattern
from cpto.review.semantic import SemanticScores
from cpto.review.text import terms
from cpto.review.vsm import FloatArray, Ranker

MIN_SCORE = 0.05
RELATIVE = {"commit": 0.8, "file": 0.3}
TYPICAL = 0.6
NAME_WEIGHT = 0.3
SEMANTIC_WEIGHT = 0.2  # with the optional model: share of the embedding cosine added to the text score
RELATED = 0.2  # share of the best related file's text score a file gains (code that uses or is used by it)
CO_CHANGE = 0.5
STRONG = 0.3  # an inferred commit this similar (or any explicit one) means work on the requirement started
KEEP_MAX = 200  # candidates listed beyond the top K per kind (all, for most repositories): a ranking
# cut at K hides true links further down from whoever reads it; a long history must not flood the output

SHIPPED = "shipped"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
UNCLEAR = "unclear"
DEFERRED = "deferred"  # people said: later (cpto review defer); not counted against --fail-under
DROPPED = "dropped"  # people said: won't do (cpto review drop); not counted against --fail-under
STATUSES = (SHIPPED, IN_PROGRESS, UNCLEAR, NOT_STARTED, DEFERRED, DROPPED)

_ISSUE = re.compile(r"(?:(?<![\w&/])#|\b(?:issue|bug|ticket|gh)[ -]?#?)(\d{1,7})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """One candidate piece of evidence for a requirement."""

    kind: str  # commit | file | pr (a pull request: ref "#N")
    ref: str  # sha, repository-relative path, or "#N"
    score: float
    linked: bool
    explicit: bool
    why: str
    repo: str = ""  # the workspace repository it was found in (its folder name)


@dataclass(frozen=True)
class Effort:
    """What the linked commits cost: how many, how many lines, by whom, over which dates."""

    commits: int = 0
    lines: int = 0
    people: tuple[str, ...] = ()
    first: datetime | None = None
    last: datetime | None = None


@dataclass
class RequirementTrace:
    """A requirement with its ranked evidence, status and effort."""

    requirement: Requirement
    prd: str
    links: list[Link]
    status: str = NOT_STARTED
    reason: str = ""
    effort: Effort = field(default_factory=Effort)
    tests: list[str] = field(default_factory=list)
    releases: list[str] = field(default_factory=list)
    release: str | None = None  # the first release holding the requirement's latest strong work
    confidence: str = ""  # high | medium | low: how sure the status is
    before: list[Link] = field(default_factory=list)  # matching work from before the PRD's period

    def linked(self, kind: str) -> list[Link]:
        return [link for link in self.links if link.linked and link.kind == kind]


@dataclass
class AreaWork:
    """Unplanned commits in one area (top-level folder) with their effort."""

    area: str
    commits: list[CommitDoc]
    effort: Effort


@dataclass
class TraceResult:
    requirements: list[RequirementTrace]
    unplanned: list[CommitDoc]
    unplanned_areas: list[AreaWork]
    since: datetime | None
    subjects: dict[str, str] = field(default_factory=dict)  # first message line of each linked commit
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for r in self.requirements:
            out[r.status] += 1
        return out


def trace(
    prds: Sequence[Prd],
    corpus: Corpus,
    graph: CommitGraph,
    *,
    top: int = 20,
    since: datetime | None = None,
    semantic: SemanticScores | None = None,
) -> TraceResult:
    """Trace every requirement of ``prds`` through ``corpus``; ``since`` bounds the unplanned work.

    ``semantic`` (requirements in the order of ``prds``, see :mod:`cpto.review.semantic`) adds meaning
    to the word-based scores when the optional model was used.
    """
    requirements = [(prd, r) for prd in prds for r in prd.requirements]
    queries = [terms(f"{r.title}\n{r.text}", corpus.language) for _, r in requirements]
    scorer = _Scorer.build(corpus, queries, semantic)
    typical = scorer.typical_best()
    commit_rule, file_rule = _Rule("commit", typical["commit"]), _Rule("file", typical["file"])
    mentions = _commit_mentions(corpus, graph, [r for _, r in requirements])
    traces = []
    for i, ((prd, requirement), query) in enumerate(zip(requirements, queries, strict=True)):
        commit_scores = scorer.commit_scores(i)
        text_scores, file_scores = scorer.file_scores(i)
        commits = _commit_links(
            corpus, scorer.commits, query, commit_scores, mentions[requirement.id], top, commit_rule
        )
        files = _file_links(
            corpus,
            scorer.files,
            query,
            (text_scores, file_scores),
            requirement.id,
            commits,
            top,
            file_rule,
        )
        item = RequirementTrace(requirement, str(prd.path), commits + files)
        _decide_status(item, corpus, graph)
        traces.append(item)
    linked_shas = {link.ref for t in traces for link in t.linked("commit")}
    unplanned = [c for c in corpus.commits if c.sha not in linked_shas and (since is None or c.time >= since)]
    subjects = {c.sha: c.subject for c in corpus.commits if c.sha in linked_shas}
    return TraceResult(traces, unplanned, group_by_area(unplanned), since, subjects)


@dataclass(frozen=True)
class _Scorer:
    """The scores of one run: text rankers for commits, file contents and file names, and the
    optional semantic similarities, for the requirement at position i of ``queries``."""

    corpus: Corpus
    queries: Sequence[Sequence[str]]
    commits: Ranker
    files: Ranker
    names: Ranker
    semantic: SemanticScores | None

    @classmethod
    def build(
        cls, corpus: Corpus, queries: Sequence[Sequence[str]], semantic: SemanticScores | None
    ) -> _Scorer:
        files = Ranker.build(corpus.file_matrix, queries)
        return cls(
            corpus,
            queries,
            commits=Ranker.build(corpus.commit_matrix, queries),
            files=files,
            names=Ranker.build(corpus.name_matrix, queries, idf_from=files),
            semantic=semantic,
        )

    def commit_scores(self, i: int) -> FloatArray:
        scores = self.commits.scores(self.queries[i])
        if self.semantic is not None:
            scores = scores + SEMANTIC_WEIGHT * np.maximum(self.semantic.commits[i], 0.0)
        return scores

    def file_scores(self, i: int) -> tuple[FloatArray, FloatArray]:
        """Each file's text score (content and name), and that plus what its related files add."""
        query = self.queries[i]
        text = self.files.scores(query) + NAME_WEIGHT * self.names.scores(query)
        if self.semantic is not None:
            text = text + SEMANTIC_WEIGHT * np.maximum(self.semantic.files[i], 0.0)
        # A file gains RELATED x the best text score among the files it is related to.
        return text, text + RELATED * self.corpus.related.best_neighbour(text)

    def typical_best(self) -> dict[str, float]:
        """Per kind, the median over requirements of each one's best score: the run's own yardstick.

        A first pass over the queries; scores are not kept, so memory stays one score vector per kind.
        """
        bests: dict[str, list[float]] = {"commit": [], "file": []}
        for i in range(len(self.queries)):
            for kind, scores in (("commit", self.commit_scores(i)), ("file", self.file_scores(i)[1])):
                bests[kind].append(float(scores.max()) if scores.size else 0.0)
        return {kind: float(np.median(values)) if values else 0.0 for kind, values in bests.items()}


@dataclass(frozen=True)
class _Rule:
    """The linking rule for one kind of evidence in one run (see the module docstring)."""

    kind: str
    typical_best: float

    def decide(self, scores: FloatArray, explicit: Iterable[int]) -> set[int]:
        """The candidates the rule accepts (explicit ones always)."""
        best = float(scores.max()) if scores.size else 0.0
        cut = max(MIN_SCORE, RELATIVE[self.kind] * best, TYPICAL * self.typical_best)
        accepted = set(np.flatnonzero(scores >= cut).tolist()) if best > 0 else set()
        return accepted | set(explicit)


def _commit_mentions(
    corpus: Corpus, graph: CommitGraph, requirements: Sequence[Requirement]
) -> dict[str, dict[int, str]]:
    """Explicit commit references per requirement ID: commit index -> why."""
    out: dict[str, dict[int, str]] = {r.id: {} for r in requirements}
    by_id = {r.id.lower(): r.id for r in requirements if not r.derived_id}
    issues: dict[str, list[str]] = defaultdict(list)
    for r in requirements:
        for number in _ISSUE.findall(f"{r.title}\n{r.text}"):
            issues[number].append(r.id)
    pattern = id_pattern(by_id.values())
    for j, commit in enumerate(corpus.commits):
        if pattern is not None:
            for found in {m.group(0).lower() for m in pattern.finditer(commit.message)}:
                out[by_id[found]].setdefault(j, f"message names {by_id[found]}")
        for number in set(_ISSUE.findall(commit.message)):
            for rid in issues.get(number, ()):
                out[rid].setdefault(j, f"shares issue #{number}")
        if pattern is not None:
            for branch in graph.branches_of.get(commit.sha, ()):
                for m in pattern.finditer(branch):
                    rid = by_id[m.group(0).lower()]
                    out[rid].setdefault(j, f"on branch {branch}")
    return out


def _shortlist(scores: FloatArray, top: int, must: Iterable[int]) -> list[int]:
    """The top ``top`` candidates (0: all) and up to KEEP_MAX more with a positive score, plus ``must``
    (the explicit references)."""
    order = np.argsort(-scores, kind="stable")
    positive = order[: int(np.count_nonzero(scores > 0))]
    keep = [int(j) for j in (positive if top == 0 else positive[: top + KEEP_MAX])]
    seen = set(keep)
    keep += [j for j in must if j not in seen]
    return keep


def _commit_links(
    corpus: Corpus,
    ranker: Ranker,
    query: list[str],
    scores: FloatArray,
    explicit: dict[int, str],
    top: int,
    rule: _Rule,
) -> list[Link]:
    accepted = rule.decide(scores, explicit)
    vector = ranker.query_vector(query)
    links = []
    for j in _shortlist(scores, top, explicit):
        text_score = float(scores[j])
        if j in explicit:
            why, score = explicit[j], 1.0 + text_score
        else:
            why, score = (
                "shared terms: " + ", ".join(ranker.shared_terms(vector, corpus.commit_terms[j])),
                text_score,
            )
        links.append(
            Link("commit", corpus.commits[j].sha, round(score, 6), j in accepted, j in explicit, why)
        )
    links.sort(key=lambda link: -link.score)
    return links


def _file_links(
    corpus: Corpus,
    ranker: Ranker,
    query: list[str],
    text_and_related: tuple[FloatArray, FloatArray],
    requirement_id: str,
    commit_links: list[Link],
    top: int,
    rule: _Rule,
) -> list[Link]:
    text, scores = text_and_related
    explicit = {j: "names " + requirement_id for j in corpus.files_naming.get(requirement_id.lower(), ())}
    changed_by: dict[int, tuple[float, str]] = {}
    for link in commit_links:
        if not link.linked:
            continue
        paths = corpus.commit_by_sha[link.ref].paths
        # A commit's evidence is shared among the files it changes: a 100-file import says little of each.
        inherited = CO_CHANGE * min(link.score, 1.0) / max(1.0, len(paths)) ** 0.5
        for path in paths:
            j = corpus.file_index.get(path)
            if j is not None and inherited > changed_by.get(j, (0.0, ""))[0]:
                changed_by[j] = (inherited, link.ref)
    inferred = scores.copy()
    for j, (inherited, _) in changed_by.items():
        inferred[j] = max(inferred[j], inherited)
    accepted = rule.decide(inferred, explicit)
    vector = ranker.query_vector(query)
    links = []
    for j in _shortlist(inferred, top, explicit):
        if j in explicit:
            why, score = f"file {explicit[j]}", 1.0 + float(inferred[j])
        elif j in changed_by and changed_by[j][0] >= scores[j]:
            why, score = f"changed by linked commit {changed_by[j][1][:10]}", float(inferred[j])
        else:
            shared = ranker.shared_terms(vector, corpus.file_terms[j])
            why, score = "shared terms: " + ", ".join(shared), float(inferred[j])
            if scores[j] > 2 * text[j]:  # most of the score came from a related file
                neighbours = corpus.related.of(j)
                best = int(neighbours[np.argmax(text[neighbours])])
                why += f"; related to {corpus.files[best].path}"
        links.append(Link("file", corpus.files[j].path, round(score, 6), j in accepted, j in explicit, why))
    links.sort(key=lambda link: -link.score)
    return links


def _decide_status(item: RequirementTrace, corpus: Corpus, graph: CommitGraph) -> None:
    """Status from the linked evidence: where the commits are, whether tests exist, what is unfinished."""
    commits = [corpus.commit_by_sha[link.ref] for link in item.linked("commit")]
    files = [corpus.files[corpus.file_index[link.ref]] for link in item.linked("file")]
    item.effort = effort_of(commits)
    item.tests = sorted(
        {f.path for f in files if f.is_test} | {p for c in commits for p in c.paths if is_test_path(p)}
    )
    released = {graph.release_of[c.sha] for c in commits if c.sha in graph.release_of}
    item.releases = [r.name for r in graph.releases if r in released]  # oldest first
    strong = [link for link in item.linked("commit") if link.explicit or link.score >= STRONG]
    if not strong:
        item.effort, item.tests, item.releases = Effort(), [], []  # weak matches are not work done
        weak = [link for link in item.links if link.linked]
        item.status, item.reason = (
            (UNCLEAR, f"weak matches only (best {max(link.score for link in weak):.2f})")
            if weak
            else (NOT_STARTED, "no evidence")
        )
        return
    off_main = [c for c in commits if c.sha not in graph.on_head]
    unreleased = [c for c in commits if c.sha in graph.on_head and c.sha not in graph.release_of]
    direct = {link.ref for link in item.linked("file") if not link.why.startswith("changed by")}
    debt = [f.path for f in files if f.debt_markers and not f.is_test and f.path in direct]
    reasons = []
    if len(off_main) == len(commits):
        branches = sorted({b for c in off_main for b in graph.branches_of.get(c.sha, [])})
        reasons.append("only on " + (", ".join(branches) or "unmerged commits"))
    elif graph.releases and not item.releases:
        reasons.append("not in a release yet")
    if not item.tests:
        reasons.append("no tests")
    notes = []
    if unreleased and item.releases:
        notes.append(f"{len(unreleased)} commits since {item.releases[-1]}")
    if debt:
        notes.append("TODO/FIXME in " + ", ".join(debt[:2]))
    if reasons:
        item.status, item.reason = IN_PROGRESS, "; ".join(reasons + notes)
    else:
        where = item.releases[0] if item.releases else graph.head_branch or "HEAD"
        item.status, item.reason = SHIPPED, "; ".join([f"in {where}, with tests", *notes])


def effort_of(commits: Sequence[CommitDoc]) -> Effort:
    """Commits, changed lines, authors and dates of ``commits``."""
    if not commits:
        return Effort()
    times = [c.time for c in commits]
    return Effort(
        commits=len(commits),
        lines=sum(c.added + c.deleted for c in commits),
        people=tuple(sorted({c.author for c in commits})),
        first=min(times),
        last=max(times),
    )


def area_of(commit: CommitDoc) -> str:
    """The top-level folder a commit mostly changes; '(root)' for top-level files, '(none)' for none."""
    if not commit.paths:
        return "(none)"
    counts: dict[str, int] = defaultdict(int)
    for path in commit.paths:
        counts[path.split("/", 1)[0] if "/" in path else "(root)"] += 1
    return max(sorted(counts), key=lambda area: counts[area])


def group_by_area(commits: Sequence[CommitDoc]) -> list[AreaWork]:
    """Commits grouped by area, the costliest area first."""
    groups: dict[str, list[CommitDoc]] = defaultdict(list)
    for commit in commits:
        groups[area_of(commit)].append(commit)
    areas = [AreaWork(area, cs, effort_of(cs)) for area, cs in groups.items()]
    return sorted(areas, key=lambda a: (-a.effort.commits, a.area))
