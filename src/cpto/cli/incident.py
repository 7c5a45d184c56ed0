"""``cpto incident``: incident records with typed timelines, written and read; ``cpto timeline``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpto.cli.options import (
    AtOpt,
    CommitOpt,
    Format,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    QuietOpt,
    WorkspaceOpt,
    chosen_format,
    emit,
    parse_at,
    say,
)
from cpto.errors import CptoError

if TYPE_CHECKING:  # the library is imported inside each command: `cpto --help` stays fast
    from cpto.records import incidents as inc
    from cpto.workspace.config import WorkspaceConfig

HELP = """Incident records: a typed timeline (started, detected, acknowledged, mitigated, resolved, notes),
times measured from impact start, and the change that caused it.

Example:

    cpto incident new "Checkout returns 500s" --severity SEV1 --commander sam --started 2026-11-03T14:22
    cpto incident log INC-4 detected "5xx alarm fired" --at 2026-11-03T14:27
    cpto incident resolve INC-4 "fix deployed in v1.5.1" --caused-by ff7ac4b
    cpto incident show INC-4
    cpto incident list --workspace acme

Follow-ups written as `- [ ] what (owner)` lines under ## Action items are tracked: `cpto actions`.
"""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")

IdArg = Annotated[str, typer.Argument(help="Incident id (INC-3) or its number (3).")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="incident", help=HELP)
    root.command("timeline")(timeline_command)


def _cause(config: WorkspaceConfig, incident: inc.Incident) -> str | None:
    from cpto.history.git import resolve_commit

    return (
        resolve_commit(config.repos[0], incident.caused_by) if incident.caused_by and config.repos else None
    )


def _find(workspace: Path, wanted: str) -> tuple[WorkspaceConfig, inc.Incident]:
    from cpto.records import incidents as inc
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    return config, inc.find_incident(
        inc.read_incidents(inc.incidents_folder(config), config.severities), wanted
    )


@app.command("new")
def new_command(
    title: Annotated[str, typer.Argument(help="What users see, in a few words.")],
    severity: Annotated[str, typer.Option("--severity", "-s", help="One of [incidents] severities.")],
    commander: Annotated[str, typer.Option("--commander", help="Handle of the incident commander.")],
    services: Annotated[str, typer.Option("--services", help="Comma-separated services affected.")] = "",
    started: Annotated[
        str | None, typer.Option("--started", help="When impact started (default: now).")
    ] = None,
    what: Annotated[str, typer.Option("--what", help="What started happening.")] = "",
    caused_by: Annotated[
        str, typer.Option("--caused-by", help="The commit or deploy tag that caused it.")
    ] = "",
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Open an incident: numbered after the last one, with its first event, when impact started.

    Example:

        cpto incident new "Duplicate dunning emails" -s SEV2 --commander marco --started 2026-09-28T23:00
    """
    from cpto.records import incidents as inc
    from cpto.records.people import workspace_people
    from cpto.workspace import load_workspace
    from cpto.workspace.edit import create_file

    config = load_workspace(workspace)
    if severity not in config.severities:
        raise CptoError(
            f"severity '{severity}' is not one of {', '.join(config.severities)} ([incidents] severities)"
        )
    workspace_people(config).require(commander, "--commander")
    folder = inc.incidents_folder(config)
    start = parse_at(started)

    def make() -> tuple[Path, str]:
        iid = inc.next_incident_id(inc.read_incidents(folder, config.severities))
        text = inc.new_incident_text(
            iid,
            title,
            severity=severity,
            commander=commander,
            services=[s.strip() for s in services.split(",") if s.strip()],
            started=start,
            what=what,
            caused_by=caused_by,
        )
        return inc.new_incident_path(folder, start, title), text

    path = create_file(folder, make, commit=(lambda p: f"incident: open {p.stem}") if commit else None)
    say(f"opened {inc.read_incident(path, config.severities).id}: {path}")


@app.command("log")
def log_command(
    incident_id: IdArg,
    kind: Annotated[
        str, typer.Argument(help="detected, acknowledged, mitigated, resolved, started or note.")
    ],
    text: Annotated[str, typer.Argument(help="What happened.")],
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Add an event to the timeline (each typed event once; notes as often as needed).

    Example:

        cpto incident log 3 acknowledged "sam paged" --at 2026-11-03T14:31
    """
    from cpto.records import incidents as inc
    from cpto.workspace.edit import update_file

    config, incident = _find(workspace, incident_id)
    change = inc.log_edit(incident, kind, text, parse_at(at), config.severities)
    update_file(incident.path, change, commit=f"incident {incident.id}: {kind}" if commit else None)
    say(f"{incident.id} {kind}: {incident.path}")


@app.command("resolve")
def resolve_command(
    incident_id: IdArg,
    text: Annotated[str, typer.Argument(help="How service was restored.")] = "resolved",
    caused_by: Annotated[
        str, typer.Option("--caused-by", help="The commit or deploy tag that caused it.")
    ] = "",
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Record service restored (the resolved event) and, if known, the change that caused it.

    Example:

        cpto incident resolve INC-3 "fix deployed in v1.5.1" --caused-by v1.5.0
    """
    from cpto.history.git import resolve_commit
    from cpto.records import incidents as inc
    from cpto.workspace.edit import update_file

    config, incident = _find(workspace, incident_id)
    if caused_by and config.repos and resolve_commit(config.repos[0], caused_by) is None:
        raise CptoError(
            f"{config.repos[0]}: --caused-by '{caused_by}' is not a commit or tag of the repository"
        )
    log = inc.log_edit(incident, "resolved", text, parse_at(at), config.severities)
    cause = inc.cause_edit(incident, caused_by) if caused_by else None

    def change(current: str) -> str:
        current = log(current)
        return cause(current) if cause else current

    update_file(incident.path, change, commit=f"incident {incident.id}: resolved" if commit else None)
    say(f"{incident.id} resolved: {incident.path}")


@app.command("list")
def list_command(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Every incident, most severe first: times to detect, acknowledge, mitigate and restore from impact
    start, the causing change, and medians per severity.

    Example:

        cpto incident list --workspace acme --format markdown
    """
    from cpto.records import incidents as inc
    from cpto.records.people import workspace_people
    from cpto.records.views import incidents_report
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    folder = inc.incidents_folder(config)
    incidents = inc.read_incidents(folder, config.severities)
    people = workspace_people(config)
    known = set(people.by_handle) if people.people else None
    causes = {i.id: _cause(config, i) for i in incidents}
    report = incidents_report(incidents, config.severities, causes, known, folder)
    emit(report, chosen_format(fmt, as_json), output)


@app.command("show")
def show_command(
    incident_id: IdArg,
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """One incident whole: its facts and times from impact start, then every section of the record in
    order (summary, timeline, root cause, action items, anything else written), and the timeline
    measured from impact start.

    Example:

        cpto incident show INC-3

        cpto incident show 3 --format markdown --output INC-3.md
    """
    from cpto.records.people import workspace_people
    from cpto.records.views import incident_report

    config, incident = _find(workspace, incident_id)
    people = workspace_people(config)
    known = set(people.by_handle) if people.people else None
    emit(incident_report(incident, _cause(config, incident), known), chosen_format(fmt, as_json), output)


def timeline_command(
    workspace: WorkspaceOpt = Path("."),
    since: Annotated[str | None, typer.Option("--since", help="Only events from this date on.")] = None,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """One shared timeline: incident events, deploys ([deploys] log, else tags matching [deploys] tags) and decisions.

    Example:

        cpto timeline --workspace acme --since 2026-10-01
    """
    from cpto.cli.history import index_workspace
    from cpto.history import store
    from cpto.records.timeline import workspace_timeline
    from cpto.records.times import parse_time
    from cpto.records.views import timeline_report
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    chosen = chosen_format(fmt, as_json)
    start = parse_time(since, "--since") if since else None
    if config.repos:
        index_workspace(config, quiet=quiet or chosen is not Format.terminal)
        with store.open_index(config.index_path, read_only=True) as con:
            moments, missing = workspace_timeline(con, config, start)
    else:
        moments, missing = workspace_timeline(None, config, start)
    emit(timeline_report(moments, missing), chosen, output)
