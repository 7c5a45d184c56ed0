"""``cpto decision``: decision records under the working agreement, written and read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
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
    WorkspaceOpt,
    chosen_format,
    emit,
    parse_at,
    say,
)

if TYPE_CHECKING:  # the library is imported inside each command: `cpto --help` stays fast
    from cpto.records import decisions as dec
    from cpto.records.people import People
    from cpto.workspace.config import WorkspaceConfig

HELP = """Decision records: who is on point, how long they waited, appeals, and what breaks the working agreement.

Every write is a small, atomic edit of the record (comments and key order kept); --commit records it in git.

Example:

    cpto decision new "Ship checkout v2 behind a flag" --domain outcomes --point dana
    cpto decision decide D-0009 --outcome "Ship behind the checkout_v2 flag, 10% of traffic first"
    cpto decision appeal D-0009 --by sam --reason "the flag doubles checkout test time (40 min)"
    cpto decision resolve D-0009 upheld --by claire
    cpto decision show D-0009
    cpto decision list --workspace acme

Follow-ups written as `- [ ] what (owner)` lines in a record are action items: `cpto actions` lists them.
"""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")

IdArg = Annotated[str, typer.Argument(help="Decision id (D-0007) or its number (7).")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="decision", help=HELP)


def _load(workspace: Path) -> tuple[WorkspaceConfig, list[dec.Decision], People]:
    from cpto.records import decisions as dec
    from cpto.records.people import workspace_people
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    people = workspace_people(config)
    return config, dec.read_decisions(dec.decisions_folder(config)), people


@app.command("new")
def new_command(
    title: Annotated[str, typer.Argument(help="What is being decided.")],
    domain: Annotated[
        str, typer.Option("--domain", "-d", help="outcomes (product), experience (design) or implementation.")
    ],
    point: Annotated[str, typer.Option("--point", "-p", help="Handle of the person on point.")],
    consulted: Annotated[
        str, typer.Option("--consulted", "-c", help="Comma-separated handles to consult.")
    ] = "",
    context: Annotated[str, typer.Option("--context", help="The problem statement, one paragraph.")] = "",
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Raise a new decision: numbered after the folder's last one, status proposed, point person named.

    The title is one line and handles follow people.yaml's rule (lower-case letters, digits, '.', '_',
    '-'); the context may span lines but not start a heading. Anything the record could not read back
    is refused with one line, and nothing is written.

    Example:

        cpto decision new "Guest checkout is the default path" --domain outcomes --point dana -c aiko,sam
    """
    from cpto.records import decisions as dec
    from cpto.records.ids import next_id
    from cpto.records.people import workspace_people
    from cpto.workspace import load_workspace
    from cpto.workspace.edit import create_file

    config = load_workspace(workspace)
    people = workspace_people(config)
    if domain not in dec.DOMAINS:
        raise typer.BadParameter(f"'{domain}' is not one of {', '.join(dec.DOMAINS)}", param_hint="--domain")
    handles = [h.strip() for h in consulted.split(",") if h.strip()]
    for handle in (point, *handles):
        people.require(handle, "--point/--consulted")
    folder = dec.decisions_folder(config)
    raised = parse_at(at)

    def make() -> tuple[Path, str]:
        did = next_id([d.id for d in dec.read_decisions(folder)], "D-")
        text = dec.new_decision_text(
            did, title, domain=domain, point=point, raised=raised, consulted=handles, context=context
        )
        return dec.new_decision_path(folder, did, title), text

    path = create_file(folder, make, commit=(lambda p: f"decision: raise {p.stem}") if commit else None)
    say(f"raised {dec.read_decision(path).id}: {path}")


def _find(workspace: Path, wanted: str) -> tuple[WorkspaceConfig, dec.Decision, People]:
    from cpto.records import decisions as dec

    config, decisions, people = _load(workspace)
    return config, dec.find_decision(decisions, wanted), people


def _apply(decision: dec.Decision, change: Callable[[str], str], action: str, commit: bool) -> None:
    """Apply the edit under the folder lock, optionally commit it, and say what the record says now."""
    from cpto.records import decisions as dec
    from cpto.workspace.edit import update_file

    update_file(decision.path, change, commit=f"decision {decision.id}: {action}" if commit else None)
    after = dec.read_decision(decision.path)
    say(f"{after.id} {after.status}: {decision.path}")


@app.command("decide")
def decide_command(
    decision_id: IdArg,
    outcome: Annotated[
        str, typer.Option("--outcome", help="What was decided, added under Decision Outcome.")
    ] = "",
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Record a proposed decision as made (status decided, decided time).

    Example:

        cpto decision decide D-0009 --outcome "Stripe payment methods as the card vault"
    """
    from cpto.records import decisions as dec

    _, decision, _ = _find(workspace, decision_id)
    _apply(decision, dec.decide_edit(decision, parse_at(at), outcome), "decide", commit)


@app.command("appeal")
def appeal_command(
    decision_id: IdArg,
    by: Annotated[str, typer.Option("--by", help="Handle of the person appealing.")],
    reason: Annotated[str, typer.Option("--reason", help="What is wrong with the decision, specifically.")],
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Appeal a made decision to the CEO (or whoever [working_agreement] appeals_to names).

    Example:

        cpto decision appeal D-0009 --by sam --reason "two code paths double checkout test time to 40 min"
    """
    from cpto.records import decisions as dec

    config, decision, people = _find(workspace, decision_id)
    people.require(by, "--by")
    target = people.find(config.appeals_to)
    to = target.handle if target else config.appeals_to
    _apply(decision, dec.appeal_edit(decision, by, reason, to, parse_at(at)), f"appeal to {to}", commit)


@app.command("resolve")
def resolve_command(
    decision_id: IdArg,
    outcome: Annotated[str, typer.Argument(help="upheld (the decision stands) or overturned.")],
    by: Annotated[str, typer.Option("--by", help="Handle of who resolved the appeal (the CEO).")],
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Close an appeal: upheld or overturned.

    Example:

        cpto decision resolve D-0009 upheld --by claire
    """
    from cpto.records import decisions as dec

    _, decision, people = _find(workspace, decision_id)
    people.require(by, "--by")
    _apply(decision, dec.resolve_edit(decision, outcome, by, parse_at(at)), f"appeal {outcome}", commit)


@app.command("comment")
def comment_command(
    decision_id: IdArg,
    remark: Annotated[str, typer.Argument(help="The remark, as specific as you can make it.")],
    by: Annotated[str, typer.Option("--by", help="Handle of who says it.")],
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Add a remark to the decision's Discussion (``- handle, date: remark``).

    Example:

        cpto decision comment D-0009 "the flag touches checkout/api.py only; rollback is 5 minutes" --by li
    """
    from cpto.records import decisions as dec

    config, decision, people = _find(workspace, decision_id)
    people.require(by, "--by")
    change = dec.comment_edit(decision, by, remark, parse_at(at), config.zone)
    _apply(decision, change, f"remark by {by}", commit)


@app.command("show")
def show_command(
    decision_id: IdArg,
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """One decision whole: its facts and how long it took, then every section of the record in
    order (context, options, outcome, discussion, anything else written), its appeal, its action items
    and any flags.

    Example:

        cpto decision show D-0008

        cpto decision show 8 --format markdown --output D-0008.md
    """
    from cpto.records import decisions as dec
    from cpto.records.views import decision_report

    config, decision, people = _find(workspace, decision_id)
    now = datetime.now(UTC)
    findings = dec.check_under(config, [decision], people, now)
    waited = dec.waited_for_meeting(decision, config.meeting_days, config.zone)
    emit(decision_report(decision, findings, people, now, waited), chosen_format(fmt, as_json), output)


@app.command("list")
def list_command(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Every decision with status, point person, days waited, and flags (a point person outside the
    discipline the working agreement names, an unknown handle, an open decision past its SLA, a decision
    that waited for a recurring meeting); time to decision per point person; appeal rate per quarter.

    Example:

        cpto decision list --workspace acme --json
    """
    from cpto.records.views import decisions_report

    config, decisions, people = _load(workspace)
    now = datetime.now(UTC)
    emit(decisions_report(decisions, people, config, now), chosen_format(fmt, as_json), output)
