"""``cpto people``: who is who, the organisation's shape, and git identities mapped to people."""

from __future__ import annotations

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
    app.command("people")(people_command)


def people_command(
    workspace: WorkspaceOpt = Path("."),
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Only people.yaml; do not read the git history.")
    ] = False,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """People: disciplines, teams, managers and spans of control, from people.yaml.

    With the git history (the default) it also maps commit authors to people, lists the identities
    nobody claims, and shows "no lanes" work: code committed by people outside engineering.

    Counted as cpto history counts: commits are non-merge commits; code commits change at least one
    code file (not tests, docs, generated, vendored, lock, build or config files, nor the records);
    a person is their people.yaml entry (emails, aliases, name), else their .mailmap identity, else
    their email. Without people.yaml the git identities are listed and disciplines are unknown.

    Example:

        cpto people --workspace acme

        cpto people --json --no-history

        cpto people -w ../api --format markdown
    """
    from cpto.cli.history import index_workspace
    from cpto.history import store
    from cpto.records.people import explain_counts, workspace_contributions, workspace_lanes, workspace_people
    from cpto.records.views import people_report
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    people = workspace_people(config)
    if not people.people and (no_history or not config.repos):
        raise CptoError(f"{people.path}: no people recorded; add a people: list (see docs/people.md)")
    chosen = chosen_format(fmt, as_json)
    work = None
    if not no_history and config.repos:
        index_workspace(config, quiet=quiet or chosen is not Format.terminal)
        with store.open_index(config.index_path, read_only=True) as con:
            work = workspace_contributions(con, people, config)
    crossings = workspace_lanes(config, people, history=not no_history) if people.people else None
    emit(explain_counts(people_report(people, work, crossings), work), chosen, output)
