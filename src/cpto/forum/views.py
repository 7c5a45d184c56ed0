"""The forum's pages as HTML, for the server (:mod:`cpto.forum.app`) and the static site alike.

Every page is the report its CLI command prints, rendered by :func:`cpto.report.render_text` (which
escapes everything), inside a navigation bar that says when its data was read, plus the forum's own
escaped parts (Home's list, the review's evidence and verdict buttons, the heartbeat's week picker).
``Links`` decides where links point: the server's paths, or the files of a static site (which has no
forms: a static page cannot write a verdict).

Live and fast: each load looks at the workspace's :class:`DataState` (refs, file stats, the day; a few
milliseconds) and serves the page drawn from that same state when there is one (a page keeps the time
its data was read). A change to the records is drawn on that load. A change to the repositories needs
the index brought up to date first: with ``background`` (the server) the last complete page is served
at once with a line saying the repositories changed and re-indexing is under way, while one thread
indexes and redraws the pages already seen; without it (the static site, scripts) the load indexes and
draws itself.
"""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cpto.errors import CptoError
from cpto.forum import pages
from cpto.history.forge import workspace_forge
from cpto.report.render import render_text
from cpto.workspace.config import WorkspaceConfig

if TYPE_CHECKING:
    import duckdb

    from cpto.report.model import Report
    from cpto.review.prd import Prd
    from cpto.review.trace import RequirementTrace, TraceResult

NAV = (
    ("/", "Home"),
    ("/review", "Product review"),
    ("/roadmap", "Roadmap"),
    ("/heartbeat", "Heartbeat"),
    ("/incidents", "Incidents"),
    ("/decisions", "Decisions"),
    ("/strategy", "Technical strategy"),
    ("/people", "People"),
)
PAGES_KEPT = 64  # pages cached at once (each heartbeat week is one): the oldest drawn goes first
CANDIDATES = 4  # unlinked candidates offered for a verdict per requirement, besides the linked evidence
_CSS = (
    "nav{display:flex;gap:1em;flex-wrap:wrap;padding:.5em 0;border-bottom:1px solid #ccc}"
    "nav .read{margin-left:auto;color:#666}p.live{background:#fff3cd;padding:.4em}form.verdict{display:inline;margin-left:.5em}"
    ".forum li{margin:.2em 0}"
)
_e = html.escape


@dataclass(frozen=True)
class Links:
    """Where a page's links point. ``static``: the files of ``cpto site`` (``review.html``,
    ``heartbeat-2026-W45.html``), so the site opens from a folder or any web server; else the server's
    paths."""

    static: bool = False

    def to(self, path: str) -> str:
        """The link to the forum path ``path`` (with its ``?week=`` and ``#anchor``, if any)."""
        if not self.static:
            return path
        path, _, anchor = path.partition("#")
        path, _, query = path.partition("?")
        name = path.strip("/").replace("/", "-") or "index"
        week = query.removeprefix("week=") if query.startswith("week=") else ""
        return f"{name}{'-' + week if week else ''}.html" + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class DataState:
    """What the pages' data is read from, cheap to look at on every load (about 5 ms on the demo and on
    httpx): each repository's refs and HEAD (``git show-ref --head``), the size and modification time of
    every record, PRD, verdict and deploy-log file and of the index file itself (``cpto github import``
    writes there), and the day (Home, the heartbeat's default week and decision SLAs depend on it)."""

    refs: tuple[bytes, ...]
    files: tuple[tuple[str, int, int], ...]
    day: date


Builder = Callable[[DataState], tuple[str, datetime]]  # draws a page from a state: (HTML, when read)


@dataclass(frozen=True)
class _Page:
    """A page as it was drawn, the state its data was read from, and how to draw it again."""

    state: DataState
    html: str
    read: datetime
    build: Builder


def look(config: WorkspaceConfig) -> DataState:
    """The workspace's :class:`DataState` now (git refs, file stats, today)."""
    from cpto.history.git import run_git
    from cpto.records.alarms import alarms_folder
    from cpto.records.decisions import decisions_folder
    from cpto.records.incidents import incidents_folder
    from cpto.review.service import workspace_prds
    from cpto.review.verdicts import verdicts_path
    from cpto.snapshot.store import snapshots_path

    refs = tuple(run_git(repo, "show-ref", "--head", check=False) for repo in config.repos)
    prds = list(workspace_prds(config))
    index = config.index_path
    paths = [
        *prds,
        *(verdicts_path(p) for p in prds),
        config.roadmap_path,
        config.people_path,
        *([config.deploy_log] if config.deploy_log else []),
        index,
        index.with_name(index.name + ".wal"),
        snapshots_path(config),  # Home's changes since the last snapshot
    ]
    for folder in (decisions_folder(config), incidents_folder(config), alarms_folder(config)):
        for parent, _, names in os.walk(folder):
            paths.extend(Path(parent, n) for n in sorted(names))
    files = []
    for path in paths:
        try:
            stat = path.stat()
            files.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            files.append((str(path), -1, -1))  # absent: its appearing is a change too
    return DataState(refs, tuple(files), datetime.now(config.zone).date())


class Forum:
    """The pages of one workspace. ``commit``: commit each verdict in git, as ``--commit`` does.
    ``background``: when the repositories moved, serve the last complete page (saying so) and re-index
    in a thread, instead of indexing during the load; the server sets it, the static site does not."""

    def __init__(
        self,
        config: WorkspaceConfig,
        commit: bool = True,
        links: Links = Links(),
        *,
        background: bool = False,
    ) -> None:
        self.config = config
        self.commit = commit
        self.links = links
        self.background = background
        self.lock = threading.Lock()  # the index: one writer or one reader at a time in this process
        self.forge = workspace_forge(config)  # each repository's remote, read once
        self._guard = threading.Lock()  # the fields below
        self._pages: dict[tuple[str, ...], _Page] = {}
        self._review: tuple[DataState, TraceResult, list[Prd]] | None = None
        self._indexed: tuple[bytes, ...] | None = None  # the refs the index was last brought to
        self._worded = False  # whether it kept the review's search words then
        self._tried: tuple[bytes, ...] | None = None  # the refs the last background refresh aimed at
        self._changed = datetime.now(config.zone)  # when that refresh saw the repositories move
        self._worker: threading.Thread | None = None

    @contextmanager
    def reading(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, datetime]]:
        """The index brought up to date with the repositories, opened read-only, and when it was read."""
        self._index(look(self.config))
        with self._open() as opened:
            yield opened

    @contextmanager
    def _open(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, datetime]]:
        """The index as it is, opened read-only under the lock (no writer meanwhile), and when."""
        from cpto.history import store

        with self.lock:
            now = datetime.now(self.config.zone)
            with store.open_index(self.config.index_path, read_only=True) as con:
                yield con, now

    def _index(self, state: DataState) -> DataState:
        """Bring the index to ``state``'s refs (a quiet ``cpto index``) unless it is there; the state
        after it (the index file changed), still naming the refs indexed."""
        from cpto.history.estate import update_index
        from cpto.review.service import needs_search_words

        if not self.config.repos or (self._indexed == state.refs and self._worded):
            return state  # nothing to do, whatever PRDs there are: no PRD globbing on every page load
        words = needs_search_words(self.config)  # PRDs added while serving need the review's words
        with self.lock:
            if self._indexed == state.refs and (self._worded or not words):
                return state
            update_index(self.config.index_path, self.config.repos, words=words)
            self._indexed, self._worded = state.refs, words
        return replace(look(self.config), refs=state.refs)  # refs moved meanwhile: seen on the next load

    def _serve(self, key: tuple[str, ...], build: Builder) -> str:
        """The page ``key``: as drawn from the current state if it was, else the last complete one while
        a background refresh re-indexes, else drawn now (indexing first when the repositories moved)."""
        state = look(self.config)
        with self._guard:
            hit = self._pages.get(key)
            if hit is not None and hit.state == state:
                return hit.html
            running = self._worker is not None and self._worker.is_alive()
            moved = bool(self.config.repos) and state.refs != self._indexed
            waiting = running or (moved and state.refs != self._tried)
            # served as it is only when drawn before the repositories moved; a records change is drawn now
            if self.background and hit is not None and hit.state.refs != state.refs and waiting:
                if not running:
                    self._start(state)
                return self._banner(hit)
        return self._draw(key, build, state)

    def _draw(self, key: tuple[str, ...], build: Builder, state: DataState) -> str:
        state = self._index(state)
        text, read = build(state)
        with self._guard:
            self._pages.pop(key, None)
            self._pages[key] = _Page(state, text, read, build)
            while len(self._pages) > PAGES_KEPT:
                del self._pages[next(iter(self._pages))]
        return text

    def _banner(self, page: _Page) -> str:
        zone = self.config.zone
        line = (
            f"re-indexing: the repositories changed at {self._changed.astimezone(zone):%H:%M}; this page"
            f" shows data read at {page.read.astimezone(zone):%H:%M}; reload in a moment"
        )
        return page.html.replace("</nav>", f'</nav><p class="live" role="status">{_e(line)}</p>', 1)

    def _start(self, state: DataState, new: dict[tuple[str, ...], Builder] | None = None) -> None:
        """Start the background refresh towards ``state``, drawing the pages ``new`` too (the caller
        holds ``_guard``)."""
        self._tried = state.refs
        self._changed = datetime.now(self.config.zone)
        self._worker = threading.Thread(
            target=self._refresh, args=(state, new or {}), name="cpto-forum-refresh", daemon=True
        )
        self._worker.start()

    def _refresh(self, state: DataState, new: dict[tuple[str, ...], Builder]) -> None:
        """Index, then redraw every page drawn before, so the next loads are fresh and quick. A failure
        is left for the load that draws the page itself to show (it then indexes or draws in place)."""
        try:
            state = self._index(state)
        except CptoError:
            return
        with self._guard:
            stale = [(key, page.build) for key, page in self._pages.items() if page.state != state]
            stale += [(key, build) for key, build in new.items() if key not in self._pages]
        for key, build in stale:
            try:
                self._draw(key, build, state)
            except CptoError:
                continue

    def warm(self) -> None:
        """Index and draw the pages without a week in a background thread (the server's start), so the
        first loads are quick; a page asked for meanwhile waits for the index, then draws itself."""
        with self._guard:
            self._start(look(self.config), self._builders())

    def close(self) -> None:
        """Wait for a background refresh to end (the server's shutdown): an index write is not cut off."""
        with self._guard:
            worker = self._worker
        if worker is not None:
            worker.join()

    def _builders(self) -> dict[tuple[str, ...], Builder]:
        return {
            ("home",): self._home,
            ("review",): self._review_page,
            ("roadmap",): self._roadmap,
            ("heartbeat", ""): lambda state: self._heartbeat(state, None),
            ("incidents",): self._incidents,
            ("decisions",): self._decisions,
            ("people",): self._people,
            ("strategy",): self._strategy,
        }

    def _workspace_review(
        self, con: duckdb.DuckDBPyConnection, state: DataState
    ) -> tuple[TraceResult, list[Prd]]:
        """The product review of ``state``, run once for Home and the review page."""
        kept = self._review
        if kept is not None and kept[0] == state:
            return kept[1], kept[2]
        result, prds = pages.workspace_review(con, self.config)
        self._review = (state, result, prds)
        return result, prds

    def home(self) -> str:
        return self._serve(("home",), self._home)

    def _home(self, state: DataState) -> tuple[str, datetime]:
        with self._open() as (con, now):
            result, prds = self._workspace_review(con, state)
            items = pages.attention(self.config, result, prds, now)
        from cpto.snapshot.changes import home_table

        unknown = pages.attention_unknowns(self.config, prds)
        report = pages.home_report(self.config, items, unknown)
        report.tables = [home_table(self.config)]
        rows = "".join(
            f'<li><a href="{_e(self.links.to(i.page))}">{_e(i.kind)}: {_e(i.what)}</a> ({_e(i.why)})</li>'
            for i in items
        )
        empty = (
            "nothing among what could be judged (see the unknowns above)" if unknown else "nothing: all clear"
        )
        body = (
            f'<section class="forum"><h2>Needs attention</h2><ul>{rows or f"<li>{empty}</li>"}</ul></section>'
        )
        return self.page(report, now, "/", extra=body), now

    def review(self) -> str:
        return self._serve(("review",), self._review_page)

    def _review_page(self, state: DataState) -> tuple[str, datetime]:
        from cpto.review.views import review_report

        with self._open() as (con, now):
            result, prds = self._workspace_review(con, state)
        config = self.config
        report = review_report(
            result,
            repo=", ".join(str(r) for r in config.repos),
            root=config.root,
            prds=prds,
            forge=self.forge,
        )
        body = "".join(self._evidence(t) for t in result.requirements)
        title = "Evidence" if self.links.static else "Evidence and verdicts"
        html = self.page(
            report, now, "/review", extra=f'<section class="forum"><h2>{title}</h2>{body}</section>'
        )
        return html, now

    def _evidence(self, t: RequirementTrace) -> str:
        rid = t.requirement.id
        shown = [link for link in t.links if link.linked]
        shown += [link for link in t.links if not link.linked and link.kind != "file"][:CANDIDATES]
        items = []
        for link in shown:
            url = self.forge(link)
            label = f"{link.kind} {link.ref}" + (" (linked)" if link.linked else " (candidate)")
            ref = f'<a href="{_e(url)}">{_e(label)}</a>' if url else _e(label)
            forms = "" if self.links.static else self._verdict_forms(t.prd, rid, link.ref)
            items.append(f"<li>{ref}{forms}</li>")
        title = f"{rid} {t.requirement.title}"
        return f'<div class="block" id="{_e(rid)}"><h3>{_e(title)}</h3><ul>{"".join(items) or "<li>no evidence</li>"}</ul></div>'

    @staticmethod
    def _verdict_forms(prd: str, rid: str, ref: str) -> str:
        return "".join(
            f'<form class="verdict" method="post" action="/review/verdict">'
            f'<input type="hidden" name="prd" value="{_e(prd)}">'
            f'<input type="hidden" name="requirement" value="{_e(rid)}">'
            f'<input type="hidden" name="ref" value="{_e(ref)}">'
            f'<button name="action" value="{action}">{action}</button></form>'
            for action in ("confirm", "reject")
        )

    def write_verdict(self, prd: str, requirement: str, ref: str, action: str) -> str:
        """Write the verdict as ``cpto review confirm|reject`` does; the requirement's id as the PRD spells it."""
        from cpto.review import verdicts as vd
        from cpto.review.prd import read_prd
        from cpto.review.service import workspace_prds

        if action not in ("confirm", "reject"):
            raise CptoError(f"action {action!r}: confirm or reject")
        paths = [p for p in workspace_prds(self.config) if str(p) == prd]
        if not paths:
            raise CptoError(f"{prd}: not a PRD of this workspace")
        with self.lock:  # one writer: the index reader of a page load must not see half a verdict
            found, req = vd.find_requirement([read_prd(paths[0])], requirement, prd)
            stored = vd.resolve_ref(ref, self.config.repos, self.config.root)
            make = vd.confirm_edit if action == "confirm" else vd.reject_edit
            edit = make(req.id, stored, vd.who_says(self.config, None), datetime.now(self.config.zone), "")
            message = f"review {req.id}: {action} {stored}"
            vd.write_verdicts(
                found.path, edit, root=self.config.root, commit=message if self.commit else None
            )
        # The review the verdict lands on is drawn afresh from an index that has its commit; other
        # pages are drawn again on their next load (the index being current, without a banner).
        self.close()
        self._index(look(self.config))
        with self._guard:
            self._pages.pop(("review",), None)
        return req.id

    def heartbeat(self, week: str | None = None) -> str:
        """The heartbeat of ``week`` (None: the last full week); a bad week is a CptoError."""
        return self._serve(("heartbeat", week or ""), lambda state: self._heartbeat(state, week))

    def _heartbeat(self, state: DataState, week: str | None) -> tuple[str, datetime]:
        with self._open() as (con, now):
            report = pages.heartbeat_page(con, self.config, week, now, forge=self.forge)
        picker = (
            ""
            if self.links.static
            else '<form method="get" action="/heartbeat" class="forum"><label>Week '
            f'<input name="week" placeholder="2026-W45" value="{_e(week or "")}"></label>'
            "<button>show</button></form>"
        )
        return self.page(report, now, "/heartbeat", before=picker), now

    def roadmap(self) -> str:
        return self._serve(("roadmap",), self._roadmap)

    def _roadmap(self, state: DataState) -> tuple[str, datetime]:
        with self._open() as (con, now):
            report = pages.roadmap_page(con, self.config, now.date())
        return self.page(report, now, "/roadmap"), now

    def incidents(self) -> str:
        return self._serve(("incidents",), self._incidents)

    def _incidents(self, state: DataState) -> tuple[str, datetime]:
        """The shared timeline (incident events, deploys, decisions), then every incident."""
        from cpto.records.timeline import workspace_timeline
        from cpto.records.views import timeline_report

        if self.config.repos:
            with self._open() as (con, now):
                moments, missing = workspace_timeline(con, self.config)
        else:
            now = datetime.now(self.config.zone)
            moments, missing = workspace_timeline(None, self.config)
        report = pages.incidents_page(self.config)
        timeline = timeline_report(moments, missing)
        report.title = "Incidents and the shared timeline"
        report.tables = [*timeline.tables, *report.tables]
        report.notes = [*timeline.notes, *report.notes]
        return self.page(report, now, "/incidents"), now

    def decisions(self) -> str:
        return self._serve(("decisions",), self._decisions)

    def _decisions(self, state: DataState) -> tuple[str, datetime]:
        now = datetime.now(self.config.zone)  # records only: the index is not read
        return self.page(pages.decisions_page(self.config, now), now, "/decisions"), now

    def people(self) -> str:
        return self._serve(("people",), self._people)

    def _people(self, state: DataState) -> tuple[str, datetime]:
        with self._open() as (con, now):
            report = pages.people_page(con, self.config)
        return self.page(report, now, "/people"), now

    def strategy(self) -> str:
        return self._serve(("strategy",), self._strategy)

    def _strategy(self, state: DataState) -> tuple[str, datetime]:
        from cpto.strategy.views import strategy_page

        with self._open() as (con, now):
            report = strategy_page(con, self.config, now)
        return self.page(report, now, "/strategy"), now

    def page(self, report: Report, now: datetime, here: str, *, before: str = "", extra: str = "") -> str:
        """``report`` as the HTML renderer draws it, with the navigation bar, when its data was read, and
        the forum's own escaped parts (``before`` the report, ``extra`` after it)."""
        links = "".join(
            f'<a href="{_e(self.links.to(path))}"{" aria-current=page" if path == here else ""}>{_e(name)}</a>'
            for path, name in NAV
        )
        nav = f'<nav>{links}<span class="read">data read {now:%Y-%m-%d %H:%M:%S %Z}</span></nav>'
        text = render_text(report, "html")
        text = text.replace("</style>", _CSS + "</style>", 1)
        text = text.replace("<body>", f"<body>{nav}{before}", 1)
        return text.replace("</body>", f"{extra}</body>", 1)
