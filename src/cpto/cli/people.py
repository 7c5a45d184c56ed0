"""``cpto people``: who is who, the organisation's shape, and git identities mapped to people."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.history import run_index
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
from cpto.records.people import workspace_lanes
from cpto.workspace import load_workspace


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

    With the git history (the default) it also maps commit authors to people by their emails and
    aliases, lists the identities nobody claims, and shows "no lanes" work: code committed by people
    outside engineering.

    Example:

        cpto people --workspace acme
        cpto people --json --no-history
    """
    from cpto.history import store
    from cpto.history.summary import author_totals
    from cpto.records.people import authors_of, contributions, read_people
    from cpto.records.views import people_report

    config = load_workspace(workspace)
    people = read_people(config.people) if config.people else None
    if people is None or not people.people:
        raise CptoError(f"{config.people}: no people recorded; add a people: list (see docs/records.md)")
    chosen = chosen_format(fmt, as_json)
    work = None
    if not no_history and config.repos:
        run_index(config.index_path, config.repos, jobs=None, quiet=quiet or chosen is not Format.terminal)
        with store.open_index(config.index_path, read_only=True) as con:
            work = contributions(people, authors_of(author_totals(con)))
    emit(people_report(people, work, workspace_lanes(config, people, history=not no_history)), chosen, output)
