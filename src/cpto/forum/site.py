"""``cpto site DIR``: the forum's pages as a folder of HTML files, to attach, host or commit.

The pages are the server's own (:class:`cpto.forum.views.Forum` with ``Links(static=True)``): the same
reports, the same escaping, links to ``review.html`` instead of ``/review`` and no forms (a file cannot
write a verdict). A static site has no week picker, so each heartbeat page gets a list of the weeks the
site holds instead.

Writing is careful because DIR is any folder the user names, possibly outside the workspace: every page
is drawn in memory before the first file is written (a failing page writes nothing), each file is
written atomically, and a folder that is not empty is written into only when it holds the marker a
previous ``cpto site`` left, so re-running updates a site but never mixes pages into an unrelated folder.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from cpto.errors import CptoError
from cpto.workspace.config import WorkspaceConfig

MARKER = ".cpto-site"  # lists the pages a site wrote, one a line, so a re-run knows the folder is its own
WEEKS = 8
MAX_WEEKS = 104  # two years of heartbeats is an archive; more is almost surely a typo
_PAGE = re.compile(r"^[A-Za-z0-9-]+\.html$", re.ASCII)  # the only names a re-run will remove
_MARKER_HEAD = "cpto site: the pages below were written by cpto site; it rewrites this folder"


def write_site(
    config: WorkspaceConfig,
    folder: Path,
    *,
    weeks: int = WEEKS,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the forum's pages into ``folder`` and return the files written (pages first, the marker last).

    Pages: ``index.html`` (Home), ``review.html``, ``roadmap.html``, ``heartbeat.html`` (the last full
    week), ``heartbeat-<ISO week>.html`` for the last ``weeks`` full weeks, ``incidents.html``,
    ``decisions.html``, ``strategy.html``, ``people.html``. ``progress`` is told each page's file name before it is drawn.
    Pages a previous run wrote and this one does not (older heartbeat weeks) are removed.
    """
    from cpto.forum.views import Forum, Links
    from cpto.heartbeat.week import iso_week, week_start

    if not 1 <= weeks <= MAX_WEEKS:
        raise CptoError(f"--weeks {weeks}: give 1 to {MAX_WEEKS} weeks of heartbeat")
    previous = _check_folder(folder)
    forum = Forum(config, commit=False, links=Links(static=True))
    last = week_start(None, datetime.now(config.zone).date(), config.zone)
    names = [iso_week(last - timedelta(weeks=i)) for i in range(weeks)]
    draw: list[tuple[str, Callable[[], str]]] = [
        ("index.html", forum.home),
        ("review.html", forum.review),
        ("roadmap.html", forum.roadmap),
        ("heartbeat.html", forum.heartbeat),
        *((f"heartbeat-{w}.html", partial(forum.heartbeat, w)) for w in names),
        ("incidents.html", forum.incidents),
        ("decisions.html", forum.decisions),
        ("strategy.html", forum.strategy),
        ("people.html", forum.people),
    ]
    pages: dict[str, str] = {}
    for name, page in draw:
        if progress is not None:
            progress(name)
        text = page()
        if name.startswith("heartbeat"):
            here = (
                names[0]
                if name == "heartbeat.html"
                else name.removeprefix("heartbeat-").removesuffix(".html")
            )
            text = _with_weeks(text, names, here)
        pages[name] = text
    return _write(folder, pages, previous)


def _check_folder(folder: Path) -> set[str]:
    """The pages a previous site in ``folder`` wrote (empty for a new or empty folder); a one-line error
    when ``folder`` is a file, or holds anything but a cpto site."""
    if not folder.exists():
        if folder.is_symlink():
            raise CptoError(f"{folder}: a link to a folder that does not exist; give a real folder")
        return set()
    if not folder.is_dir():
        raise CptoError(f"{folder}: not a folder; give a new or empty folder, or a previous cpto site")
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise CptoError(f"{folder}: cannot read the folder: {exc.strerror or exc}") from None
    if not entries:
        return set()
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        raise CptoError(
            f"{folder}: not empty and not a cpto site (no {MARKER}); give a new or empty folder,"
            " nothing was written"
        )
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CptoError(f"{marker}: cannot read the site's marker: {exc}") from None
    return {line.strip() for line in lines if _PAGE.match(line.strip())}


def _with_weeks(page: str, weeks: list[str], here: str) -> str:
    """``page`` with a list of the site's heartbeat weeks under its navigation bar (the server's week
    picker is a form, which a static page cannot have)."""
    links = " ".join(
        f"<span aria-current=page>{html.escape(w)}</span>"
        if w == here
        else f'<a href="heartbeat-{html.escape(w)}.html">{html.escape(w)}</a>'
        for w in weeks
    )
    part = f'<p class="forum weeks">Heartbeat weeks: {links}</p>'
    body = page.find("<body>")
    end = page.find("</nav>", body)
    if body < 0 or end < 0:  # the page layout changed: better no list than a list in the wrong place
        return page
    end += len("</nav>")
    return page[:end] + part + page[end:]


def _write(folder: Path, pages: dict[str, str], previous: set[str]) -> list[Path]:
    """Write the marker first (so a run stopped half-way leaves a folder the next run may update), then
    each page atomically, then remove the pages of the last run that this one did not write."""
    from cpto.fsutil import atomic_write_text

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CptoError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None
    marker = folder / MARKER
    listed = sorted(previous | set(pages))
    atomic_write_text(marker, "\n".join([_MARKER_HEAD, *listed]) + "\n", workspace=folder)
    written = []
    for name, text in pages.items():
        path = folder / name
        atomic_write_text(path, text, workspace=folder)  # a link out of the folder is refused
        written.append(path)
    for name in sorted(previous - set(pages)):
        stale = folder / name
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
    atomic_write_text(marker, "\n".join([_MARKER_HEAD, *pages]) + "\n", workspace=folder)
    return [*written, marker]
