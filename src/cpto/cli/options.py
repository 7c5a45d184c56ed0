"""The conventions every reporting command shares: --workspace, --format, --json, --output, --quiet."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cpto.errors import CptoError

if TYPE_CHECKING:
    from rich.console import Console

    from cpto.report import Report


class Format(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"
    html = "html"


WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="Workspace folder (holds cpto.toml).", show_default="current folder"
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the report to this file (atomically) instead of standard output."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or notes on standard error.")]
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="Only the commits of this people.yaml team's people (by their emails, aliases and names).",
    ),
]


@cache
def stderr_console() -> Console:
    """Rich's console on standard error, made on first use: importing Rich is kept out of start-up."""
    from rich.console import Console

    return Console(stderr=True)


def __getattr__(name: str) -> Any:
    """``options.stderr``, the console on standard error, made when first asked for."""
    if name == "stderr":
        return stderr_console()
    raise AttributeError(name)


def chosen_format(fmt: Format, as_json: bool) -> Format:
    """``--json`` wins over ``--format``."""
    return Format.json if as_json else fmt


def emit(report: Report, fmt: Format, output: Path | None = None) -> None:
    """Show ``report`` in ``fmt``: on standard output, or written atomically to ``output``."""
    from rich.console import Console

    from cpto.fsutil import atomic_write_text
    from cpto.report import render_text
    from cpto.report.render import json_chunks, render_terminal

    if fmt is Format.terminal:
        if output is None:
            render_terminal(report, Console())
            return
        buffer = io.StringIO()
        render_terminal(report, Console(file=buffer, width=120, no_color=True))
        text = buffer.getvalue()
    elif fmt is Format.json:
        chunks = json_chunks(report)  # written as it is encoded: a large review never sits whole in memory
        if output is not None:
            atomic_write_text(output, chunks)
            return
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    else:
        text = render_text(report, fmt.value)
    if output is not None:
        atomic_write_text(output, text)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


AtOpt = Annotated[
    str | None, typer.Option("--at", help="When it happened (2026-11-03T16:00, UTC unless a zone is given).")
]
CommitOpt = Annotated[
    bool, typer.Option("--commit", help="Record the change in a git commit of that file alone.")
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Handle of who says so. Default: your git identity (as people.yaml maps it)."),
]


def dispatching_command(sub: typer.Typer, names: Sequence[str], epilog: str) -> type[Any]:
    """A command class that stays one command (``cpto review [PRD ...]``) unless its first argument
    names one of ``names``; then it hands the arguments to ``sub``'s commands (``cpto review confirm
    ...``). A file called like one is still reachable as ``./confirm``. ``epilog`` closes its --help."""
    import typer.main
    from typer.core import TyperCommand, TyperGroup

    built: list[TyperGroup] = []

    def group() -> TyperGroup:
        if not built:
            made = typer.main.get_group(sub)
            assert isinstance(made, TyperGroup)
            built.append(made)
        return built[0]

    class Dispatching(TyperCommand):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["epilog"] = kwargs.get("epilog") or epilog
            super().__init__(*args, **kwargs)

        def make_context(
            self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
        ) -> Any:
            if args and args[0] in names:
                return group().make_context(info_name, args, parent=parent, **extra)
            return super().make_context(info_name, args, parent=parent, **extra)

    return Dispatching


def parse_at(value: str | None) -> datetime:
    """``--at`` for writing commands: a time in the record's format, or now."""
    from cpto.records.times import parse_time

    moment = parse_time(value, "--at") if value else None
    return moment or datetime.now(UTC)


def say(message: str) -> None:
    """What a writing command did, on standard error so standard output stays clean for pipes.

    Messages name records, files and people, other people's text: they are printed as ``Text`` (no
    Rich markup or emoji codes read in them) with their control characters shown, not obeyed, so a
    title holding an escape sequence cannot clear the screen or retitle the window (``printable``).
    """
    from rich.text import Text

    from cpto.report.model import printable

    stderr_console().print(Text(printable(message)), highlight=False, soft_wrap=True)


def read_json_lines(source: Path | None, field: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(source name, line number, object) for each non-blank line of a JSON Lines file or stdin.

    Each object must have "id" and ``field``; anything else is a one-line error naming the line: not
    JSON, JSON nested deeper than Python's parser goes (about a thousand levels), a number too long to
    read, text that is not UTF-8.
    """
    name = "<stdin>" if source is None else str(source)
    try:
        stream = sys.stdin if source is None else source.open(encoding="utf-8")
    except OSError as exc:
        raise CptoError(f"{source}: cannot read: {exc.strerror}") from None
    try:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CptoError(f"{name}:{number}: not JSON ({exc.msg})") from None
            except RecursionError:
                raise CptoError(f"{name}:{number}: JSON nested too deeply") from None
            except ValueError as exc:  # a number of more than 4300 digits, which Python will not read
                raise CptoError(
                    f"{name}:{number}: not JSON cpto can read ({str(exc).split(':')[0]})"
                ) from None
            if not isinstance(record, dict) or "id" not in record:
                raise CptoError(f'{name}:{number}: expected an object with "id" and "{field}"')
            yield name, number, record
    except UnicodeDecodeError as exc:
        raise CptoError(f"{name}: not UTF-8 text ({exc.reason})") from None
    finally:
        if source is not None:
            stream.close()
