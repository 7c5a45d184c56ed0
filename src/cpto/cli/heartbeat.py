"""``cpto heartbeat``: one weekly page of delivery, incidents and decisions, with alarms."""

from __future__ import annotations

from datetime import datetime
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
from cpto.workspace import load_workspace


def register(app: typer.Typer) -> None:
    app.command("heartbeat")(heartbeat_command)


def heartbeat_command(
    workspace: WorkspaceOpt = Path("."),
    week: Annotated[
        str | None,
        typer.Option("--week", help="ISO week (2026-W47) or any date in it. Default: the last full week."),
    ] = None,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """The weekly heartbeat: delivery in DORA's terms (deploy frequency, lead time, change failure rate,
    time to restore, rework rate, each in its DORA band) with the four weeks before, the incidents of
    the week, decisions open past their SLA, this quarter's appeal rate, and the alarms they raise.

    Deploys are tags matching [deploys] tags; failures are incidents whose caused_by names a deploy or a
    commit it shipped.

    Example:

        cpto heartbeat --workspace acme --week 2026-W45
        cpto heartbeat --format markdown > heartbeat.md
    """
    from cpto.heartbeat.views import heartbeat_report
    from cpto.heartbeat.week import heartbeat, week_start
    from cpto.history import store
    from cpto.records.alarms import read_alarms
    from cpto.records.decisions import read_decisions
    from cpto.records.incidents import read_incidents

    config = load_workspace(workspace)
    if not config.repos:
        raise CptoError(f"{config.root}: no repositories to read ([workspace] repos in cpto.toml)")
    chosen = chosen_format(fmt, as_json)
    start = week_start(week, datetime.now(config.zone).date(), config.zone)
    incidents = read_incidents(config.incidents, config.severities) if config.incidents else []
    decisions = read_decisions(config.decisions) if config.decisions else []
    run_index(config.index_path, [config.repos[0]], jobs=None, quiet=quiet or chosen is not Format.terminal)
    with store.open_index(config.index_path, read_only=True) as con:
        repo_id = store.indexed_repo_id(con, config.repos[0])
        beat = heartbeat(con, repo_id, config, incidents, decisions, start, read_alarms(config.alarms))
    emit(heartbeat_report(beat, config.name), chosen, output)
