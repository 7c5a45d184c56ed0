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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import numpy.typing as npt

from cpto.review.corpus import CommitDoc, Corpus, is_test_path
from cpto.review.graph import CommitGraph
from cpto.review.prd import Prd, Requirement, id_pattern
from cpto.review.semantic import SemanticScores
from cpto.review.text import matches_in, terms
from cpto.review.units import PullRequest
from cpto.review.verdicts import Verdicts, apply_verdicts, ref_kind, verdict_status
from cpto.review.vsm import FloatArray, Ranker

MIN_SCORE = 0.05
RELATIVE = {"commit": 0.5, "file": 0.3}
TYPICAL = 0.6
NOISE_RANK = 20  # a requirement's noise: the score of its 20th best unit of work (a pull request counts once)
NOISE_FLOOR = 0.05  # ... and never below this share of its best (a small history has no 20th match)
LINK_CLEARNESS = 1.75  # an inferred commit is linked when (score / best) x (score / noise) reaches this
WEAK_CLEARNESS = 1.25  # below it a best candidate is no evidence at all; between the two: "unclear"
UNIT_SHARE = 0.5  # a commit's score: half its own, half its pull request's
NAME_WEIGHT = 0.3
SEMANTIC_WEIGHT = 0.2  # with the optional model: share of the embedding cosine added to the text score
RELATED = 0.2  # share of the best related file's text score a file gains (code that uses or is used by it)
CO_CHANGE = 0.5
IMPORT_SHARE = 0.5  # a commit changing more than this share of the files at HEAD passes nothing on to them
KEEP_SHARE = 0.1  # ... commits that score at least this share of the best (thousands share a word with
# a requirement in a long history); files are fewer, and true ones sit deep in long rankings (SMOS, eANCI)
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
# An issue cited by its page: it names the repository, so it only matches that repository's pull requests.
_ISSUE_URL = re.compile(r"https?://github\.com/([\w.-]+/[\w.-]+)/issues/(\d{1,7})\b", re.IGNORECASE)
REFERENCE_SHARE = (
    0.5  # a pull request that only mentions a cited issue: explicit, but weaker than one closing it
)


@dataclass(frozen=True, slots=True)  # slots: a long history lists hundreds of thousands
class Link:
    """One candidate piece of evidence for a requirement."""

    kind: str  # commit | file | pr (a pull request: ref "#N")
    ref: str  # sha, repository-relative path, or "#N"
    score: float
    linked: bool
    explicit: bool
    why: str
    repo: str = ""  # the workspace repository it was found in (its folder name)
    url: str = ""  # where the forge shows it (a pull request's page), when the index has its data


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
    starts: Mapping[str, datetime | None] | None = None,
    verdicts: Mapping[str, Verdicts] | None = None,
    semantic: SemanticScores | None = None,
    commit_bests: Sequence[float] | None = None,
) -> TraceResult:
    """Trace every requirement of ``prds`` through ``corpus``; ``since`` bounds the unplanned work.

    ``starts`` gives each PRD's period (PRD path -> start): linked work from before it is set apart
    (:attr:`RequirementTrace.before`) and does not make a requirement in progress or shipped.
    ``verdicts`` (PRD path -> what people said, :mod:`cpto.review.verdicts`) confirm and reject links and
    defer or drop requirements. ``semantic`` (requirements in the order of ``prds``, see
    :mod:`cpto.review.semantic`) adds meaning to the word-based scores when the optional model was used.
    ``commit_bests`` (per requirement, :func:`best_commit_scores` over all reviewed repositories) makes
    a match count only against the best match anywhere, not just in this repository.
    """
    requirements = [(prd, r) for prd in prds for r in prd.requirements]
    texts = [f"{r.title}\n{r.text}" for _, r in requirements]
    queries = [terms(text, corpus.language) for text in texts]
    scorer = _Scorer.build(corpus, queries, semantic)
    bests = scorer.bests()
    if commit_bests is not None:
        bests["commit"] = [max(a, b) for a, b in zip(bests["commit"], commit_bests, strict=True)]
    typical = {kind: float(np.median(values)) if values else 0.0 for kind, values in bests.items()}
    file_rule = _Rule("file", typical["file"])
    mentions, weaker = _commit_mentions(corpus, graph, [r for _, r in requirements])
    forge_data = any(unit.url for unit in corpus.units)  # pull requests as GitHub knows them
    traces = []
    for i, ((prd, requirement), query) in enumerate(zip(requirements, queries, strict=True)):
        spoken = _spoken_words(texts[i], corpus.language)
        raw = scorer.commit_scores(i)
        commits = _commit_links(
            corpus,
            query,
            raw,
            bests["commit"][i],
            mentions[requirement.id],
            top,
            typical["commit"],
            spoken,
            weaker[requirement.id],
        )
        said = (verdicts or {}).get(str(prd.path))
        if said is not None:
            commits = _commits_as_people_said(corpus, commits, requirement.id, said)
        text_scores, file_scores = scorer.file_scores(i)
        files = _file_links(
            corpus,
            scorer.files,
            query,
            (text_scores, file_scores),
            requirement.id,
            commits,
            top,
            file_rule,
            spoken,
        )
        links = commits + files
        if said is not None:
            links = [link for link in apply_verdicts(links, requirement.id, said) if _known(corpus, link)]
        item = RequirementTrace(requirement, str(prd.path), links)
        start = (starts or {}).get(str(prd.path))
        if start is not None:
            _set_apart_before(item, corpus, start)
        # Pull requests of the commits still linked (work from before the PRD's start is set apart).
        named = {link.ref for link in item.links if link.kind == "pr"}  # confirmed by people
        entry = said.get(requirement.id) if said is not None else None
        rejected = {v.ref for v in entry.rejected} if entry is not None else set()
        cited = _forge_issues([requirement]) if forge_data else {}
        units = [
            u for u in _unit_links(corpus, item.linked("commit"), cited) if u.ref not in named | rejected
        ]
        item.links = (
            [x for x in item.links if x.kind != "file"] + units + [x for x in item.links if x.kind == "file"]
        )
        _decide_status(item, corpus, graph)
        held = verdict_status(requirement.id, said) if said is not None else None
        if held is not None:
            item.status, item.reason, item.confidence = held[0], held[1], "high"
        traces.append(item)
    linked_shas = {link.ref for t in traces for link in t.linked("commit")}
    unplanned = [
        c for c in corpus.commits if c.sha not in linked_shas and since is not None and c.time >= since
    ]
    subjects = {c.sha: c.subject for c in corpus.commits if c.sha in linked_shas}
    subjects.update(
        {link.ref: corpus.unit(link.ref).title for t in traces for link in t.links if link.kind == "pr"}
    )
    return TraceResult(traces, unplanned, group_by_area(unplanned), since, subjects)


@dataclass(frozen=True)
class _Scorer:
    """The scores of one run: BM25F rankers for commits and their pull requests, cosine rankers for file
    contents and file names, and the optional semantic similarities, for the requirement at position i
    of ``queries``."""

    corpus: Corpus
    queries: Sequence[Sequence[str]]
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
            files=files,
            names=Ranker.build(corpus.name_matrix, queries, idf_from=files),
            semantic=semantic,
        )

    def commit_scores(self, i: int) -> FloatArray:
        """Each commit's relevance: half its own BM25F score, half its pull request's (when it has one)."""
        query = self.queries[i]
        corpus = self.corpus
        own = corpus.commit_ranker.scores(query)
        if corpus.units:
            unit = corpus.unit_ranker.scores(query)
            in_unit = corpus.unit_of >= 0
            own = np.where(in_unit, (1 - UNIT_SHARE) * own + UNIT_SHARE * unit[corpus.unit_of], own)
        if self.semantic is not None and own.size:
            own = own + SEMANTIC_WEIGHT * float(own.max()) * np.maximum(self.semantic.commits[i], 0.0)
        return own

    def file_scores(self, i: int) -> tuple[FloatArray, FloatArray]:
        """Each file's text score (content and name), and that plus what its related files add."""
        query = self.queries[i]
        text = self.files.scores(query) + NAME_WEIGHT * self.names.scores(query)
        if self.semantic is not None:
            text = text + SEMANTIC_WEIGHT * np.maximum(self.semantic.files[i], 0.0)
        # A file gains RELATED x the best text score among the files it is related to.
        return text, text + RELATED * self.corpus.related.best_neighbour(text)

    def bests(self, kinds: Sequence[str] = ("commit", "file")) -> dict[str, list[float]]:
        """Per kind, each requirement's best score: a first pass over the queries; scores are not kept,
        so memory stays one score vector per kind."""
        bests: dict[str, list[float]] = {kind: [] for kind in kinds}
        for i in range(len(self.queries)):
            for kind in kinds:
                scores = self.commit_scores(i) if kind == "commit" else self.file_scores(i)[1]
                bests[kind].append(float(scores.max()) if scores.size else 0.0)
        return bests


def best_commit_scores(
    prds: Sequence[Prd], corpus: Corpus, semantic: SemanticScores | None = None
) -> list[float]:
    """Each requirement's best commit score in ``corpus``: a review of several repositories measures
    every repository's matches against the best of all (:func:`trace`'s ``commit_bests``)."""
    queries = [terms(f"{r.title}\n{r.text}", corpus.language) for prd in prds for r in prd.requirements]
    return _Scorer.build(corpus, queries, semantic).bests(("commit",))["commit"]


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


def clearness(raw: FloatArray, unit_of: npt.NDArray[np.int64], best: float = 0.0) -> FloatArray:
    """How clearly each commit stands out for one requirement: (score / best) x (score / noise).

    The noise is the score of the requirement's NOISE_RANK-th best unit of work (a pull request's
    commits count once), so a requirement that many commits match a little has a high noise and one
    that few commits match well a low one. Raw BM25 scores grow with the length of the requirement;
    this ratio does not, so one threshold serves every requirement and every repository. ``best`` is
    the best match in all repositories reviewed together, when higher than this one's.
    """
    out = np.zeros(raw.shape, dtype=np.float64)
    if not raw.size:
        return out
    best = max(best, float(raw.max()))
    if best <= 0:
        return out
    keep = min(raw.size, NOISE_RANK * 40)
    top = np.argpartition(-raw, keep - 1)[:keep] if keep < raw.size else np.arange(raw.size)
    top = top[np.argsort(-raw[top], kind="stable")]
    seen: set[int] = set()
    noise = 0.0
    for j in top.tolist():
        key = int(unit_of[j]) if unit_of.size and unit_of[j] >= 0 else -1 - j
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > NOISE_RANK:
            noise = float(raw[j])
            break
    noise = max(noise, NOISE_FLOOR * best)
    positive = raw > 0
    out[positive] = (raw[positive] / best) * (raw[positive] / noise)
    return out


def _commit_mentions(
    corpus: Corpus, graph: CommitGraph, requirements: Sequence[Requirement]
) -> tuple[dict[str, dict[int, str]], dict[str, set[int]]]:
    """Explicit commit references per requirement ID (commit index -> why), and per requirement the
    commits referenced only weakly: through a pull request that mentions a cited issue without closing it."""
    out: dict[str, dict[int, str]] = {r.id: {} for r in requirements}
    weaker: dict[str, set[int]] = {r.id: set() for r in requirements}
    by_id = {r.id.lower(): r.id for r in requirements if not r.derived_id}
    issues: dict[str, list[str]] = defaultdict(list)
    for r in requirements:
        for number in _ISSUE.findall(f"{r.title}\n{r.text}"):
            issues[number].append(r.id)
    pattern = id_pattern(by_id.values())
    messages = [commit.message for commit in corpus.commits]
    if pattern is not None:
        for j, m in matches_in(pattern, messages):
            rid = by_id[m.group(0).lower()]
            out[rid].setdefault(j, f"message names {rid}")
    if issues:
        for j, m in matches_in(_ISSUE, messages):
            for rid in issues.get(m.group(1), ()):
                out[rid].setdefault(j, f"shares issue #{m.group(1)}")
    if pattern is not None and graph.branches_of:
        for j, commit in enumerate(corpus.commits):
            for branch in graph.branches_of.get(commit.sha, ()):
                for m in pattern.finditer(branch):
                    rid = by_id[m.group(0).lower()]
                    out[rid].setdefault(j, f"on branch {branch}")
    members: dict[int, list[int]] = defaultdict(list)
    for j, u in enumerate(corpus.unit_of.tolist()):
        if u >= 0:
            members[u].append(j)
    cited = _forge_issues(requirements) if any(unit.url for unit in corpus.units) else {}
    for u, unit in enumerate(corpus.units):
        said = f"{unit.merge_message}\n{unit.branch}"
        named = {by_id[m.group(0).lower()] for m in pattern.finditer(said)} if pattern is not None else set()
        for rid in named:
            for j in members[u]:
                out[rid].setdefault(j, f"pull request {unit.ref} names {rid}")
        numbers = set(_ISSUE.findall(unit.merge_message)) | {unit.ref.lstrip("#!")}
        for number in numbers:
            for rid in issues.get(number, ()):
                for j in members[u]:
                    out[rid].setdefault(j, f"pull request {unit.ref} cites #{number}")
        for rid, said_by_forge, weak in _forge_says(unit, cited):
            for j in members[u]:
                if j not in out[rid]:
                    out[rid][j] = f"pull request {unit.ref} {said_by_forge}"
                    if weak:
                        weaker[rid].add(j)
    return out, weaker


def _forge_says(
    unit: PullRequest, cited: Mapping[int, Sequence[tuple[str, str]]]
) -> list[tuple[str, str, bool]]:
    """(requirement ID, "closes #42" or "references #42", whether only a mention) for each issue
    ``cited`` (:func:`_forge_issues`) that the forge says pull request ``unit`` closes, then mentions."""
    out = []
    for numbers, verb in ((unit.closes, "closes"), (unit.references, "references")):
        for issue in numbers:
            for rid, page in cited.get(issue, ()):
                if not page or unit.url.lower().startswith(f"https://github.com/{page}/"):
                    out.append((rid, f"{verb} #{issue}", verb == "references"))
    return out


def _forge_issues(requirements: Sequence[Requirement]) -> dict[int, list[tuple[str, str]]]:
    """Issue number -> (requirement ID, the repository its URL names, "" for a bare ``#N``) for every
    issue a requirement cites: what a pull request's closing references are matched against."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for r in requirements:
        text = f"{r.title}\n{r.text}"
        for number in dict.fromkeys(_ISSUE.findall(text)):
            out[int(number)].append((r.id, ""))
        for page, number in dict.fromkeys(_ISSUE_URL.findall(text)):
            out[int(number)].append((r.id, page.lower()))
    return out


def _shortlist(scores: FloatArray, top: int, must: Iterable[int], share: float = 0.0) -> list[int]:
    """The top ``top`` candidates (0: all) and up to KEEP_MAX more that score above 0 and at least
    ``share`` of the best, plus ``must`` (the explicit references)."""
    best = float(scores.max()) if scores.size else 0.0
    positive = int(np.count_nonzero(scores > 0))
    if top and share:
        positive = min(positive, max(top, int(np.count_nonzero(scores >= share * best))))
    limit = positive if top == 0 else min(positive, top + KEEP_MAX)
    if 0 < limit < scores.size:
        head = np.argpartition(-scores, limit - 1)[:limit]
        order = head[np.argsort(-scores[head], kind="stable")]
    else:
        order = np.argsort(-scores, kind="stable")[:limit]
    keep = [int(j) for j in order]
    seen = set(keep)
    keep += [j for j in must if j not in seen]
    return keep


def _spoken_words(text: str, language: str) -> dict[str, str]:
    """Each search term of ``text`` -> the word its writer used for it (first seen), so a link's "why"
    reads "checkout, guest" rather than stems."""
    out: dict[str, str] = {}
    for word in re.findall(r"[^\W\d_]+", text):
        for term in terms(word, language):
            out.setdefault(term, word.lower())
    return out


def _through_unit(corpus: Corpus, j: int) -> str:
    """Why a commit that shares no word with a requirement scores at all: its pull request does."""
    u = int(corpus.unit_of[j]) if corpus.unit_of.size else -1
    return f"through its pull request {corpus.units[u].ref}" if u >= 0 else "no shared words"


def _said(shared: Sequence[str], spoken: Mapping[str, str], most: int = 5) -> str:
    """Shared terms as the requirement wrote them, each word once ("GitHub" stands for "git" and "hub")."""
    return ", ".join(list(dict.fromkeys(spoken.get(t, t) for t in shared))[:most])


def _commit_links(
    corpus: Corpus,
    query: list[str],
    raw: FloatArray,
    best: float,
    explicit: dict[int, str],
    top: int,
    typical_best: float,
    spoken: Mapping[str, str],
    weaker: set[int] | None = None,
) -> list[Link]:
    """Commit candidates with a score in [0, 1) for inferred links (1 and above for explicit ones;
    ``weaker`` explicit ones, a pull request mentioning a cited issue, add only REFERENCE_SHARE of theirs).

    Linked: clear of the noise (LINK_CLEARNESS), at least RELATIVE of the best match (``best``: of all
    reviewed repositories), and not far weaker than the run's typical best match."""
    clear = clearness(raw, corpus.unit_of, best)
    near_best = raw >= RELATIVE["commit"] * max(best, float(raw.max()) if raw.size else 0.0)
    # A match much weaker than the run's typical best match is weak evidence however clear it stands:
    # its score shrinks by how far short it falls (the order within the requirement is unchanged).
    typical = TYPICAL * typical_best
    strength = np.minimum(1.0, raw / typical) if typical > 0 else np.ones_like(raw)
    value = clear / (1 + clear) * strength
    accepted = set(explicit) | set(
        np.flatnonzero((clear >= LINK_CLEARNESS) & (strength >= 1.0) & near_best).tolist()
    )
    ranker = corpus.commit_ranker
    links = []
    chosen = _shortlist(value, top, explicit, KEEP_SHARE)
    shared_terms = ranker.shared(query, chosen)
    for j in chosen:
        if j in explicit:
            share = REFERENCE_SHARE if weaker and j in weaker else 1.0
            why, score = explicit[j], 1.0 + share * float(value[j])
        else:
            shared = shared_terms[j]
            why = "shared terms: " + _said(shared, spoken) if shared else _through_unit(corpus, j)
            score = float(value[j])
        links.append(
            Link(
                "commit",
                corpus.commits[j].sha,
                round(score, 6),
                j in accepted,
                j in explicit,
                why,
                corpus.name,
            )
        )
    links.sort(key=lambda link: -link.score)
    return links


def _commits_as_people_said(corpus: Corpus, links: list[Link], rid: str, said: Verdicts) -> list[Link]:
    """Commit links after ``cpto review confirm|reject``: a pull request confirmed or rejected as a whole
    stands for its commits, a short sha for the full one; refs this repository lacks are left out."""
    entry = said.get(rid)
    if entry is None:
        return links
    members: dict[str, list[int]] = {}
    for verdict in (*entry.confirmed, *entry.rejected):
        if ref_kind(verdict.ref) == "pr" and verdict.ref in corpus.unit_refs:
            u = corpus.unit_refs[verdict.ref]
            members[verdict.ref] = np.flatnonzero(corpus.unit_of == u).tolist()
    rejected = {corpus.commits[j].sha for v in entry.rejected for j in members.get(v.ref, [])}
    out = [link for link in links if link.ref not in rejected]
    present = {link.ref for link in out}
    for verdict in entry.confirmed:
        shas = [corpus.commits[j].sha for j in members.get(verdict.ref, [])]
        if ref_kind(verdict.ref) == "commit":
            shas = [c.sha for c in corpus.commits if c.sha.startswith(verdict.ref.lower())][:1]
        why = verdict.said("confirmed") + (f" ({verdict.ref})" if verdict.ref.startswith("#") else "")
        for sha in shas:
            if sha in present:
                out = [replace(x, linked=True, explicit=True, why=why) if x.ref == sha else x for x in out]
            else:
                out.append(Link("commit", sha, 1.0, True, True, why, corpus.name))
    return apply_verdicts(out, rid, replace(said, requirements={rid: replace(entry, confirmed=())}))


def _commits(n: int) -> str:
    return "1 commit" if n == 1 else f"{n} commits"


def _known(corpus: Corpus, link: Link) -> bool:
    """Whether a link names something of this repository (a confirmed ref may live in another one)."""
    if link.kind == "commit":
        return link.ref in corpus.commit_by_sha
    if link.kind == "pr":
        return link.ref in corpus.unit_refs
    return link.ref in corpus.file_index


def _unit_links(
    corpus: Corpus, commit_links: Sequence[Link], cited: Mapping[int, Sequence[tuple[str, str]]] | None = None
) -> list[Link]:
    """A pull request for each unit of work holding a linked commit: what a reader recognises. With the
    forge's data, its why starts with what links it there: "closes #42" (an issue ``cited`` by the
    requirement), then what its commits' explicit links say of it ("names CHK-3")."""
    position = corpus.commit_position
    best: dict[int, list[Link]] = defaultdict(list)
    for link in commit_links:
        if link.linked:
            u = int(corpus.unit_of[position[link.ref]])
            if u >= 0:
                best[u].append(link)
    out = []
    for u, links in best.items():
        unit = corpus.units[u]
        size = int(corpus.unit_sizes[u])
        shown = f"{len(links)} of its {size} commits linked" if len(links) < size else _commits(size)
        branch = f"; branch {unit.branch}" if unit.branch else ""
        top = max(links, key=lambda link: link.score)
        explicit = any(x.explicit for x in links)
        # What the forge said links it ("closes #42") comes first: it is the reason people recognise.
        told = f"pull request {unit.ref} "
        forge = [said for _, said, _ in _forge_says(unit, cited or {})] if unit.url else []
        forge += sorted(
            {x.why[len(told) :] for x in links if x.why.startswith(told) and unit.url} - set(forge)
        )
        why = "; ".join([*forge, shown + branch])
        out.append(Link("pr", unit.ref, top.score, True, explicit, why, corpus.name, unit.url))
    return sorted(out, key=lambda link: -link.score)


def _file_links(
    corpus: Corpus,
    ranker: Ranker,
    query: list[str],
    text_and_related: tuple[FloatArray, FloatArray],
    requirement_id: str,
    commit_links: list[Link],
    top: int,
    rule: _Rule,
    spoken: Mapping[str, str],
) -> list[Link]:
    text, scores = text_and_related
    explicit = {j: "names " + requirement_id for j in corpus.files_naming.get(requirement_id.lower(), ())}
    changed_by: dict[int, tuple[float, str]] = {}
    for link in commit_links:
        if not link.linked:
            continue
        paths = corpus.commit_by_sha[link.ref].paths
        if len(paths) > max(2, IMPORT_SHARE * len(corpus.files)):
            continue  # an import of (most of) the tree says nothing about any one of its files
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
    vector = ranker.ranked_terms(ranker.query_vector(query))
    links = []
    for j in _shortlist(inferred, top, explicit):
        if j in explicit:
            why, score = f"file {explicit[j]}", 1.0 + float(inferred[j])
        elif j in changed_by and changed_by[j][0] >= scores[j]:
            why, score = f"changed by linked commit {changed_by[j][1][:10]}", float(inferred[j])
        else:
            shared = ranker.shared_terms(vector, corpus.file_terms[j])
            why, score = "shared terms: " + _said(shared, spoken), float(inferred[j])
            if scores[j] > 2 * text[j]:  # most of the score came from a related file
                neighbours = corpus.related.of(j)
                best = int(neighbours[np.argmax(text[neighbours])])
                why += f"; related to {corpus.files[best].path}"
        links.append(
            Link(
                "file", corpus.files[j].path, round(score, 6), j in accepted, j in explicit, why, corpus.name
            )
        )
    links.sort(key=lambda link: -link.score)
    return links


def _set_apart_before(item: RequirementTrace, corpus: Corpus, start: datetime) -> None:
    """Linked commits from before the PRD's start existed before it: shown apart, never its progress."""
    kept: list[Link] = []
    for link in item.links:
        if link.kind == "commit" and link.linked and corpus.commit_by_sha[link.ref].time < start:
            earlier = replace(link, linked=False, why=link.why + "; before the PRD's start")
            item.before.append(earlier)
            kept.append(earlier)
        else:
            kept.append(link)
    item.links = kept


def _decide_status(item: RequirementTrace, corpus: Corpus, graph: CommitGraph) -> None:
    """Status from the linked evidence (see docs/review.md, "Status"): shipped when the latest strong
    work is in a release, in progress when it is not yet, unclear on weak matches, else not started."""
    strong = item.linked("commit")  # explicit, confirmed or clear of the requirement's noise
    commits = [corpus.commit_by_sha[link.ref] for link in strong]
    files = [corpus.files[corpus.file_index[link.ref]] for link in item.linked("file")]
    if not commits:
        _no_work(item, history_is_short=len(corpus.commits) < NOISE_RANK)
        return
    item.effort = effort_of(commits)
    item.tests = sorted(
        {f.path for f in files if f.is_test} | {p for c in commits for p in c.paths if is_test_path(p)}
    )
    released = {graph.release_of[c.sha] for c in commits if c.sha in graph.release_of}
    item.releases = [r.name for r in graph.releases if r in released]  # oldest first
    item.confidence = _confidence(strong)
    merged = [c for c in commits if c.sha in graph.on_head]
    notes = [] if item.tests else ["no tests linked"]
    direct = {link.ref for link in item.linked("file") if not link.why.startswith("changed by")}
    debt = [f.path for f in files if f.debt_markers and not f.is_test and f.path in direct]
    if debt:
        notes.append("TODO/FIXME in " + ", ".join(debt[:2]))
    if not merged:
        branches = sorted({b for c in commits for b in graph.branches_of.get(c.sha, [])})
        item.status = IN_PROGRESS
        item.reason = "; ".join(["only on " + (", ".join(branches[:3]) or "unmerged commits"), *notes])
        return
    latest = max(merged, key=lambda c: (c.time, c.sha))
    release = graph.release_of.get(latest.sha)
    where = f"{latest.sha[:10]} {latest.time:%Y-%m-%d}"
    if release is not None:
        item.status, item.release = SHIPPED, release.name
        whole = f"in {release.name}" + (f" ({release.time:%Y-%m-%d})" if release.time else "")
        item.reason = "; ".join([f"{whole}: its latest work {where} is in that release", *notes])
        return
    item.status = IN_PROGRESS
    if not graph.releases:
        first = f"merged on {graph.head_branch or 'HEAD'} ({where}); no releases found to say it shipped"
        item.reason = "; ".join([first + " (set [deploys] tags or log in cpto.toml)", *notes])
        return
    earlier = f"; earlier work in {item.releases[0]}" if item.releases else ""
    first = f"merged on {graph.head_branch or 'HEAD'} ({where}), not in a release yet{earlier}"
    item.reason = "; ".join([first, *notes])


def _no_work(item: RequirementTrace, history_is_short: bool) -> None:
    """Not started, or unclear when the best candidate is close enough to be worth a look.

    Files at HEAD that share words with a requirement count only where the history is too short to
    say anything (an imported tree): in a real history, work that no commit shows was not done.
    """
    item.effort, item.tests, item.releases = Effort(), [], []
    earlier = {link.ref for link in item.before}  # shown apart: existed before this PRD
    candidates = [
        link for link in item.links if link.kind == "commit" and not link.explicit and link.ref not in earlier
    ]
    best = max(candidates, key=lambda link: link.score, default=None)
    linked_files = [link for link in item.links if link.kind == "file" and link.linked]
    weak = WEAK_CLEARNESS / (1 + WEAK_CLEARNESS)
    if best is not None and best.score >= weak:
        item.status, item.confidence = UNCLEAR, "low"
        item.reason = f"weak matches only; best candidate {best.ref[:10]} ({best.score:.2f}, {best.why})"
    elif linked_files and history_is_short:
        # Too little history to judge commits by: files that match are worth a look.
        item.status, item.confidence = UNCLEAR, "low"
        item.reason = f"no commit found, but files match (best {linked_files[0].ref})"
    else:
        item.status, item.confidence = NOT_STARTED, "medium" if best is not None else "high"
        item.reason = "no evidence" + (f" (best candidate {best.score:.2f})" if best is not None else "")
    if item.before:
        n = len(item.before)
        item.reason += f"; {n} matching commit{'s' if n != 1 else ''} existed before this PRD"


def _confidence(strong: Sequence[Link]) -> str:
    """High when people said so (an ID, an issue, a confirmation); medium when the text match stands
    far clear of the noise; low when it only just clears it."""
    if any(link.explicit for link in strong):
        return "high"
    clear = max(link.score for link in strong)
    return "medium" if clear >= 2 * LINK_CLEARNESS / (1 + 2 * LINK_CLEARNESS) else "low"


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
