"""``cpto lint``: requirement quality for PRDs, with file:line findings and a CI gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import Format, FormatOpt, JsonOpt, OutputOpt, WorkspaceOpt, chosen_format, emit, say
from cpto.errors import CptoError


def register(app: typer.Typer) -> None:
    app.command("lint")(lint_command)


def lint_command(
    prds: Annotated[
        list[Path] | None, typer.Argument(help="PRD files (default: the workspace's [workspace] prds).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under", min=0.0, max=1.0, help="Exit 1 when any PRD's score is under this (0-1), for CI."
        ),
    ] = None,
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Find vague wording in PRD requirements and say what to make specific.

    Every requirement (as `cpto review` reads them) is scored from 0 to 1: hedges, subjective and
    non-verifiable terms, comparatives without a baseline, escape clauses, vague quantities and times,
    and vague pronouns lower it; dates, numbers with units, named features, components and people keep it
    high, and so does a rounded number ("roughly 300 controls", "about 2 s"). Each finding has its
    file:line and a concrete suggestion. The score per PRD is the mean of its requirements'.

    A file in which no requirement is found has no score (unknown, not 1.0): the report says how to
    write requirements, and --fail-under checks only the PRDs that have some. To score plain prose,
    use cpto precision FILE.

    Example:

        cpto lint --workspace acme
        cpto lint docs/prd/checkout.md --fail-under 0.8
        cpto lint docs/prd/checkout.md --format markdown -o lint.md
    """
    from cpto.language.context import workspace_context
    from cpto.language.lint import lint_prd
    from cpto.language.views import lint_report
    from cpto.review.prd import read_prd
    from cpto.review.service import find_prds
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    context = workspace_context(config)
    found = find_prds(config, prds or [])
    for skipped in found.skipped:
        say(f"! {skipped}")  # a link in the PRD folders cpto did not follow
    lints = [lint_prd(read_prd(p), context) for p in found]
    if not lints:
        raise CptoError("no PRDs to lint")
    report = lint_report(lints, config.root, fail_under)
    emit(report, chosen_format(fmt, as_json), output)
    if report.data["failing"]:
        raise typer.Exit(1)
