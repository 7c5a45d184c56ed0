"""The product review as one call: PRDs and a repository in, traces with statuses and unplanned work out.

The CLI indexes the repository first (with progress) and then calls :func:`review`; scripts can do the
same with :func:`cpto.history.indexer.index_repository` and an open index.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cpto.errors import CptoError
from cpto.history import git, store
from cpto.records.deploys import workspace_releases
from cpto.review.corpus import load_corpus
from cpto.review.graph import load_graph
from cpto.review.prd import RECOGNISED_SHAPES, Prd, id_pattern, read_prd
from cpto.review.semantic import Encoder, semantic_scores
from cpto.review.text import detect_language
from cpto.review.trace import TraceResult, trace
from cpto.workspace import WorkspaceConfig


def find_prds(config: WorkspaceConfig, paths: Sequence[Path] = ()) -> list[Path]:
    """The PRDs named on the command line, or those matching the workspace's globs, in path order."""
    if paths:
        return [p if p.is_absolute() else Path.cwd() / p for p in paths]
    found = workspace_prds(config)
    if not found:
        raise CptoError(
            f"{config.root}: no PRDs found (looked for {', '.join(config.prds)}); "
            "name PRD files on the command line or set [workspace] prds in cpto.toml"
        )
    return found


def workspace_prds(config: WorkspaceConfig) -> list[Path]:
    """The files matching the workspace's PRD globs, in path order (none is not an error here)."""
    found: set[Path] = set()
    for pattern in config.prds:
        found.update(Path(p) for p in glob.glob(str(config.root / pattern), recursive=True))
    return sorted(p for p in found if p.is_file())


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
    repo: Path,
    prds: Sequence[Prd],
    *,
    release_pattern: str = "v*",
    deploy_log: Path | None = None,
    top: int = 20,
    since: datetime | None = None,
    records: Sequence[Path] = (),
    semantic: bool = False,
) -> TraceResult:
    """Trace ``prds`` against the indexed ``repo``; unplanned work counts from ``since`` (or each PRD's start).

    Releases are the workspace's deploys (:func:`cpto.records.deploys.workspace_releases`): the deploy log
    ``deploy_log`` when given, else tags matching ``release_pattern``.

    ``semantic`` adds the optional sentence-embedding model's similarities (:mod:`cpto.review.semantic`).
    """
    state = git.open_repository(repo)
    repo_id = store.indexed_repo_id(con, state.path)
    ids = id_pattern(r.id for prd in prds for r in prd.requirements if not r.derived_id)
    exclude = [_relative(p, state.path) for p in [*records, *(prd.path for prd in prds)]]
    texts = [f"{r.title}\n{r.text}" for prd in prds for r in prd.requirements]
    language = detect_language(texts)
    corpus = load_corpus(con, repo_id, state.path, ids, [p for p in exclude if p], language)
    graph = load_graph(con, repo_id, releases=workspace_releases(con, repo_id, release_pattern, deploy_log))
    start = since if since is not None else _earliest_start(prds, state.path)
    similarities = semantic_scores(corpus, texts, Encoder()) if semantic else None
    result = trace(prds, corpus, graph, top=top, since=start, semantic=similarities)
    for prd in prds:
        result.warnings.extend(f"{prd.path}: {w}" for w in prd.warnings)
    if state.shallow:
        result.warnings.append(f"{state.path}: shallow clone; evidence older than the boundary is missing")
    if corpus.skipped_files:
        result.warnings.append(
            f"{state.path}: {corpus.skipped_files} binary or over-1-MiB files at HEAD were not read"
        )
    return result


def review_workspace(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, prds: Sequence[Prd]
) -> TraceResult:
    """The review as the workspace sets it up: its first repository, its deploys, its records left out of
    the evidence; what the heartbeat and the roadmap's evidence read."""
    return review(
        con,
        config.repos[0],
        prds,
        release_pattern=config.deploy_tags,
        deploy_log=config.deploy_log,
        records=config.record_paths,
    )


def _relative(path: Path, repo: Path) -> str | None:
    try:
        return path.resolve().relative_to(repo).as_posix()
    except ValueError:
        return None


def _earliest_start(prds: Sequence[Prd], repo: Path) -> datetime | None:
    """The PRDs' period starts when the first of them entered git (when it lives in ``repo``)."""
    starts = [s for s in (prd_start(p.path, repo) for p in prds) if s is not None]
    return min(starts) if starts else None


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
