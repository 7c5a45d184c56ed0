"""``cpto decision``: decision records under the working agreement."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from cpto.cli.options import Format, FormatOpt, JsonOpt, OutputOpt, WorkspaceOpt, chosen_format, emit
from cpto.workspace import load_workspace

HELP = """Decision records: who is on point, how long they waited, what breaks the working agreement.

Example:

    cpto decision list --workspace acme
"""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="decision", help=HELP)


@app.command("list")
def list_command(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Every decision with status, point person, days waited, and flags: a point person outside the
    discipline the working agreement names, an unknown handle, an open decision past its SLA.

    Example:

        cpto decision list --workspace acme --json
    """
    from cpto.records.decisions import check_decisions, read_decisions
    from cpto.records.people import People, read_people
    from cpto.records.views import decisions_report

    config = load_workspace(workspace)
    decisions = read_decisions(config.decisions) if config.decisions else []
    people = read_people(config.people) if config.people else People(config.root / "people.yaml", [])
    now = datetime.now(UTC)
    findings = check_decisions(
        decisions, people, agreement=config.working_agreement, sla=config.decision_sla, now=now
    )
    emit(decisions_report(decisions, findings, now), chosen_format(fmt, as_json), output)
