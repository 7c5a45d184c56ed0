"""``cpto classify``: commits in, R&D investment buckets out (JSON Lines, as CONTRACTS.md fixes them)."""

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
        if not isinstance(record.get("paths") or [], list):
            raise CptoError(f'{name}:{number}: "paths" must be a list of strings')
        result = classify(
            str(record.get("message") or ""),
            [str(p) for p in record.get("paths") or []],
            int(record.get("added") or 0),
            int(record.get("deleted") or 0),
        )
        row: dict[str, Any] = {
            "id": record["id"],
            "category": result.category,
            "confidence": result.confidence,
        }
        if why:
            row["why"] = result.why
        out.write(json.dumps(row) + "\n")
    out.flush()
