"""``cpto init``: write a commented cpto.toml from what the workspace and its repositories hold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import WorkspaceOpt


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)


def init_command(
    workspace: WorkspaceOpt = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing cpto.toml (people.yaml is never replaced).")
    ] = False,
) -> None:
    """Set up a workspace: look at what the team already keeps and write a commented cpto.toml.

    It finds the git repositories (this folder, else those directly under it), the tag scheme of
    releases for [deploys] tags (pre-releases left out), Markdown files that read as PRDs, the
    leadership records (decisions, incidents, alarms, roadmap.yaml, people.yaml), folders of tests
    the built-in rules miss, and the time-zone offsets of the commits. Each setting is written with a
    comment saying what was found; what is missing is listed with how to start it. When there is no
    people.yaml, the top authors of the last year (mailmap applied) are drafted into one.

    An existing cpto.toml is kept unless --force is given; people.yaml is never replaced.

    Example:

        cpto init
        cpto init --workspace ../pytest
        cpto init -w acme --force
    """
    from cpto.cli.options import say
    from cpto.workspace.init import init_workspace

    result = init_workspace(workspace, force=force)
    found = result.survey
    say(f"wrote {result.config}")
    if result.people is not None:
        say(f"wrote {result.people}: {len(found.authors)} people from git history; fill in their disciplines")
    if found.tags.pattern:
        say(
            f'deploys: tags = "{found.tags.pattern}" matches {len(found.tags.matched)} of {found.tags.total} tags'
        )
    if found.prds:
        say(f"PRDs: {len(found.prds)} found ({', '.join(found.prd_globs)})")
    if result.gaps:
        say("Still missing (each is also a comment in cpto.toml):")
        for gap in result.gaps:
            say(f"  - {gap}")
