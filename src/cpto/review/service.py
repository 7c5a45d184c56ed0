"""The product review as one call: PRDs and a repository in, traces with statuses and unplanned work out.

The CLI indexes the repository first (with progress) and then calls :func:`review`; scripts can do the
same with :func:`cpto.history.indexer.index_repository` and an open index.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cpto.errors import CptoError
from cpto.fsutil import Found
from cpto.history import git, store
from cpto.records.deploys import workspace_releases
from cpto.review.corpus import Corpus, load_corpus
from cpto.review.graph import load_graph
from cpto.review.prd import RECOGNISED_SHAPES, Prd, id_pattern, read_prd
from cpto.review.semantic import Encoder, SemanticScores, semantic_scores
from cpto.review.text import detect_language
from cpto.review.trace import (
    DEFERRED,
    DROPPED,
    IN_PROGRESS,
    NOT_STARTED,
    SHIPPED,
    UNCLEAR,
    Effort,
    RequirementTrace,
    TraceResult,
    best_commit_scores,
    group_by_area,
    trace,
)
from cpto.review.verdicts import Verdicts, read_verdicts
from cpto.workspace import WorkspaceConfig, load_workspace
from cpto.workspace.prds import needs_search_words as needs_search_words  # re-exported
from cpto.workspace.prds import workspace_prds as workspace_prds


def find_prds(config: WorkspaceConfig, paths: Sequence[Path] = ()) -> Found:
    """The PRDs named on the command line, or those matching the workspace's globs, in path order
    (a :class:`cpto.fsutil.Found`: its ``skipped`` names the links the globs did not follow)."""
    if paths:
        return Found(p if p.is_absolute() else Path.cwd() / p for p in paths)
    found = workspace_prds(config)
    if not found:
        raise CptoError(
            f"{config.root}: no PRDs found (looked for {', '.join(config.prds)}); "
            "name PRD files on the command line or set [workspace] prds in cpto.toml"
            + "".join(f"; {line}" for line in found.skipped[:1])
        )
    return found


def load_prds(paths: Sequence[Path]) -> list[Prd]:
    """Read every PRD; a PRD without requirements is an error that lists the shapes cpto recognises."""
    prds = [read_prd(p) for p in paths]
    for prd in prds:
        if not prd.requirements:
            raise CptoError(
                f"{prd.path}: no requirements found; cpto recognises " + "; ".join(RECOGNISED_SHAPES)
            )
    return prds


def default_index_path(repo: Path) -> Path:
    """Where ``cpto trace --repo`` keeps a repository's index when no workspace is given: inside .git."""
    return git.open_repository(repo).git_dir / "cpto" / "index.duckdb"


def review(
    con: duckdb.DuckDBPyConnection,
    repo: Path | Sequence[Path],
    prds: Sequence[Prd],
    *,
    release_pattern: str = "v*",
    deploy_log: Path | None = None,
    deploy_source: str | None = None,  # None: the deploy log when given, else the tags (records.deploys)
    deploy_environment: str = "production",
    top: int = 20,
    since: datetime | None = None,
    records: Sequence[Path] = (),
    semantic: bool = False,
) -> TraceResult:
    """Trace ``prds`` against the indexed repositories ``repo`` (one or several, searched alike).

    Each PRD's period starts at its front matter ``start:``, else when it entered git in any of the
    repositories, else ``since``; work from before it is set apart. Unplanned work counts from ``since``
    or the earliest PRD start, and not at all without one (the result says so).

    Releases are the workspace's deploys (:func:`cpto.records.deploys.workspace_releases`): the deploy log
    ``deploy_log`` (of the first repository) when given, else tags matching ``release_pattern``.
    ``semantic`` adds the optional sentence-embedding model's similarities (:mod:`cpto.review.semantic`).
    """
    paths = [repo] if isinstance(repo, Path) else repo
    repos = list({state.path: state for state in map(git.open_repository, paths)}.values())  # each once
    labels = repository_labels([state.path for state in repos])
    starts = {str(prd.path): prd_period_start(prd, [r.path for r in repos], since) for prd in prds}
    known = [s for s in starts.values() if s is not None]
    unplanned_since = since if since is not None else (min(known) if known else None)
    texts = [f"{r.title}\n{r.text}" for prd in prds for r in prd.requirements]
    language = detect_language(texts)
    encoder = Encoder() if semantic else None
    ids = id_pattern(r.id for prd in prds for r in prd.requirements if not r.derived_id)
    repo_ids = {state.path: store.indexed_repo_id(con, state.path) for state in repos}
    loaded = [
        _load(
            con, repo_ids[state.path], state, prds, ids, records, language, texts, encoder, labels[state.path]
        )
        for state in repos
    ]
    said = {str(prd.path): read_verdicts(prd.path) for prd in prds}  # once, whatever the repositories
    # Several repositories are searched as one: a match counts against the best match anywhere.
    bests = (
        [max(values) for values in zip(*(best_commit_scores(prds, c, s) for c, s in loaded), strict=True)]
        if len(loaded) > 1
        else None
    )
    results = []
    for n, (state, (corpus, similarities)) in enumerate(zip(repos, loaded, strict=True)):
        results.append(
            _review_one(
                con,
                repo_ids[state.path],
                state,
                prds,
                corpus,
                similarities,
                release_pattern=release_pattern,
                deploy_log=deploy_log if n == 0 else None,
                # the deploy log names the first repository's commits; the others deploy by tag
                deploy_source="tags" if deploy_source == "log" and n > 0 else deploy_source,
                deploy_environment=deploy_environment,
                top=top,
                since=unplanned_since,
                starts=starts,
                verdicts=said,
                bests=bests,
            )
        )
    names = [corpus.name for corpus, _ in loaded]
    result = results[0] if len(results) == 1 else merge_results(results, names)
    for prd in prds:
        result.warnings.extend(f"{prd.path}: {w}" for w in prd.warnings)
        start = starts[str(prd.path)]
        if start is not None and start > datetime.now(UTC):
            result.warnings.append(f"{prd.path}: its start {start.date().isoformat()} is in the future")
        if start is None:
            result.warnings.append(
                f"{prd.path}: no start for this PRD (not in the repositories' history, no `start:` in its"
                " front matter, no --since): all history counts as its period and unplanned work is not"
                " counted; add `start: YYYY-MM-DD` to its front matter"
            )
    return result


def _load(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    state: git.RepoState,
    prds: Sequence[Prd],
    ids: re.Pattern[str] | None,
    records: Sequence[Path],
    language: str,
    texts: Sequence[str],
    encoder: Encoder | None,
    label: str,
) -> tuple[Corpus, SemanticScores | None]:
    """One repository's evidence, its records left out, and the optional semantic similarities."""
    # The workspace's records, and the records this repository would hold as a workspace of its own:
    # `cpto trace --repo` reads it that way, and both commands must give the same answers.
    own = load_workspace(state.path).record_paths
    exclude = [_relative(p, state.path) for p in [*records, *own, *(prd.path for prd in prds)]]
    corpus = replace(
        load_corpus(con, repo_id, state.path, ids, [p for p in exclude if p], language), label=label
    )
    return corpus, semantic_scores(corpus, texts, encoder) if encoder is not None else None


def repository_labels(paths: Sequence[Path]) -> dict[Path, str]:
    """A short name for each repository that tells it from the others: its folder name, or as many
    trailing path parts as it takes when two share one (``x/api``, ``y/api``)."""
    labels: dict[Path, str] = {}
    for depth in range(1, max((len(p.parts) for p in paths), default=1) + 1):
        names = {p: "/".join(p.parts[-depth:]) for p in paths if p not in labels}
        counts = Counter(names.values())
        labels.update({p: name for p, name in names.items() if counts[name] == 1})
        if len(labels) == len(paths):
            break
    return {p: labels.get(p, str(p)) for p in paths}


def _review_one(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    state: git.RepoState,
    prds: Sequence[Prd],
    corpus: Corpus,
    similarities: SemanticScores | None,
    *,
    release_pattern: str,
    deploy_log: Path | None,
    deploy_source: str | None,
    deploy_environment: str,
    top: int,
    since: datetime | None,
    starts: dict[str, datetime | None],
    verdicts: dict[str, Verdicts],
    bests: list[float] | None,
) -> TraceResult:
    """The review against one repository; its links name it."""
    releases = workspace_releases(
        con, repo_id, release_pattern, deploy_log, source=deploy_source, environment=deploy_environment
    )
    graph = load_graph(con, repo_id, releases=releases)
    result = trace(
        prds,
        corpus,
        graph,
        top=top,
        since=since,
        starts=starts,
        verdicts=verdicts,
        semantic=similarities,
        commit_bests=bests,
    )
    for item in result.requirements:
        # Links people added by hand (a confirmed ref that was no candidate) name no repository yet.
        item.links = [link if link.repo else replace(link, repo=corpus.name) for link in item.links]
    if state.shallow:
        result.warnings.append(f"{state.path}: shallow clone; evidence older than the boundary is missing")
    if corpus.skipped_files:
        result.warnings.append(
            f"{state.path}: {corpus.skipped_files} binary or over-1-MiB files at HEAD were not read"
        )
    if corpus.unworded:
        result.warnings.append(
            f"{state.path}: {corpus.unworded} commits were read by message and paths only (the index was kept"
            " without the words their changes add); run `cpto index --words` for the full evidence"
        )
    return result


_WORK_ORDER = (IN_PROGRESS, SHIPPED, UNCLEAR, NOT_STARTED, DEFERRED, DROPPED)


def merge_results(results: Sequence[TraceResult], names: Sequence[str]) -> TraceResult:
    """One review from the reviews of several repositories (``names``, in the same order): every link
    kept with its repository; a requirement is in progress if work on it is unreleased anywhere, else
    shipped if shipped anywhere."""
    merged: list[RequirementTrace] = []
    for items in zip(*(r.requirements for r in results), strict=True):
        status = min((item.status for item in items), key=_WORK_ORDER.index)
        working = [(name, item) for name, item in zip(names, items, strict=True) if item.effort.commits]
        first = items[0]
        chosen = next(item for item in items if item.status == status)
        merged.append(
            RequirementTrace(
                requirement=first.requirement,
                prd=first.prd,
                links=sorted((link for item in items for link in item.links), key=lambda link: -link.score),
                status=status,
                reason="; ".join(f"{name}: {item.reason}" for name, item in working) or chosen.reason,
                effort=_sum_effort([item.effort for item in items]),
                tests=sorted({f"{name}:{t}" for name, item in working for t in item.tests}),
                releases=[f"{name} {r}" for name, item in working for r in item.releases],
                release=next(
                    (
                        f"{name} {i.release}"
                        for name, i in working
                        if i.release == chosen.release and i.release
                    ),
                    None,
                ),
                confidence=chosen.confidence,
                before=[link for item in items for link in item.before],
            )
        )
    unplanned = sorted((c for r in results for c in r.unplanned), key=lambda c: (c.time, c.sha))
    subjects = {k: v for r in results for k, v in r.subjects.items()}
    warnings = [w for r in results for w in r.warnings]
    return TraceResult(merged, unplanned, group_by_area(unplanned), results[0].since, subjects, warnings)


def _sum_effort(efforts: Sequence[Effort]) -> Effort:
    done = [e for e in efforts if e.commits]
    if not done:
        return Effort()
    return Effort(
        commits=sum(e.commits for e in done),
        lines=sum(e.lines for e in done),
        people=tuple(sorted({p for e in done for p in e.people})),
        first=min(e.first for e in done if e.first is not None),
        last=max(e.last for e in done if e.last is not None),
    )


def review_workspace(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, prds: Sequence[Prd]
) -> TraceResult:
    """The review as the workspace sets it up: all its repositories, its deploys, its records left out of
    the evidence; what the heartbeat and the roadmap's evidence read."""
    return review(
        con,
        config.repos,
        prds,
        release_pattern=config.deploy_tags,
        deploy_log=config.deploy_log,
        deploy_source=config.deploy_source,
        deploy_environment=config.deploy_environment,
        records=config.record_paths,
    )


def _relative(path: Path, repo: Path) -> str | None:
    try:
        return path.resolve().relative_to(repo).as_posix()
    except ValueError:
        return None


def prd_period_start(prd: Prd, repos: Sequence[Path], since: datetime | None) -> datetime | None:
    """When work for ``prd`` began: its front matter ``start:``, else when it first entered git in any
    of ``repos``, else ``since``; None when nothing says."""
    if prd.start is not None:
        return prd.start
    entered = [s for s in (prd_start(prd.path, r) for r in repos) if s is not None]
    return min(entered) if entered else since


def prd_start(path: Path, repo: Path) -> datetime | None:
    """When ``path`` was first committed to ``repo``; None when it is not in that repository's history."""
    try:
        relative = path.resolve().relative_to(repo)
    except ValueError:
        return None
    out = git.run_git(
        repo, "log", "--diff-filter=A", "--follow", "--format=%at", "--", str(relative), check=False
    )
    stamps = out.split()
    return datetime.fromtimestamp(int(stamps[-1]), UTC) if stamps else None
