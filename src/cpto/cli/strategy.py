"""``cpto strategy``: hotspots, knowledge concentration and the roadmap items that will touch them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

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
)
from cpto.errors import CptoError


def register(app: typer.Typer) -> None:
    app.command("strategy")(strategy_command)


def strategy_command(
    workspace: WorkspaceOpt = Path("."),
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=520, help="How many weeks back to read, up to today."),
    ] = 26,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Read from this date (2026-01-01) to today instead of --weeks."),
    ] = None,
    depth: Annotated[
        int,
        typer.Option(
            "--depth", min=1, max=6, help="How many folder levels deep an area goes (src/billing: 2)."
        ),
    ] = 2,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """The technical strategy: where the code is hard to change, who alone knows it, and which roadmap
    items will have to touch it.

    For each repository over the window (default: the last 26 weeks): the hotspots (code files changed
    most x their indentation complexity at HEAD, as the heartbeat finds them), and per file and per area
    (a folder --depth levels deep) how many people changed it, the top person's share of its changed
    lines and its bus factor (the fewest people who wrote more than half of them). Then each roadmap.yaml
    item, through its PRD's requirements and the product review's evidence, next to the hotspots and
    concentrated areas it touched. An item without a PRD or evidence says it cannot tell.

    People are counted by the identity rule of cpto people (people.yaml, then .mailmap, then email);
    with [privacy] person_scores = false no share names who holds it.

    Example:

        cpto strategy --workspace acme

        cpto strategy -w acme --weeks 52 --depth 1

        cpto strategy --since 2026-01-01 --format markdown > strategy.md

        cpto strategy --json --output strategy.json
    """
    from cpto.cli.history import index_workspace
    from cpto.heartbeat.week import since_start
    from cpto.history import store
    from cpto.strategy.views import strategy_page
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    if not config.repos:
        raise CptoError(f"{config.root}: no repositories to read ([workspace] repos in cpto.toml)")
    chosen = chosen_format(fmt, as_json)
    now = datetime.now(config.zone)
    start = since_start(since, config.zone) if since is not None else None
    if start is not None and start >= now:
        raise CptoError(f"--since {since} is in the future")
    index_workspace(config, quiet=quiet or chosen is not Format.terminal)
    with store.open_index(config.index_path, read_only=True) as con:
        report = strategy_page(con, config, now, weeks=weeks, since=start, depth=depth)
    emit(report, chosen, output)
