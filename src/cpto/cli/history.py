"""``cpto index`` and ``cpto history``: read git history into the index and summarize it.

Library modules are imported inside the commands so that ``cpto --help`` does not pay for DuckDB.
"""

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
    TeamOpt,
    WorkspaceOpt,
    chosen_format,
    emit,
    say,
    stderr_console,
)
from cpto.errors import CptoError

if TYPE_CHECKING:
    from cpto.history.indexer import IndexResult
    from cpto.workspace.config import WorkspaceConfig

RepoOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--repo", "-r", help="A git repository to index (repeatable). Default: the workspace's repos."
    ),
]


def register(app: typer.Typer) -> None:
    app.command("index")(index_command)
    app.command("history")(history_command)


def index_command(
    repo: RepoOpt = None,
    workspace: WorkspaceOpt = Path("."),
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Parallel git readers per repository (default: cores + 1)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Repositories indexed at once, each in its own process and shard (default: one per core).",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="A Dask scheduler (tcp://host:8786): one task per repository on its workers, which need "
            "the repositories and the workspace's .cpto/shards at the same paths (pip install 'cpto[cluster]').",
        ),
    ] = None,
    fetch_blobs: Annotated[
        bool,
        typer.Option(
            "--fetch-blobs",
            help="In a partial clone (git clone --filter=blob:none), fetch the blobs the history needs from"
            " the promisor remote in one batch, then count the lines of the commits indexed without them."
            " Without it cpto never fetches.",
        ),
    ] = False,
    paths_first: Annotated[
        bool,
        typer.Option(
            "--paths-first",
            help="Index commits and the paths they change first (about a fifth of the time line counts"
            " take) and load them so reports can start, then count lines in the same run. An interrupted"
            " run keeps what it counted; the next `cpto index` counts the rest.",
        ),
    ] = False,
    words: Annotated[
        bool | None,
        typer.Option(
            "--words/--no-words",
            help="Keep the review's search words (the identifiers each change adds, read from every patch:"
            " more than the line counts cost). Default: when the workspace has PRDs for `cpto review`.",
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Delete this workspace's index and read the history again from git."),
    ] = False,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Read git history into the workspace index (.cpto/index.duckdb), incrementally.

    The first run reads every commit reachable from branches, tags, remote-tracking branches and HEAD;
    later runs read only new commits and drop commits that rewritten history left behind. An
    interrupted run, or one that runs out of disk, leaves the previous index as it was. An index
    written by an older cpto is upgraded in place; one that cannot be is started over with a note.

    Each repository is indexed into its own shard (.cpto/shards/), one repository per core, and the
    shards that changed are loaded into the index in one transaction; a repository that cannot be read
    does not stop the others (all failures are listed at the end, exit 2). A no-op run opens no
    repository whose refs did not move.

    Beyond one machine, --cluster sends one task per repository to a Dask cluster's workers; each
    writes its shard to the shared .cpto/shards and this process loads the shards as they land (see
    docs/cluster.md). To try it on this machine: `dask scheduler` in one terminal, `dask worker
    tcp://127.0.0.1:8786 --nworkers 2 --nthreads 1` in another, then the example below.

    Commits, changed paths and line counts serve every report. The review's search words (identifiers
    the changes add) are kept only where a review of PRDs will read them: by default when the workspace
    has PRDs; `cpto review` keeps them for what it reads, the first time.

    A moved or renamed workspace keeps its index: a repository is known by its first commits and
    its remote, not by its folder. A damaged index (cut short, overwritten) is one error line:
    --rebuild deletes this workspace's index and reads everything again.

    Examples:

        cpto index --workspace acme

        cpto index --repo ../api --repo ../web --json

        cpto index --workers 8

        cpto index --cluster tcp://127.0.0.1:8786

        cpto index --fetch-blobs

        cpto index --paths-first

        cpto index --words

        cpto index --rebuild
    """
    from cpto.history.views import index_report
    from cpto.workspace import load_workspace
    from cpto.workspace.prds import needs_search_words

    config = load_workspace(workspace)
    repos = [p.resolve() for p in repo] if repo else config.repos
    if cluster is not None and workers is not None:
        raise CptoError(
            "--workers and --cluster cannot be combined: the cluster's workers index the repositories"
        )
    if rebuild:
        from cpto.history import store
        from cpto.history.estate import remove_shards

        store.remove_index(config.index_path)
        remove_shards(config.index_path)
    results = run_index(
        config.index_path,
        repos,
        jobs=jobs,
        quiet=quiet or as_json or fmt is Format.json,
        workers=workers,
        cluster=cluster,
        fetch_blobs=fetch_blobs,
        paths_first=paths_first,
        words=needs_search_words(config) if words is None else words,
    )
    report = index_report(results, str(config.index_path))
    chosen = chosen_format(fmt, as_json)
    if not quiet and chosen is not Format.json:
        for note in report.notes:
            say(f"! {note}")
        report.notes = []
    if quiet and chosen is Format.terminal:
        return
    emit(report, chosen)


def history_command(
    workspace: WorkspaceOpt = Path("."),
    weeks: Annotated[int, typer.Option(min=1, help="Weeks of weekly rhythm to show.")] = 12,
    top: Annotated[int, typer.Option(min=1, help="Rows in the areas, people and releases tables.")] = 8,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Only this repository: its folder name, its path from the workspace or a glob (repeatable).",
        ),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option("--path", help="Only files under this folder of each repository, or a [services] name."),
    ] = None,
    team: TeamOpt = None,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarize the workspace's history: commits, weekly rhythm, busiest areas, people, releases.

    Indexes first when needed (progress on standard error, so --json output stays clean).

    Counted as cpto people counts: commits are non-merge commits; a person is their people.yaml entry
    (emails, aliases, name), else their .mailmap identity, else their email; code commits change at
    least one code file (not tests, docs, generated, vendored, lock, build or config files).

    Example:

        cpto history --workspace acme --format markdown

        cpto history --workspace acme --format html --output history.html

        cpto history -w ../api --json --top 20

        cpto history -w estate --only api --only 'web-*'

        cpto history -w mono --path services/billing

        cpto history -w estate --team payments
    """
    from cpto.history import store
    from cpto.history.summary import summarize
    from cpto.history.views import summary_report
    from cpto.records.people import workspace_people
    from cpto.workspace import load_workspace
    from cpto.workspace.narrow import mark_narrowed, narrow, restrict_index

    config = load_workspace(workspace)
    if only or path or team:
        config = narrow(config, only or (), path, team)
    people = workspace_people(config)
    index_workspace(config, quiet=quiet or as_json or fmt is not Format.terminal)
    with store.open_index(config.index_path, read_only=True) as con:
        restrict_index(con, config)  # nothing unless narrowed
        summary = summarize(con, weeks=weeks, top=top, people=people, config=config)
    report = summary_report(summary, str(config.root))
    emit(mark_narrowed(report, config), chosen_format(fmt, as_json), output)


def index_workspace(config: WorkspaceConfig, *, quiet: bool, trace: bool = True) -> list[IndexResult]:
    """:func:`run_index` over the workspace's repositories, keeping the review's search words only where
    its PRDs will be reviewed (``trace``: the command reviews them when there are any)."""
    from cpto.workspace.prds import needs_search_words

    words = trace and needs_search_words(config)
    return run_index(config.index_path, list(config.repos), jobs=None, quiet=quiet, words=words)


def run_index(
    index_path: Path,
    repos: list[Path],
    *,
    jobs: int | None,
    quiet: bool,
    workers: int | None = None,
    cluster: str | None = None,
    fetch_blobs: bool = False,
    paths_first: bool = False,
    words: bool = True,
) -> list[IndexResult]:
    """Index ``repos`` (each into its own shard, ``workers`` at a time, default one per core when there
    are several; or on the Dask cluster at ``cluster``) into the index at ``index_path``, with a
    progress bar on standard error unless quiet. ``words``: keep the review's search words (a review
    needs them; other reports do not).
    A repository that cannot be indexed does not stop the others; all failures are one error at the end."""

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cpto.history.estate import default_workers, index_estate
    from cpto.report.model import printable

    if workers is None:
        workers = default_workers(len(repos))
    console = stderr_console()
    progress = Progress(
        TextColumn("[bold]indexing[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeElapsedColumn(),
        console=console,
        # not on a terminal there is nothing to redraw, and stopping it would leave a blank line before
        # an error line
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    notes: list[str] = []
    with progress:
        task = progress.add_task("", total=None, unit="commits")

        def on_start(path: Path, total: int) -> None:
            progress.update(task, description=escape(printable(path.name)), total=total, completed=0)

        def on_advance(n: int) -> None:
            progress.advance(task, n)

        def on_repo(path: str, remaining: int) -> None:
            progress.update(
                task,
                description=f"{len(repos)} repositories",
                total=len(repos),
                completed=len(repos) - remaining,
                unit="repositories",
            )

        first: dict[str, int] = {}
        for lines in (False, True) if paths_first else (True,):  # commits and paths first, then lines
            run = index_estate(
                index_path,
                repos,
                jobs=jobs,
                workers=workers,
                notes=notes,
                on_start=on_start,
                on_advance=on_advance,
                on_repo=on_repo if workers > 1 or cluster else None,
                cluster=cluster,
                fetch_blobs=fetch_blobs,
                lines=lines,
                words=words,
            )
            if not lines:
                first = {r.repo: r.new_commits for r in run.results}
                if not quiet:
                    say("commits and paths indexed; counting lines (reports can read the index meanwhile)")
            elif paths_first:  # one line per repository: what the two phases read together
                for r in run.results:
                    r.new_commits += first.get(r.repo, 0)
                    r.up_to_date = r.up_to_date and not first.get(r.repo, 0)
    for note in notes:  # an index that had to be started over, or was split into shards
        say(f"! {note}")
    run.raise_failures(len(repos))
    return run.results
