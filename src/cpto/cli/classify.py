"""``cpto classify``: commits in, R&D investment buckets out (JSON Lines, in the shape docs/json.md gives);
``cpto classify set|list``: people's overrides, kept in git (docs/classify-overrides.md).

``cpto classify`` stays one command (``cpto classify [FILE] --json``); :class:`ClassifyCommand` hands the
arguments to the override commands when the first one is ``set`` or ``list`` (a file called ``set`` is
still reachable as ``./set``), as ``cpto review`` does for its verdicts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cpto.cli.options import (
    AtOpt,
    ByOpt,
    CommitOpt,
    Format,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    WorkspaceOpt,
    chosen_format,
    dispatching_command,
    emit,
    parse_at,
    read_json_lines,
    say,
)
from cpto.errors import CptoError

SUBCOMMANDS = ("set", "list")

EPILOG = """**Overrides in git**: when a bucket is wrong, say so once; every report honours it.

    cpto classify set 3f2a9c1 debt --reason "the rename was cleanup"
    cpto classify set "#42" feature --reason "gift cards" --commit
    cpto classify list

`cpto classify set --help` says more (docs/classify-overrides.md)."""

app = typer.Typer(no_args_is_help=True, rich_markup_mode="markdown")


# ``cpto classify`` itself, or ``set``/``list`` when the first argument names one
ClassifyCommand = dispatching_command(app, SUBCOMMANDS, EPILOG)


def register(root: typer.Typer) -> None:
    root.command("classify", cls=ClassifyCommand)(classify_command)


def classify_command(
    source: Annotated[
        Path | None, typer.Argument(help="JSON Lines file of commits (default: standard input).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON Lines out (the only format; kept for symmetry).")
    ] = True,
    why: Annotated[bool, typer.Option("--why", help="Add each result's reasons as a 'why' field.")] = False,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Apply this workspace's overrides (classifications.yaml) to ids that are commit SHAs.",
        ),
    ] = None,
) -> None:
    """Classify commits as feature, fix, debt, infra or other, with a confidence.

    Reads one JSON object per line: {"id", "message", "paths" (optional), "added", "deleted"}; writes
    {"id", "category", "confidence"} per line, in order. A type the author wrote decides (fix(api): ...,
    [Refactor] ..., a gitmoji); otherwise the shipped model reads the message, the paths and the size
    (a record without "added"/"deleted" has an unknown size, not zero), with the rules' vote
    (docs/classify.md). With --workspace, an override people recorded (cpto classify set) wins, with
    confidence 1.0.

    Example:

        cpto classify commits.jsonl --json > classified.jsonl

        git log --format='{"id": "%H", "message": "%s"}' | cpto classify

        git log --format='{"id": "%H", "message": "%s"}' | cpto classify -w .
    """
    from cpto.heartbeat.classify import classify

    del as_json
    from cpto.records.overrides import workspace_overrides
    from cpto.workspace import load_workspace

    overridden = workspace_overrides(load_workspace(workspace)) if workspace is not None else {}
    out = sys.stdout
    for name, number, record in read_json_lines(source, "message"):
        where = f"{name}:{number}"
        message, paths = record.get("message"), record.get("paths") or []
        if not isinstance(message, str):
            raise CptoError(f'{where}: "message" must be a string')
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise CptoError(f'{where}: "paths" must be a list of strings')
        result = classify(message, paths, _count(record, "added", where), _count(record, "deleted", where))
        row: dict[str, Any] = {
            "id": record["id"],
            "category": result.category,
            "confidence": result.confidence,
        }
        reason = result.why
        override = overridden.get(str(record["id"]).strip().lower()) if overridden else None
        if override is not None:
            row["category"], row["confidence"], reason = override.bucket, 1.0, override.why
        if why:
            row["why"] = reason
        out.write(json.dumps(row) + "\n")
    out.flush()


def _count(record: dict[str, Any], key: str, where: str) -> int | None:
    """A changed-lines count: a whole number, 0 or more; None when the record does not say (unknown)."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CptoError(f'{where}: "{key}" must be a whole number of lines, 0 or more; got {value!r}')
    return value


@app.command("set")
def set_command(
    ref: Annotated[
        str,
        typer.Argument(metavar="REF", help="A commit (SHA, prefix, tag or branch) or a pull request (#42)."),
    ],
    bucket: Annotated[str, typer.Argument(metavar="BUCKET", help="feature, fix, debt, infra or other.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the bucket is this one, in a line (required).")
    ] = "",
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo", help="The repository (its path or folder name), when the workspace has several."
        ),
    ] = None,
    by: ByOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = Path("."),
    commit: CommitOpt = False,
) -> None:
    """Say which bucket REF's effort belongs in: one line in classifications.yaml at the workspace root,
    which wins over GitHub labels and the classifier in every report. Setting REF again replaces it.

    A pull request (#N) covers the commits it landed; a commit's own override wins over its pull
    request's. REF is stored as the full SHA.

    Example:

        cpto classify set 3f2a9c1 debt --reason "the rename was cleanup"

        cpto classify set "#42" feature --reason "gift cards, labelled chore by mistake"

        cpto classify set v1.6.1 fix --repo services/api --by li --commit
    """
    from cpto.records import overrides as ov
    from cpto.review.verdicts import who_says
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    who = who_says(config, by)
    when = parse_at(at)
    ov.new_override("0" * 40, bucket, reason, who, when)  # bucket and reason first: no git work for a typo
    stored, name = ov.resolve_target(config, ref, repo)
    entry = ov.new_override(stored, bucket, reason, who, when, name)
    message = f"classify: {stored if stored.startswith('#') else stored[:12]} is {entry['bucket']}"
    path = ov.write_override(config, entry, commit=message if commit else None)
    say(f"{stored} -> {entry['bucket']}: {path}")


@app.command("list")
def list_command(
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """Every classification override of the workspace, as classifications.yaml holds them.

    Example:

        cpto classify list

        cpto classify list --json
    """
    from cpto.records import overrides as ov
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    path = ov.overrides_path(config)
    emit(ov.overrides_report(path, ov.read_overrides(path)), chosen_format(fmt, as_json), output)
