"""``cpto check``: validate every record and PRD of the workspace, with file:line for each problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import Format, FormatOpt, JsonOpt, OutputOpt, WorkspaceOpt, chosen_format, emit
from cpto.errors import EXIT_GATE


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    workspace: WorkspaceOpt = Path("."),
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Read every decision, incident, the roadmap, people.yaml and every PRD, and list what is wrong
    with each (file:line): errors make a record unreadable, warnings make its numbers doubtful (unknown
    handles, a roadmap target already past or that its horizon contradicts, an action item nobody
    owns), information is worth knowing (each open action item). A kind of record the workspace has
    none of is named, not counted as zero. Exits 1 when there are errors (or, with --strict,
    warnings), so it can guard a pull request.

    Example:

        cpto check --workspace acme

        cpto check --strict --format markdown
    """
    from cpto.records.check import check_workspace
    from cpto.records.views import check_report
    from cpto.workspace import load_workspace

    result = check_workspace(load_workspace(workspace))
    emit(check_report(result), chosen_format(fmt, as_json), output)
    if result.errors or (strict and result.warnings):
        raise typer.Exit(EXIT_GATE)
