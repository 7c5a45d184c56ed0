"""The ``cpto`` command line: a thin Typer layer over the library.

Commands parse options, call library functions and hand the result to a renderer. Errors the user can
act on (``CptoError``) become one line on standard error and exit code 2; nothing shows a traceback.
"""

from __future__ import annotations

import sys

import typer

from cpto import __version__
from cpto.cli import (
    actions,
    alarm,
    check,
    classify,
    decision,
    demo,
    github,
    heartbeat,
    history,
    incident,
    init,
    lint,
    people,
    precision,
    review,
    roadmap,
    serve,
    site,
    snapshot,
    strategy,
)
from cpto.errors import CptoError

app = typer.Typer(
    name="cpto",
    help=(
        "One evidence-backed picture of product, design and engineering, read from git, PRDs and plain-text"
        " records.\n\n"
        "Try it on a demo workspace:\n\n"
        "    cpto demo acme && cd acme && cpto review\n\n"
        "Every reporting command takes --workspace DIR, --format terminal|markdown|json|html and --json.\n"
        "Exit codes: 0 success, 1 a --fail-under gate rejected the result, 2 bad input."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cpto {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """cpto: product, design and engineering on the same evidence."""


demo.register(app)
history.register(app)
review.register(app)
people.register(app)
decision.register(app)
incident.register(app)
roadmap.register(app)
check.register(app)
heartbeat.register(app)
classify.register(app)
alarm.register(app)
lint.register(app)
precision.register(app)
actions.register(app)
init.register(app)
github.register(app)
snapshot.register(app)
strategy.register(app)
serve.register(app)
site.register(app)


def main() -> None:
    """Entry point: run the app and turn every expected failure into a one-line message."""
    try:
        app()
    except CptoError as exc:
        from cpto.report.model import printable  # a message quotes file names and content: show, not obey

        typer.echo(f"cpto: error: {printable(exc.message)}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
