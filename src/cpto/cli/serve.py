"""``cpto serve``: the forum, a local web page per report, behind a token."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import WorkspaceOpt, say
from cpto.errors import CptoError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    workspace: WorkspaceOpt = Path("."),
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on. Anything but loopback needs --token.")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="CPTO_TOKEN",
            help="The token every request must carry. Default: a new random one, printed in the start URL.",
        ),
    ] = None,
    commit: Annotated[
        bool,
        typer.Option("--commit/--no-commit", help="Commit each confirm/reject made on the pages in git."),
    ] = True,
) -> None:
    """The forum: product review, roadmap, heartbeat (any week), incidents, decisions and people as web
    pages, the same reports the commands print, and a home page of what needs attention now (open stop
    cords, decisions past their SLA, requirements at risk against their PRD's target, this week's
    incidents). On the product review, confirm or reject each candidate piece of evidence: the verdict is
    written (and committed) as cpto review confirm|reject writes it.

    Each page load indexes what the repositories gained first, and says when its data was read.

    Security: listens on 127.0.0.1 only; every request needs the token (printed once in the start URL on
    standard error, never written to disk; opening that URL sets a cookie), or an Authorization: Bearer
    header; forms are accepted only from the forum's own pages. Another --host needs an explicit --token
    (or CPTO_TOKEN).

    Example:

        cpto serve --workspace acme

        cpto serve --port 9000 --no-commit

        CPTO_TOKEN=s3cret cpto serve --host 0.0.0.0

        curl -H "Authorization: Bearer s3cret" http://127.0.0.1:8765/heartbeat?week=2026-W45
    """
    if host not in LOOPBACK and not token:
        raise CptoError(
            f"--host {host} shares the forum beyond this machine: give --token (or CPTO_TOKEN) too"
        )
    import secrets

    import uvicorn

    from cpto.forum.app import create_app
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    chosen = token or secrets.token_urlsafe(24)
    app = create_app(config, chosen, commit=commit)
    shown = f"[{host}]" if ":" in host else host
    if token:  # the user's own token is never printed: they know it
        say(f"cpto forum for {config.name}: http://{shown}:{port}/?token=<your token>")
    else:
        say(f"cpto forum for {config.name}: http://{shown}:{port}/?token={chosen}")
    os.environ.pop("CPTO_TOKEN", None)  # not handed down to git or anything else the forum runs
    uvicorn.run(app, host=host, port=port, log_level="warning")
