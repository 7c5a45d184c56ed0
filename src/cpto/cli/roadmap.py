"""``cpto roadmap``: clock speed from roadmap.yaml's git history, and moving items a rung closer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpto.cli.options import (
    CommitOpt,
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
from cpto.errors import CptoError

if TYPE_CHECKING:  # the library is imported inside each command: `cpto --help` stays fast
    from cpto.records import roadmap as rm
    from cpto.workspace.config import WorkspaceConfig

HELP = """The roadmap's clock speed: each joint review should move every item one horizon closer
(year, half, quarter, month, week). Read from roadmap.yaml's own git history.

Proposed targets count from today, never from the last review, and --apply writes exactly what the
review shows. Past targets, and horizons that contradict their target (week with a target six months
out), are warned about here and in cpto check.

Example:

    cpto roadmap review --workspace acme

    cpto roadmap review --apply --commit

    cpto roadmap move RM-3 week --target 2026-11-28
"""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="roadmap", help=HELP)


@app.command("review")
def review_command(
    workspace: WorkspaceOpt = Path("."),
    no_evidence: Annotated[
        bool, typer.Option("--no-evidence", help="Skip the product review of each item's PRD (faster).")
    ] = False,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="Write the proposals shown: stalled items one rung closer, reviewed: today."
        ),
    ] = False,
    commit: CommitOpt = False,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Each item's horizon at every review, the items that did not move a rung, a one-click-faster
    proposal for each (the next rung, and a target counted from today), targets already past or that
    the horizon contradicts, and the items whose PRD shows no evidence of work in the product review.

    Example:

        cpto roadmap review --workspace acme --format markdown

        cpto roadmap review --apply --commit --no-evidence
    """
    from cpto.history.git import file_history
    from cpto.records import roadmap as rm
    from cpto.records.views import no_roadmap_report, roadmap_report
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    path = config.roadmap_path
    chosen = chosen_format(fmt, as_json)
    if not path.exists():
        if apply:
            raise CptoError(
                f"{path}: no roadmap to apply proposals to; write one first (see cpto roadmap --help)"
            )
        emit(no_roadmap_report(path), chosen, output)
        return
    today = datetime.now(config.zone).date()
    current = rm.read_roadmap(path)
    reviews, warnings = rm.reviews_from_history(file_history(path), path)
    clocks = rm.clock_speed(reviews, current, today)
    if not no_evidence:
        _attach_evidence(config, clocks, quiet=quiet or chosen is not Format.terminal)
    if apply:
        moves = rm.apply_proposals(path, clocks, today, commit=commit)
        done = ", ".join(f"{r} -> {h} (target {t})" for r, h, t in moves) or "none"
        say(f"moved {len(moves)} item(s) one rung closer: {done}")
    emit(roadmap_report(current, reviews, clocks, warnings), chosen, output)


def _attach_evidence(config: WorkspaceConfig, clocks: list[rm.ItemClock], *, quiet: bool) -> None:
    """Index the repositories (with progress), then let the library review the PRDs the roadmap names
    (the review reads every repository of the workspace, so every one is brought up to date)."""
    from cpto.cli.history import run_index
    from cpto.history import store
    from cpto.records import roadmap as rm

    if config.repos and any(c.item.prd for c in clocks):
        run_index(config.index_path, list(config.repos), jobs=None, quiet=quiet)
        with store.open_index(config.index_path, read_only=True) as con:
            rm.attach_evidence(con, config, clocks)
    else:
        rm.attach_evidence(None, config, clocks)


@app.command("move")
def move_command(
    item_id: Annotated[str, typer.Argument(help="Roadmap item id (RM-3).")],
    horizon: Annotated[str, typer.Argument(help="year, half, quarter, month or week.")],
    target: Annotated[
        str | None,
        typer.Option("--target", help="New target date (2026-12-31): not in the past, inside the horizon."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Put one item at a horizon (and target), changing only those lines of roadmap.yaml.

    A --target in the past, or outside the horizon (week with a target months out), is refused and
    nothing is written; a target the item already had that the new horizon contradicts is warned about.

    Example:

        cpto roadmap move RM-5 quarter --target 2027-02-04 --commit

        cpto roadmap move RM-7 week
    """
    from cpto.records import roadmap as rm
    from cpto.records.times import parse_date
    from cpto.workspace import load_workspace
    from cpto.workspace.edit import update_file

    config = load_workspace(workspace)
    path = config.roadmap_path
    if not path.exists():
        raise CptoError(f"{path}: no roadmap; write one with an items: list (see cpto roadmap --help)")
    items = {i.id: i for i in rm.read_roadmap(path).items}
    if item_id not in items:
        raise CptoError(f"{path}: no roadmap item '{item_id}' (known: {', '.join(list(items)[:12])})")
    day = parse_date(target, "--target") if target else None
    problems = rm.plan_move(items[item_id], horizon, day, datetime.now(config.zone).date())
    update_file(
        path,
        rm.move_edit(item_id, horizon, day, path),
        commit=f"roadmap: {item_id} to {horizon}" if commit else None,
    )
    say(f"{item_id}: {items[item_id].horizon} -> {horizon}")
    for problem in problems:
        say(f"warning: {item_id}: {problem}")
