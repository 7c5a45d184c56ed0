"""The forum's web app: the pages of :mod:`cpto.forum.views` behind a token, on loopback by default.

Pages are live and quick: each load serves the page drawn from the workspace's current state, or, when
the repositories moved, the last complete page with a line saying so while a background thread
re-indexes (:class:`cpto.forum.views.Forum`). Start-up indexes and draws the pages in that thread; shutdown
waits for it, so an index write is never cut off. The only writes are the product review's confirm/reject verdicts, made by the same library
calls as ``cpto review confirm|reject``.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from cpto.errors import CptoError
from cpto.forum.views import Forum
from cpto.workspace.config import WorkspaceConfig

COOKIE = "cpto_token"


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


def _routes(forum: Forum) -> list[Route]:
    """The server's routes: each page of :class:`Forum` as HTML, and the verdict form's POST."""

    def show(make: Callable[[], str]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            try:
                return HTMLResponse(make())
            except CptoError as exc:  # a record or PRD the page cannot read: its one line
                return PlainTextResponse(f"cpto: error: {exc.message}\n", 500)

        return endpoint

    def heartbeat(request: Request) -> Response:
        try:
            return HTMLResponse(forum.heartbeat(request.query_params.get("week") or None))
        except CptoError as exc:
            return PlainTextResponse(f"cpto: error: {exc.message}\n", 400)

    async def verdict(request: Request) -> Response:
        body = await request.body()  # the pages' forms are url-encoded; no multipart parser needed
        if len(body) > 16_384:
            return PlainTextResponse("413: form too large\n", 413)
        form = parse_qs(body.decode("utf-8", "replace"))
        fields = {k: (form.get(k) or [""])[0] for k in ("prd", "requirement", "ref", "action")}
        try:
            rid = forum.write_verdict(**fields)
        except CptoError as exc:
            return PlainTextResponse(f"cpto: error: {exc.message}\n", 400)
        return RedirectResponse(f"/review#{rid}", status_code=303)

    return [
        Route("/", show(forum.home)),
        Route("/review", show(forum.review)),
        Route("/review/verdict", verdict, methods=["POST"]),
        Route("/roadmap", show(forum.roadmap)),
        Route("/heartbeat", heartbeat),
        Route("/incidents", show(forum.incidents)),
        Route("/decisions", show(forum.decisions)),
        Route("/people", show(forum.people)),
        Route("/strategy", show(forum.strategy)),
    ]


SNAPSHOT_EVERY = 3600.0  # seconds between checks that last week's snapshot is stored


def _weekly_snapshots(forum: Forum, stop: threading.Event) -> None:
    """Take last week's snapshot if it is missing, at start and every hour (cheap when it exists)."""
    from cpto.snapshot.auto import ensure_weekly_snapshot

    log = logging.getLogger("cpto.forum")
    while True:
        try:
            taken = ensure_weekly_snapshot(forum.config, datetime.now(forum.config.zone), lock=forum.lock)
            if taken is not None:
                log.warning("took the weekly snapshot of %s", taken.week)
        except CptoError as exc:  # e.g. `cpto snapshot` writing the file right now: try next hour
            log.warning("weekly snapshot not taken: %s", exc.message)
        if stop.wait(SNAPSHOT_EVERY):
            return


def create_app(config: WorkspaceConfig, token: str, *, commit: bool = True) -> Starlette:
    """The forum of ``config``'s workspace; every request needs ``token``."""
    if not token:
        raise CptoError("the forum needs a token")
    forum = Forum(config, commit=commit, background=True)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        forum.warm()
        stop = threading.Event()
        threading.Thread(
            target=_weekly_snapshots, args=(forum, stop), name="cpto-weekly-snapshot", daemon=True
        ).start()
        yield
        stop.set()
        forum.close()

    app = Starlette(routes=_routes(forum), middleware=[Middleware(_Guard, token=token)], lifespan=lifespan)
    app.state.forum = forum  # its lock is the index's, for whatever else reads the index in this process
    return app
