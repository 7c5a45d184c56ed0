"""``cpto demo DIR``: build the bundled demo workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import say
from cpto.errors import CptoError


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    directory: Annotated[Path, typer.Argument(help="Folder to create (must not exist or be empty).")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same commits.")] = 7,
) -> None:
    """Build a realistic demo workspace: a product repository with twelve weeks of history, PRDs,
    decisions, incidents, a roadmap and people.

    Example:

        cpto demo acme && cpto history --workspace acme
    """
    from cpto.demo import build_demo

    try:
        summary = build_demo(directory, seed=seed)
    except ValueError as exc:
        raise CptoError(f"{directory}: {exc}") from None
    say(
        f"built demo workspace {summary.path}: {summary.commits} commits by {summary.people} people, "
        f"{len(summary.tags)} releases, {len(summary.prds)} PRDs"
    )
