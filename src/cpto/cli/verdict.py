"""``cpto review confirm|reject|defer|drop``: people close the loop on the product review.

``cpto review`` stays one command (``cpto review [PRD ...] [options]``); :class:`ReviewCommand` hands the
arguments to this module's commands when the first one names a verdict (a PRD file called ``confirm`` is
still reachable as ``./confirm``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cpto.cli.options import AtOpt, ByOpt, CommitOpt, WorkspaceOpt, dispatching_command, parse_at, say
from cpto.errors import CptoError

if TYPE_CHECKING:
    from cpto.workspace.config import WorkspaceConfig

VERDICTS = ("confirm", "reject", "defer", "drop")

EPILOG = """**People close the loop**: each verdict is one line, with who and when, in the PRD's
`<name>.review.yaml` beside it; `--commit` records it in git; the next review reads it.

    cpto review confirm CHK-1 3f2a9c1       # or a pull request "#42", a path
    cpto review reject CHK-1 api/legacy.py --reason "shares words only"
    cpto review defer CHK-4 --reason "after the payments migration"
    cpto review drop CHK-9 --reason "card data stays with Stripe" --commit

`cpto review confirm --help` (reject, defer, drop) says more."""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")

ReqArg = Annotated[str, typer.Argument(metavar="REQ", help="Requirement id, as the review shows it (CHK-1).")]
RefArg = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        help="A commit (SHA or prefix), a pull request (#42) or a file path in the repository.",
    ),
]
PrdOpt = Annotated[
    Path | None,
    typer.Option("--prd", help="The PRD holding REQ, when more than one PRD has that id."),
]
# ``cpto review`` itself, or a verdict command when the first argument names one
ReviewCommand = dispatching_command(app, VERDICTS, EPILOG)


@app.command("confirm")
def confirm_command(
    requirement: ReqArg,
    ref: RefArg,
    reason: Annotated[str, typer.Option("--reason", help="Why, if it is not obvious.")] = "",
    prd: PrdOpt = None,
    by: ByOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Confirm that REF implements the requirement: the review links it, explicitly, from now on.

    A confirmed ref the review did not find is added to the requirement's evidence; confirming a ref
    that was rejected takes the rejection back.

    Example:

        cpto review confirm CHK-1 3f2a9c1
        cpto review confirm CHK-1 "#42" --reason "the pull request that shipped it"
        cpto review confirm CHK-8 web/gift_cards.py --by li --commit
    """
    _ref_verdict("confirm", requirement, ref, reason, prd, by, at, workspace, commit)


@app.command("reject")
def reject_command(
    requirement: ReqArg,
    ref: RefArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is not this requirement's work.")] = "",
    prd: PrdOpt = None,
    by: ByOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Reject REF as evidence for the requirement: the review never links it to it again.

    Example:

        cpto review reject CHK-1 api/legacy_cart.py --reason "shares words only"
        cpto review reject CHK-4 9e1b2c3 --by li --commit
    """
    _ref_verdict("reject", requirement, ref, reason, prd, by, at, workspace, commit)


@app.command("defer")
def defer_command(
    requirement: ReqArg,
    reason: Annotated[str, typer.Option("--reason", help="Why later, and until when.")],
    prd: PrdOpt = None,
    by: ByOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Defer the requirement (later): the review shows it as deferred, not as missing work.

    Example:

        cpto review defer CHK-4 --reason "after the payments migration (Q1)"
    """
    _saying("defer", requirement, reason, prd, by, at, workspace, commit)


@app.command("drop")
def drop_command(
    requirement: ReqArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it will not be done.")],
    prd: PrdOpt = None,
    by: ByOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Drop the requirement (won't do): the review shows it as dropped, not as missing work.

    Example:

        cpto review drop CHK-9 --reason "legal: card data stays with Stripe" --commit
    """
    _saying("drop", requirement, reason, prd, by, at, workspace, commit)


def _ref_verdict(
    action: str,
    requirement: str,
    ref: str,
    reason: str,
    prd: Path | None,
    by: str | None,
    at: str | None,
    workspace: Path,
    commit: bool,
) -> None:
    from cpto.review import verdicts as vd

    config, prd_path, rid, who = _who_on_what(workspace, requirement, prd, by)
    stored = vd.resolve_ref(ref, config.repos, Path.cwd())
    make = vd.confirm_edit if action == "confirm" else vd.reject_edit
    edit = make(rid, stored, who, parse_at(at), reason)
    _write(config, prd_path, edit, f"review {rid}: {action} {stored}", commit, f"{rid}: {action}ed {stored}")


def _saying(
    action: str,
    requirement: str,
    reason: str,
    prd: Path | None,
    by: str | None,
    at: str | None,
    workspace: Path,
    commit: bool,
) -> None:
    from cpto.review import verdicts as vd

    config, prd_path, rid, who = _who_on_what(workspace, requirement, prd, by)
    make = vd.defer_edit if action == "defer" else vd.drop_edit
    edit = make(rid, who, parse_at(at), reason)
    past = "deferred" if action == "defer" else "dropped"
    _write(config, prd_path, edit, f"review {rid}: {action}", commit, f"{rid}: {past}")


def _who_on_what(
    workspace: Path, requirement: str, prd: Path | None, by: str | None
) -> tuple[WorkspaceConfig, Path, str, str]:
    """What every verdict starts from: the workspace, the requirement's PRD and id, and who says it."""
    from cpto.review.verdicts import who_says
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    prd_path, rid = _requirement(config, requirement, prd)
    return config, prd_path, rid, who_says(config, by)


def _write(config: WorkspaceConfig, prd: Path, edit: Any, message: str, commit: bool, done: str) -> None:
    from cpto.review.verdicts import verdicts_path, write_verdicts

    changed = write_verdicts(prd, edit, root=config.root, commit=message if commit else None)
    say(f"{done}: {verdicts_path(prd)}" if changed else f"{done} already: nothing to change")


def _requirement(config: WorkspaceConfig, wanted: str, prd: Path | None) -> tuple[Path, str]:
    """The PRD holding the requirement ``wanted`` and its id as the PRD spells it."""
    from cpto.review.prd import read_prd
    from cpto.review.service import workspace_prds
    from cpto.review.verdicts import find_requirement

    if prd is not None:
        path = prd if prd.is_absolute() else Path.cwd() / prd
        paths, where = [path], str(path)
    else:
        paths, where = workspace_prds(config), str(config.root)
        if not paths:
            raise CptoError(
                f"{config.root}: no PRDs found (looked for {', '.join(config.prds)}); name one with --prd"
            )
    found, requirement = find_requirement([read_prd(p) for p in paths], wanted, where)
    return found.path, requirement.id
