"""The forum's web app: one page per report, behind a token, on the loopback interface by default.

Every page is the report its CLI command prints, rendered by :func:`cpto.report.render_text` (which
escapes everything), with a navigation bar added around it. Each page load first indexes whatever the
repositories gained since the last one, so the page is as live as the CLI; a lock keeps one reader of the
index at a time (DuckDB allows one writer per process). The only writes are the product review's
confirm/reject verdicts, made by the same library calls as ``cpto review confirm|reject``.
"""

from __future__ import annotations

import html
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from cpto.errors import CptoError
from cpto.forum import pages
from cpto.report.render import render_text
from cpto.workspace.config import WorkspaceConfig

if TYPE_CHECKING:
    import duckdb

    from cpto.report.model import Report
    from cpto.review.trace import RequirementTrace

COOKIE = "cpto_token"
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


class _Guard(BaseHTTPMiddleware):
    """Every request needs the token (cookie, bearer header, or ``?token=`` once); a POST also needs to
    come from a page of this server (its Origin, else its Referer, names this host)."""

    def __init__(self, app: Callable[..., Awaitable[None]], token: str) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.query_params.get("token")
        if given is not None and secrets.compare_digest(given, self.token):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
            return response
        if not self._allowed(request):
            return PlainTextResponse("401: open the URL cpto serve printed (it holds the token)\n", 401)
        if request.method not in ("GET", "HEAD") and not _same_origin(request):
            return PlainTextResponse("403: this form was not sent from a page of this server\n", 403)
        return await call_next(request)

    def _allowed(self, request: Request) -> bool:
        bearer = request.headers.get("authorization", "")
        candidates = [
            request.cookies.get(COOKIE, ""),
            bearer[7:] if bearer.lower().startswith("bearer ") else "",
        ]
        return any(c and secrets.compare_digest(c, self.token) for c in candidates)


def _same_origin(request: Request) -> bool:
    """True when the request's Origin (else Referer) has this server's host and port."""
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    host = request.headers.get("host", "")
    return bool(source) and source != "null" and urlsplit(source).netloc == host


class Forum:
    """The pages of one workspace. ``commit``: commit each verdict in git, as ``--commit`` does."""

    def __init__(self, config: WorkspaceConfig, commit: bool = True) -> None:
        self.config = config
        self.commit = commit
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

    def home(self, request: Request) -> Response:
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
            f'<li><a href="{_e(i.page)}">{_e(i.kind)}: {_e(i.what)}</a> ({_e(i.why)})</li>' for i in items
        )
        body = f'<section class="forum"><h2>Needs attention</h2><ul>{rows or "<li>nothing: all clear</li>"}</ul></section>'
        return self.page(report, now, "/", extra=body)

    def review(self, request: Request) -> Response:
        with self.reading() as (con, now):
            report, result, _ = pages.review_page(con, self.config)
        body = "".join(self._evidence(t) for t in result.requirements)
        return self.page(
            report,
            now,
            "/review",
            extra=f'<section class="forum"><h2>Evidence and verdicts</h2>{body}</section>',
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
            forms = "".join(
                f'<form class="verdict" method="post" action="/review/verdict">'
                f'<input type="hidden" name="prd" value="{_e(t.prd)}">'
                f'<input type="hidden" name="requirement" value="{_e(rid)}">'
                f'<input type="hidden" name="ref" value="{_e(link.ref)}">'
                f'<button name="action" value="{action}">{action}</button></form>'
                for action in ("confirm", "reject")
            )
            items.append(f"<li>{ref}{forms}</li>")
        title = f"{rid} {t.requirement.title}"
        return f'<div class="block" id="{_e(rid)}"><h3>{_e(title)}</h3><ul>{"".join(items) or "<li>no evidence</li>"}</ul></div>'

    async def verdict(self, request: Request) -> Response:
        body = await request.body()  # the pages' forms are url-encoded; no multipart parser needed
        if len(body) > 16_384:
            return PlainTextResponse("413: form too large\n", 413)
        form = parse_qs(body.decode("utf-8", "replace"))
        fields = {k: (form.get(k) or [""])[0] for k in ("prd", "requirement", "ref", "action")}
        try:
            rid = self._write_verdict(**fields)
        except CptoError as exc:
            return PlainTextResponse(f"cpto: error: {exc.message}\n", 400)
        return RedirectResponse(f"/review#{rid}", status_code=303)

    def _write_verdict(self, prd: str, requirement: str, ref: str, action: str) -> str:
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

    def heartbeat(self, request: Request) -> Response:
        week = request.query_params.get("week") or None
        try:
            with self.reading() as (con, now):
                report = pages.heartbeat_page(con, self.config, week, now)
        except CptoError as exc:
            return PlainTextResponse(f"cpto: error: {exc.message}\n", 400)
        picker = (
            '<form method="get" action="/heartbeat" class="forum"><label>Week '
            f'<input name="week" placeholder="2026-W45" value="{_e(week or "")}"></label>'
            "<button>show</button></form>"
        )
        return self.page(report, now, "/heartbeat", before=picker)

    def roadmap(self, request: Request) -> Response:
        with self.reading() as (con, now):
            report = pages.roadmap_page(con, self.config, now.date())
        return self.page(report, now, "/roadmap")

    def incidents(self, request: Request) -> Response:
        now = datetime.now(self.config.zone)  # records and git only: no index to bring up to date
        report = pages.incidents_page(self.config)
        return self.page(report, now, "/incidents")

    def decisions(self, request: Request) -> Response:
        now = datetime.now(self.config.zone)  # records only: no index to bring up to date
        report = pages.decisions_page(self.config, now)
        return self.page(report, now, "/decisions")

    def people(self, request: Request) -> Response:
        with self.reading() as (con, now):
            report = pages.people_page(con, self.config)
        return self.page(report, now, "/people")

    def page(
        self, report: Report, now: datetime, here: str, *, before: str = "", extra: str = ""
    ) -> HTMLResponse:
        """``report`` as the HTML renderer draws it, with the navigation bar, when its data was read, and
        the forum's own escaped parts (``before`` the report, ``extra`` after it)."""
        links = "".join(
            f'<a href="{path}"{" aria-current=page" if path == here else ""}>{_e(name)}</a>'
            for path, name in NAV
        )
        nav = f'<nav>{links}<span class="read">data read {now:%Y-%m-%d %H:%M:%S %Z}</span></nav>'
        text = render_text(report, "html")
        text = text.replace("</style>", _CSS + "</style>", 1)
        text = text.replace("<body>", f"<body>{nav}{before}", 1)
        text = text.replace("</body>", f"{extra}</body>", 1)
        return HTMLResponse(text)


def create_app(config: WorkspaceConfig, token: str, *, commit: bool = True) -> Starlette:
    """The forum of ``config``'s workspace; every request needs ``token``."""
    if not token:
        raise CptoError("the forum needs a token")
    forum = Forum(config, commit=commit)
    routes = [
        Route("/", forum.home),
        Route("/review", forum.review),
        Route("/review/verdict", forum.verdict, methods=["POST"]),
        Route("/roadmap", forum.roadmap),
        Route("/heartbeat", forum.heartbeat),
        Route("/incidents", forum.incidents),
        Route("/decisions", forum.decisions),
        Route("/people", forum.people),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_Guard, token=token)])
