"""``cpto site DIR``: the forum's pages as a static site (thin over :func:`cpto.forum.site.write_site`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpto.cli.options import QuietOpt, WorkspaceOpt, say


def register(app: typer.Typer) -> None:
    app.command("site")(site_command)


def site_command(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder to write: new, empty, or a site an earlier cpto site wrote."),
    ],
    workspace: WorkspaceOpt = Path("."),
    weeks: Annotated[
        int, typer.Option("--weeks", help="How many full weeks of heartbeat to write, newest first.")
    ] = 8,
    quiet: QuietOpt = False,
) -> None:
    """The forum's pages as a static site: Home (what needs attention), the product review with each
    requirement's evidence, roadmap, heartbeat (the last full week, and one page per week for the last
    --weeks weeks, linked from each other), incidents, decisions and people. The same pages cpto serve
    shows, without the verdict buttons: open DIR/index.html in a browser, attach the folder to a mail,
    put it on any web server or commit it.

    The pages use no scripts, fonts or styles from the internet and link to each other by file name, so
    they work opened straight from the folder. Each page says when its data was read.

    DIR must be new, empty, or a site cpto site wrote before (it holds a .cpto-site file): re-running
    updates it, and any other folder is refused untouched. Every page is drawn before the first is
    written, and each file is written atomically.

    Example:

        cpto site forum-site --workspace acme

        cpto site forum-site --weeks 12

        cpto site ~/acme-site -w acme && xdg-open ~/acme-site/index.html
    """
    from cpto.forum.site import write_site
    from cpto.workspace import load_workspace

    config = load_workspace(workspace)
    if quiet:
        files = write_site(config, directory, weeks=weeks)
    else:
        from cpto.cli.options import stderr_console

        with stderr_console().status("drawing the pages") as status:
            files = write_site(
                config, directory, weeks=weeks, progress=lambda n: status.update(f"drawing {n}")
            )
    pages = [f for f in files if f.suffix == ".html"]
    if not quiet:
        say(f"wrote {len(pages)} pages to {directory}; open {directory / 'index.html'}")
