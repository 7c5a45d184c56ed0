"""``cpto roadmap``: clock speed from roadmap.yaml's git history, and moving items a rung closer."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.history import run_index
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
from cpto.history.git import file_history
from cpto.records import roadmap as rm
from cpto.workspace import load_workspace
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.edit import update_file

HELP = """The roadmap's clock speed: each joint review should move every item one horizon closer
(year, half, quarter, month, week). Read from roadmap.yaml's own git history.

Example:

    cpto roadmap review --workspace acme
    cpto roadmap review --apply --commit
    cpto roadmap move RM-3 week --target 2026-11-28
"""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="roadmap", help=HELP)


def _roadmap_path(config: WorkspaceConfig) -> Path:
    path = config.roadmap or config.root / "roadmap.yaml"
    if not path.exists():
        raise CptoError(f"{path}: no roadmap; add an items: list (see docs/records.md)")
    return path


@app.command("review")
def review_command(
    workspace: WorkspaceOpt = Path("."),
    no_evidence: Annotated[
        bool, typer.Option("--no-evidence", help="Skip the product review of each item's PRD (faster).")
    ] = False,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Write the proposals: stalled items one rung closer, reviewed: today."),
    ] = False,
    commit: CommitOpt = False,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Each item's horizon at every review, the items that did not move a rung, a one-click-faster
    proposal for each, and the items whose PRD shows no evidence of work in the product review.

    Example:

        cpto roadmap review --workspace acme --format markdown
    """
    from cpto.records.views import roadmap_report

    config = load_workspace(workspace)
    path = _roadmap_path(config)
    current = rm.read_roadmap(path)
    reviews, warnings = rm.reviews_from_history(file_history(path), path)
    clocks = rm.clock_speed(reviews, current)
    chosen = chosen_format(fmt, as_json)
    if not no_evidence:
        _attach_evidence(config, clocks, quiet=quiet or chosen is not Format.terminal)
    if apply:
        today = datetime.now(config.zone).date()
        _apply(path, clocks, today, commit)
    emit(roadmap_report(current, reviews, clocks, warnings), chosen, output)


def _attach_evidence(config: WorkspaceConfig, clocks: list[rm.ItemClock], *, quiet: bool) -> None:
    """Index the repository (with progress), then let the library review the PRDs the roadmap names."""
    from cpto.history import store

    if config.repos and any(c.item.prd for c in clocks):
        run_index(config.index_path, [config.repos[0]], jobs=None, quiet=quiet)
        with store.open_index(config.index_path, read_only=True) as con:
            rm.attach_evidence(con, config, clocks)
    else:
        rm.attach_evidence(None, config, clocks)


def _apply(path: Path, clocks: list[rm.ItemClock], today: date, commit: bool) -> None:
    moves = rm.apply_proposals(path, clocks, today, commit=commit)
    say(f"moved {len(moves)} item(s) one rung closer: {', '.join(f'{r} -> {h}' for r, h in moves) or 'none'}")


@app.command("move")
def move_command(
    item_id: Annotated[str, typer.Argument(help="Roadmap item id (RM-3).")],
    horizon: Annotated[str, typer.Argument(help="year, half, quarter, month or week.")],
    target: Annotated[str | None, typer.Option("--target", help="New target date (2026-12-31).")] = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Put one item at a horizon (and target), changing only those lines of roadmap.yaml.

    Example:

        cpto roadmap move RM-5 quarter --target 2027-02-04 --commit
    """
    config = load_workspace(workspace)
    path = _roadmap_path(config)
    items = {i.id: i for i in rm.read_roadmap(path).items}
    if item_id not in items:
        raise CptoError(f"{path}: no roadmap item '{item_id}' (known: {', '.join(list(items)[:12])})")
    day = rm.parse_date(target, "--target") if target else None
    update_file(
        path,
        rm.move_edit(item_id, horizon, day, path),
        commit=f"roadmap: {item_id} to {horizon}" if commit else None,
    )
    say(f"{item_id}: {items[item_id].horizon} -> {horizon}")
