"""``cpto actions``: the open action items of incident and decision records, as one list of open work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import Format, FormatOpt, JsonOpt, OutputOpt, WorkspaceOpt, chosen_format, emit


def register(app: typer.Typer) -> None:
    app.command("actions")(actions_command)


def actions_command(
    workspace: WorkspaceOpt = Path("."),
    owner: Annotated[str | None, typer.Option("--owner", help="Only this person's items (a handle).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Done items too, after the open ones.")] = False,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Open action items: every `- [ ]` line of the incident and decision records, with its owner,
    the record it comes from and file:line, grouped by owner. A postmortem's follow-ups are work
    someone agreed to do; this is where they stay visible until ticked (`- [x]`).

    Write them in a record as `- [ ] what (owner)`; a trailing `(handle)` or an `@handle` names the
    owner. `cpto check` counts them too.

    Example:

        cpto actions --workspace acme

        cpto actions --owner jordan

        cpto actions --all --format markdown
    """
    from cpto.records.actions import workspace_actions
    from cpto.records.views import actions_report
    from cpto.workspace import load_workspace

    found = workspace_actions(load_workspace(workspace), owner)
    emit(actions_report(found, show_done=show_all, owner=owner), chosen_format(fmt, as_json), output)
