"""``cpto alarm``: the stop cord anyone can pull, recorded like a decision."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import (
    AtOpt,
    CommitOpt,
    Format,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    WorkspaceOpt,
    chosen_format,
    emit,
    parse_at,
    say,
)

HELP = """The stop cord: anyone can raise an alarm; it stays open until cleared, and every open one is the
first thing every heartbeat shows, whatever week it reports (counted apart from the threshold breaches
the heartbeat computes itself).

Example:

    cpto alarm raise "Checkout p95 doubled since v1.6.0" --by li --why "p95 1.9 s vs 0.9 s"

    cpto alarm list

    cpto alarm clear ALARM-1 --by sam --what "reverted the price cache in v1.6.1"
"""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="alarm", help=HELP)


@app.command("raise")
def raise_command(
    title: Annotated[str, typer.Argument(help="What is wrong, in a line.")],
    by: Annotated[str, typer.Option("--by", help="Handle of whoever pulls the cord.")],
    why: Annotated[str, typer.Option("--why", help="What was seen, where, since when.")] = "",
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Pull the stop cord: a new open alarm record in the alarms folder; it heads every heartbeat
    until cleared.

    Example:

        cpto alarm raise "Debt share under 10% for three weeks" --by li

        cpto alarm raise "Checkout errors" --by li --at "2026-11-03 14:00" --commit
    """
    from cpto.records import alarms as al
    from cpto.records.people import workspace_people
    from cpto.workspace import load_workspace
    from cpto.workspace.edit import create_file

    config = load_workspace(workspace)
    workspace_people(config).require(by, "--by")
    folder = al.alarms_folder(config)
    when = parse_at(at)
    path = create_file(
        folder,
        lambda: al.new_alarm(folder, al.read_alarms(folder), title, by, when, why),
        commit=(lambda p: f"alarm: raise {p.stem}") if commit else None,
    )
    say(f"raised {al.read_alarm(path).id}: {path}")


@app.command("clear")
def clear_command(
    alarm_id: Annotated[str, typer.Argument(help="Alarm id (ALARM-1) or its number.")],
    by: Annotated[str, typer.Option("--by", help="Handle of who clears it.")],
    what: Annotated[str, typer.Option("--what", help="What was done about it.")] = "",
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Clear an open alarm, saying what was done.

    Example:

        cpto alarm clear 1 --by sam --what "rolled back v1.6.0"
    """
    from cpto.records import alarms as al
    from cpto.records.people import workspace_people
    from cpto.workspace import load_workspace
    from cpto.workspace.edit import update_file

    config = load_workspace(workspace)
    workspace_people(config).require(by, "--by")
    alarm = al.find_alarm(al.read_alarms(al.alarms_folder(config)), alarm_id)
    update_file(
        alarm.path,
        al.clear_edit(alarm, by, what, parse_at(at)),
        commit=f"alarm {alarm.id}: cleared" if commit else None,
    )
    say(f"{alarm.id} cleared: {alarm.path}")


@app.command("list")
def list_command(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Every alarm, open ones first; the open count is the heartbeat's count of stop cords.

    Example:

        cpto alarm list

        cpto alarm list --json
    """
    from cpto.records import alarms as al
    from cpto.records.views import alarms_report
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    emit(alarms_report(al.read_alarms(al.alarms_folder(config))), chosen_format(fmt, as_json), output)
