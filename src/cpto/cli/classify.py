"""``cpto classify``: commits in, R&D investment buckets out (JSON Lines, in the shape docs/json.md gives)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cpto.cli.options import read_json_lines
from cpto.errors import CptoError


def register(app: typer.Typer) -> None:
    app.command("classify")(classify_command)


def classify_command(
    source: Annotated[
        Path | None, typer.Argument(help="JSON Lines file of commits (default: standard input).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON Lines out (the only format; kept for symmetry).")
    ] = True,
    why: Annotated[bool, typer.Option("--why", help="Add each result's reasons as a 'why' field.")] = False,
) -> None:
    """Classify commits as feature, fix, debt, infra or other, with a confidence.

    Reads one JSON object per line: {"id", "message", "paths" (optional), "added", "deleted"}; writes
    {"id", "category", "confidence"} per line, in order. A conventional-commit type decides; otherwise the
    subject's leading verb, the message's words and the changed paths vote (docs/heartbeat.md).

    Example:

        cpto classify commits.jsonl --json > classified.jsonl
        git log --format='{"id": "%H", "message": "%s"}' | cpto classify
    """
    from cpto.heartbeat.classify import classify

    del as_json
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
        if why:
            row["why"] = result.why
        out.write(json.dumps(row) + "\n")
    out.flush()


def _count(record: dict[str, Any], key: str, where: str) -> int:
    """A changed-lines count: a whole number, 0 or more (missing means 0)."""
    value = record.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CptoError(f'{where}: "{key}" must be a whole number of lines, 0 or more; got {value!r}')
    return value
