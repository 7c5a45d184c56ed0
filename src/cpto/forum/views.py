"""The forum's pages as HTML, for the server (:mod:`cpto.forum.app`) and the static site alike.

Every page is the report its CLI command prints, rendered by :func:`cpto.report.render_text` (which
escapes everything), inside a navigation bar that says when its data was read, plus the forum's own
escaped parts (Home's list, the review's evidence and verdict buttons, the heartbeat's week picker).
``Links`` decides where links point: the server's paths, or the files of a static site (which has no
forms: a static page cannot write a verdict).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cpto.errors import CptoError
from cpto.forum import pages
from cpto.report.render import render_text
from cpto.workspace.config import WorkspaceConfig

if TYPE_CHECKING:
    import duckdb

    from cpto.report.model import Report
    from cpto.review.trace import RequirementTrace

NAV = (
    ("/", "Home"),
    ("/review", "Product review"),
    ("/roadmap", "Roadmap"),
    ("/heartbeat", "Heartbeat"),
    ("/incidents", "Incidents"),
    ("/decisions", "Decisions"),
    ("/people", "People"),
)
CANDIDATES = 4  # unlinked candidates offered for a verdict per requirement, besides the linked evidence
_CSS = (
    "nav{display:flex;gap:1em;flex-wrap:wrap;padding:.5em 0;border-bottom:1px solid #ccc}"
    "nav .read{margin-left:auto;color:#666}form.verdict{display:inline;margin-left:.5em}"
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


class Forum:
    """The pages of one workspace. ``commit``: commit each verdict in git, as ``--commit`` does."""

    def __init__(self, config: WorkspaceConfig, commit: bool = True, links: Links = Links()) -> None:
        self.config = config
        self.commit = commit
        self.links = links
        self.lock = threading.Lock()
        self.remotes = pages.workspace_remotes(config)

    @contextmanager
    def reading(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, datetime]]:
        """The index brought up to date with the repositories, opened read-only, and when it was read."""
        from cpto.cli.history import run_index
        from cpto.history import store

        with self.lock:
            if self.config.repos:
                run_index(self.config.index_path, self.config.repos, jobs=None, quiet=True)
            now = datetime.now(self.config.zone)
            with store.open_index(self.config.index_path, read_only=True) as con:
                yield con, now

    def home(self) -> str:
        with self.reading() as (con, now):
            result, prds = pages.workspace_review(con, self.config)
            items = pages.attention(self.config, result, prds, now)
        from cpto.report.model import Report

        kinds = ("stop cord", "decision", "requirement", "incident")
        report = Report(
            title=f"{self.config.name}: what needs attention",
            facts=[(k + "s", sum(1 for i in items if i.kind == k)) for k in kinds],
        )
        rows = "".join(
            f'<li><a href="{_e(self.links.to(i.page))}">{_e(i.kind)}: {_e(i.what)}</a> ({_e(i.why)})</li>'
            for i in items
        )
        body = f'<section class="forum"><h2>Needs attention</h2><ul>{rows or "<li>nothing: all clear</li>"}</ul></section>'
        return self.page(report, now, "/", extra=body)

    def review(self) -> str:
        with self.reading() as (con, now):
            report, result, _ = pages.review_page(con, self.config)
        body = "".join(self._evidence(t) for t in result.requirements)
        title = "Evidence" if self.links.static else "Evidence and verdicts"
        return self.page(
            report, now, "/review", extra=f'<section class="forum"><h2>{title}</h2>{body}</section>'
        )

    def _evidence(self, t: RequirementTrace) -> str:
        rid = t.requirement.id
        shown = [link for link in t.links if link.linked]
        shown += [link for link in t.links if not link.linked and link.kind != "file"][:CANDIDATES]
        items = []
        for link in shown:
            url = pages.forge_url(link, self.remotes)
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
        return req.id

    def heartbeat(self, week: str | None = None) -> str:
        """The heartbeat of ``week`` (None: the last full week); a bad week is a CptoError."""
        with self.reading() as (con, now):
            report = pages.heartbeat_page(con, self.config, week, now)
        picker = (
            ""
            if self.links.static
            else '<form method="get" action="/heartbeat" class="forum"><label>Week '
            f'<input name="week" placeholder="2026-W45" value="{_e(week or "")}"></label>'
            "<button>show</button></form>"
        )
        return self.page(report, now, "/heartbeat", before=picker)

    def roadmap(self) -> str:
        with self.reading() as (con, now):
            report = pages.roadmap_page(con, self.config, now.date())
        return self.page(report, now, "/roadmap")

    def incidents(self) -> str:
        now = datetime.now(self.config.zone)  # records and git only: no index to bring up to date
        return self.page(pages.incidents_page(self.config), now, "/incidents")

    def decisions(self) -> str:
        now = datetime.now(self.config.zone)  # records only: no index to bring up to date
        return self.page(pages.decisions_page(self.config, now), now, "/decisions")

    def people(self) -> str:
        with self.reading() as (con, now):
            report = pages.people_page(con, self.config)
        return self.page(report, now, "/people")

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
