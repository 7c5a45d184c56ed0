"""``cpto github sync`` and ``cpto github import``: GitHub's evidence into the workspace index.

Library modules (httpx, DuckDB, Rich) are imported inside the commands so ``cpto --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpto.cli.options import JsonOpt, QuietOpt, WorkspaceOpt

if TYPE_CHECKING:
    from cpto.github.sync import SyncResult

app = typer.Typer(
    name="github",
    help=(
        "GitHub as evidence: pull requests, reviews, issues, releases and deployments in the index,"
        " read by review, heartbeat and the other reports. See docs/github.md.\n\n"
        "Examples:\n\n"
        "    cpto github sync\n\n"
        "    cpto github import recorded/"
    ),
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app)


@app.command("sync")
def sync_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="OWNER/NAME",
            help="GitHub repositories to sync. Default: every workspace repository whose remote is on GitHub.",
        ),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="GitHub's API (Enterprise: https://HOST/api/v3). Default: $GITHUB_API_URL, else https://api.github.com.",
        ),
    ] = None,
    timeline: Annotated[
        bool,
        typer.Option(
            "--timeline",
            help="Also read each changed pull request's timeline, for when reviews were requested (1 more request each).",
        ),
    ] = False,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Read pull requests (with commits, reviews, review requests), issues, releases and deployments
    from GitHub into the workspace index, asking only for what changed since the last sync.

    The token is $GITHUB_TOKEN, else `gh auth token` when the GitHub CLI is logged in; public
    repositories can be read without one. It is never written or shown. A sync that stops halfway
    keeps what it stored; the next one goes on from there. Rate limits are waited out with a line
    saying so. See docs/github.md.

    Examples:

        cpto github sync

        cpto github sync acme/shop acme/api --json

        GITHUB_TOKEN=... cpto github sync --api-url https://ghe.acme.example/api/v3

        cpto github sync acme/shop --timeline -q
    """
    from cpto.cli.history import index_workspace
    from cpto.github.client import GitHubClient, find_token
    from cpto.github.sync import default_api_url, resolve_targets, sync_repository
    from cpto.history import store
    from cpto.workspace import load_workspace

    silent = quiet or as_json
    config = load_workspace(workspace)
    index_workspace(config, quiet=silent)
    url = default_api_url(api_url)
    results = []
    with _progress(silent) as (progress, say_wait, on_item), store.open_index(config.index_path) as con:
        targets = resolve_targets(con, names or [], url)
        with GitHubClient(api_url=url, token=find_token(), on_wait=say_wait) as client:
            for target in targets:
                progress(target.full_name)
                results.append(sync_repository(con, client, target, timeline=timeline, on_item=on_item))
    _show(results, as_json, quiet, "synced")


@app.command("import")
def import_command(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder of recorded data: DIR/OWNER/NAME/pulls.json, ...")
    ],
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="OWNER/NAME", help="Import only these recorded repositories."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Import GitHub data recorded with `gh api --paginate` (offline, or where cpto cannot reach GitHub).

    DIR holds a folder per repository, DIR/OWNER/NAME/, with pulls.json, pulls/N/commits.json,
    pulls/N/reviews.json, issues.json, releases.json, deployments.json, deployments/ID/statuses.json
    (and optionally issues/N/timeline.json): see docs/github.md. Everything is checked before anything
    is written; the rows are the ones a sync of the same data stores.

    Examples:

        gh api --paginate 'repos/acme/shop/pulls?state=all&per_page=100' > recorded/acme/shop/pulls.json

        cpto github import recorded/

        cpto github import recorded/ acme/shop --json
    """
    from cpto.cli.history import index_workspace
    from cpto.github.importer import import_folder
    from cpto.history import store
    from cpto.workspace import load_workspace

    silent = quiet or as_json
    config = load_workspace(workspace)
    index_workspace(config, quiet=silent)
    with _progress(silent) as (_start, _wait, on_item), store.open_index(config.index_path) as con:
        results = import_folder(con, folder, names or [], on_item=on_item)
    _show(results, as_json, quiet, "imported")


class _progress:
    """A Rich progress line per repository on standard error (none when quiet), plus the wait lines."""

    def __init__(self, quiet: bool) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from cpto.cli.options import stderr_console

        self.quiet = quiet
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]github[/bold] {task.description}"),
            TextColumn("{task.completed} items"),
            TimeElapsedColumn(),
            console=stderr_console(),
            disable=quiet,
            transient=True,
        )
        self.task = self.bar.add_task("", total=None)

    def __enter__(self) -> tuple[Callable[[str], None], Callable[[str], None], Callable[[str], None]]:
        self.bar.__enter__()
        return self.start, self.wait, self.item

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def start(self, name: str) -> None:
        from rich.markup import escape

        self.bar.update(self.task, description=escape(name), completed=0)

    def wait(self, message: str) -> None:
        if not self.quiet:
            from rich.text import Text

            from cpto.report.model import printable

            self.bar.console.print(Text(printable(message)), highlight=False)

    def item(self, what: str) -> None:
        self.bar.advance(self.task, 1)


def _show(results: list[SyncResult], as_json: bool, quiet: bool, verb: str) -> None:
    """One line per repository on standard error, or the counts as JSON on standard output."""
    import json
    import sys
    from dataclasses import asdict

    from cpto.cli.options import say

    if as_json:
        sys.stdout.write(json.dumps({"repos": [asdict(r) for r in results]}, indent=2) + "\n")
        return
    if quiet:
        return
    for r in results:
        cost = f" ({r.requests} requests)" if verb == "synced" else ""
        say(
            f"{r.full_name}: {verb} {r.pulls} pull requests, {r.issues} issues, {r.releases} releases, "
            f"{r.deployments} deployments{cost}"
        )
