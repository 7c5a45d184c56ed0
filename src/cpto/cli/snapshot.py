"""``cpto snapshot`` and ``cpto digest``: the week's figures kept, and the week in one short message."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpto.cli.options import QuietOpt, WorkspaceOpt

if TYPE_CHECKING:
    from cpto.snapshot.figures import Week
    from cpto.workspace.config import WorkspaceConfig

WeekOpt = Annotated[
    str | None,
    typer.Option("--week", help="ISO week (2026-W47) or any date in it. Default: the last full week."),
]


def register(app: typer.Typer) -> None:
    app.command("snapshot")(snapshot_command)
    app.command("digest")(digest_command)


def _week(workspace: Path, week: str | None, quiet: bool) -> tuple[WorkspaceConfig, Week]:
    from cpto.cli.history import run_index
    from cpto.snapshot.auto import read_week
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)

    def index(path: Path, repos: list[Path], *, words: bool) -> object:
        return run_index(path, repos, jobs=None, quiet=quiet, words=words)

    return config, read_week(config, week, datetime.now(config.zone), index=index)


def snapshot_command(
    workspace: WorkspaceOpt = Path("."), week: WeekOpt = None, quiet: QuietOpt = False
) -> None:
    """Keep the week's figures: the five DORA metrics (unknown stays unknown, with its reason), commits,
    open stop cords, decisions past their SLA, open action items, and each PRD's requirements shipped,
    in progress, unclear and not started. They go to .cpto/snapshots.duckdb, a file of their own that
    cpto index --rebuild never deletes, so "since last week" survives rewritten history and changed
    settings. Taking a week again replaces it. Prints what was stored as JSON.

    Example:

        cpto snapshot --workspace acme

        cpto snapshot --workspace acme --week 2026-W45

        cpto snapshot --week 2026-11-16 > stored.json
    """
    from cpto.snapshot.auto import snapshot_of
    from cpto.snapshot.store import save, snapshots_path

    config, week_ = _week(workspace, week, quiet)
    taken = snapshot_of(week_)
    path = snapshots_path(config)
    save(path, taken)
    data = {
        "week": taken.week,
        "taken_at": taken.taken_at.isoformat(),
        "file": str(path),
        "figures": [
            {"name": f.name, "subject": f.subject, "value": f.value, "detail": f.detail}
            for f in taken.figures
        ],
        "warnings": week_.warnings,
    }
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def digest_command(
    workspace: WorkspaceOpt = Path("."),
    week: WeekOpt = None,
    post_url: Annotated[
        str | None,
        typer.Option(
            "--post",
            help='Send the digest to this Slack-compatible incoming webhook (a JSON {"text": ...} POST)'
            " instead of printing it. Only the host is ever shown.",
            metavar="URL",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """The week in one short Markdown message to paste into chat or email: open stop cords first, then
    what needs whom (decisions past their SLA with their point person, open action items by owner),
    PRD requirements at risk (target passed or within two weeks, not shipped), and delivery in DORA's
    terms with the value from the newest snapshot of an earlier week beside it ("was"). A number the
    records cannot support says unknown and why, never 0. Take a snapshot each week (cpto snapshot)
    for the "was" values.

    Example:

        cpto digest --workspace acme

        cpto snapshot --week 2026-W45 && cpto digest --week 2026-W46

        cpto digest --post https://hooks.slack.com/services/T000/B000/XXXX
    """
    from cpto.cli.options import say
    from cpto.snapshot.digest import digest as make_digest
    from cpto.snapshot.digest import post, webhook_host
    from cpto.snapshot.store import previous, snapshots_path

    if post_url is not None:
        webhook_host(post_url)  # a bad URL fails before the week is read
    config, week_ = _week(workspace, week, quiet)
    text = make_digest(week_, previous(snapshots_path(config), week_.beat.week), config.name)
    if post_url is None:
        sys.stdout.write(text)
        return
    host = post(post_url, text)
    if not quiet:
        say(f"posted the digest for {week_.beat.week} to {host}")
