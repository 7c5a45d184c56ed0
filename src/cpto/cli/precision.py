"""``cpto precision``: how precise a text or a decision thread is, and what would make it precise."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cpto.cli.options import (
    Format,
    FormatOpt,
    OutputOpt,
    WorkspaceOpt,
    chosen_format,
    emit,
    read_json_lines,
)
from cpto.errors import CptoError

if TYPE_CHECKING:  # the model compiles its patterns on import: only commands that use it pay
    from cpto.language.precision import Context


def register(app: typer.Typer) -> None:
    app.command("precision")(precision_command)


def precision_command(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="A text or Markdown file, or with --json a JSON Lines file (default: standard input)."
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='JSON Lines in ({"id", "text"} per line) and out ({"id", "score", "findings"}), as'
            " ../shared/data/CONTRACTS.md fixes them; with --decisions, the report as JSON.",
        ),
    ] = False,
    decisions: Annotated[
        bool,
        typer.Option(
            "--decisions",
            help="Score the discussions in the workspace's decision records per person and pair.",
        ),
    ] = False,
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """Score how precise language is (1.0 = precise) and list every vague phrase with a suggestion.

    Precise disagreement names features, components, dates and costs; vague disagreement says "too
    risky", "no bandwidth", "customers need this". Names the workspace knows (PRD titles, requirement
    ids, roadmap items, repository paths, people) count as precise, and so does a rounded number
    ("roughly 300 controls", "about 2 seconds").

    With --decisions, a person, a pair or a month is scored only from 10 remarks on; under that the
    report says "too few remarks to score (N of 10)" (JSON: null with a reason). [privacy]
    person_scores = false in cpto.toml leaves per-person and per-pair scores out of every format.

    Example:

        cpto precision notes.md
        cpto precision --json < texts.jsonl > scored.jsonl
        cpto precision --decisions --workspace acme
        cpto precision --decisions --format markdown -o precision.md
    """
    from cpto.language.context import workspace_context
    from cpto.workspace import load_workspace

    if decisions and source is not None:
        raise CptoError("--decisions reads the workspace's decision records; give no file with it")
    config = load_workspace(workspace)
    context = workspace_context(config, components=decisions or not as_json)  # JSON Lines: no tree walk
    if decisions:
        _decisions(
            config.decisions, config.root, config.person_scores, context, chosen_format(fmt, as_json), output
        )
    elif as_json:
        _json_lines(source, context, output)
    else:
        _text(source, context, fmt, output)


def _json_lines(source: Path | None, context: Context, output: Path | None) -> None:
    """Stream one scored row per input row to standard output, or write them all to ``output`` at once."""
    from cpto.fsutil import atomic_write_text
    from cpto.language.precision import assess

    rows = []
    for name, number, record in _json_rows(source):
        if not isinstance(record.get("text"), str):
            raise CptoError(f'{name}:{number}: "text" must be a string')
        result = assess(record["text"], context)
        findings = [
            {"start": f.start, "end": f.end, "text": f.text, "kind": f.kind, "suggestion": f.suggestion}
            for f in result.findings
        ]
        row = json.dumps({"id": record["id"], "score": result.score, "findings": findings}) + "\n"
        if output is None:
            sys.stdout.write(row)
        else:
            rows.append(row)
    if output is None:
        sys.stdout.flush()
    else:
        atomic_write_text(output, "".join(rows))


def _json_rows(source: Path | None) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """The JSON Lines rows, with a hint when the first one shows a text file was given with --json."""
    first = True
    try:
        for row in read_json_lines(source, "text"):
            first = False
            yield row
    except CptoError as exc:
        if source is None or not first or ": not JSON (" not in str(exc):
            raise
        raise CptoError(
            f'{exc}; --json reads JSON Lines ({{"id", "text"}} per line): for a JSON report of a text'
            f" or Markdown file use cpto precision {source} --format json"
        ) from None


def _text(source: Path | None, context: Context, fmt: Format, output: Path | None) -> None:
    from cpto.language.precision import assess
    from cpto.language.views import text_report
    from cpto.workspace.markdown import read_text

    name = "<stdin>" if source is None else str(source)
    text = sys.stdin.read() if source is None else read_text(source, "UTF-8")
    emit(text_report(name, text, assess(text, context)), fmt, output)


def _decisions(
    folder: Path | None, root: Path, person_scores: bool, context: Context, fmt: Format, output: Path | None
) -> None:
    from cpto.language.threads import score_threads
    from cpto.language.views import threads_report
    from cpto.records.decisions import read_decisions

    found = read_decisions(folder) if folder is not None and folder.is_dir() else None
    shown = _shown(folder, root) if folder is not None else "decisions"
    report = threads_report(
        score_threads(found or [], context),
        folder=shown,
        decisions=None if found is None else len(found),
        person_scores=person_scores,
    )
    emit(report, fmt, output)


def _shown(folder: Path, root: Path) -> str:
    """The folder as the user would type it: relative to the workspace when it is inside."""
    try:
        return folder.resolve().relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        return str(folder)
