"""``cpto heartbeat``: one weekly page of delivery, incidents and decisions, with alarms."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import (
    Format,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    QuietOpt,
    TeamOpt,
    WorkspaceOpt,
    chosen_format,
    emit,
)
from cpto.errors import CptoError


def register(app: typer.Typer) -> None:
    app.command("heartbeat")(heartbeat_command)


def heartbeat_command(
    workspace: WorkspaceOpt = Path("."),
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="ISO week (2026-W47) or any date in it. Default: the last full week, with the current"
            " week so far beside it.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Report from this date (2026-11-01) to today instead of one week; the trend compares the"
            " four windows of the same length before it.",
        ),
    ] = None,
    trace: Annotated[
        bool,
        typer.Option(
            "--trace/--no-trace",
            help="Run the product review to split effort per PRD and roadmap item (default when PRDs exist).",
        ),
    ] = True,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Only this repository: its folder name, its path from the workspace or a glob"
            " (repeatable; default: every repository of the workspace).",
        ),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option("--path", help="Only files under this folder of the repository, or a [services] name."),
    ] = None,
    team: TeamOpt = None,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """The weekly heartbeat, most urgent first: every open stop cord (cpto alarm raise), whatever the
    week, then the thresholds in [alarms] the week breaches, then the current week so far; then the
    week's delivery in DORA's 2024 terms (deployment frequency, change lead time, change fail rate,
    failed deployment recovery time, deployment rework rate), each with the deploys, commits and
    incidents it rests on and its 2024 level where the report gives one, with the four weeks before;
    where effort went (feature, fix, debt, infra, other) per team, PRD and roadmap item; review SLAs
    (time to first review and to approval per reviewer and team against [sla] approval, and the pull
    requests waiting on someone now); tech-debt hotspots and trend; incidents; decisions past their SLA.
    --format html draws the charts.

    With GitHub synced (cpto github sync; before it, these are unknown): deploys can be GitHub
    deployments or releases ([deploys] source), lead time runs from each pull request's first commit,
    issues labelled [incidents] github_label are incidents too, and pull request labels ([github]
    labels) decide effort buckets.

    A number the records cannot support is shown as unknown with the reason and what to set up (no
    tag matching [deploys] tags: the pattern your tags follow; no incident records: cpto incident new);
    a week with no commits says "no activity".

    Example:

        cpto heartbeat --workspace acme

        cpto heartbeat --workspace acme --week 2026-W45

        cpto heartbeat --since 2026-10-01 --format markdown > heartbeat.md

        cpto heartbeat --format html --output heartbeat.html

        cpto github sync --workspace acme && cpto heartbeat --workspace acme --json

        cpto heartbeat --workspace estate --only api --path services/billing

        cpto heartbeat --workspace estate --team payments
    """
    from cpto.cli.history import index_workspace
    from cpto.heartbeat.views import heartbeat_report
    from cpto.heartbeat.week import since_start, week_start, workspace_heartbeat
    from cpto.history import store
    from cpto.workspace import load_workspace
    from cpto.workspace.narrow import mark_narrowed, narrow, restrict_index

    config = load_workspace(workspace)
    if not config.repos:
        raise CptoError(f"{config.root}: no repositories to read ([workspace] repos in cpto.toml)")
    if only or path or team:
        config = narrow(config, only or (), path, team)
    chosen = chosen_format(fmt, as_json)
    if week and since:
        raise CptoError("--week and --since choose the window two ways; give one of them")
    now = datetime.now(config.zone)
    today = now.date()
    start, end = week_start(week, today, config.zone), None
    if since is not None:
        start = since_start(since, config.zone)
        end = datetime.combine(today + timedelta(days=1), datetime.min.time(), config.zone)
        if start >= end:
            raise CptoError(f"--since {since} is in the future")
    index_workspace(config, quiet=quiet or chosen is not Format.terminal, trace=trace)
    with store.open_index(config.index_path, read_only=True) as con:
        restrict_index(con, config)  # nothing unless narrowed
        beat = workspace_heartbeat(con, config, start, end=end, now=now, trace=trace)
    from cpto.history.forge import workspace_forge

    forge = workspace_forge(config) if chosen is Format.html else None  # links only HTML can follow
    report = heartbeat_report(beat, config.name, now, person_scores=config.person_scores, forge=forge)
    emit(mark_narrowed(report, config), chosen, output)
