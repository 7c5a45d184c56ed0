"""A local GitHub REST API for tests and the request benchmark: no internet needed.

It serves a folder in the import format (``DIR/OWNER/NAME/pulls.json``, ...) the way GitHub serves
the endpoints those files record: ``per_page``/``page`` pagination with ``Link`` headers, ``sort=updated``
newest first, ETags with 304 answers to ``If-None-Match``, rate-limit headers, and 404 for unknown
repositories. Faults are queued per path prefix (``server.fail("/repos/acme/shop/pulls", "primary")``)
and served once each: primary and secondary rate limits, a 502, 401, 403, 404, a body that is not
JSON, a body cut short, a redirect to another host. ``server.paths`` lists every request, in order.

``record`` writes such a folder from a few numbers, in GitHub's documented shapes
(github/rest-api-description): the data of every test and of ``benchmarks/github_requests.py``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def stamp(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10**6, "type": "User"}


def write_pages(path: Path, items: list[Any], per_page: int = 100) -> None:
    """What ``gh api --paginate`` writes: one JSON array per page, back to back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    path.write_text("".join(json.dumps(page) for page in pages) + "\n", encoding="utf-8")


def record(
    folder: Path,
    full_name: str = "acme/shop",
    *,
    pulls: int = 3,
    issues: int = 2,
    releases: int = 1,
    deployments: int = 2,
    commits_per_pull: int = 2,
    timeline: bool = True,
) -> Path:
    """Write a recorded repository: pull requests (each with commits, a review, a review request),
    issues, releases, deployments with statuses. Pull request N is updated at hour 10*N."""
    root = folder / full_name
    owner = full_name.split("/")[0]
    web = f"https://github.com/{full_name}"
    pull_items, issue_items = [], []
    for n in range(1, pulls + 1):
        number = 1000 + n
        merged = n % 3 != 0
        pull = {
            "url": f"https://api.github.com/repos/{full_name}/pulls/{number}",
            "id": 5000 + n,
            "number": number,
            "state": "closed" if merged else "open",
            "locked": False,
            "title": f"Guest checkout step {n}",
            "body": f"Closes #{n} and fixes {full_name}#{n + 1}; see #{n + 2}." if n % 2 else None,
            "user": user("dana"),
            "labels": [{"id": 1, "name": "enhancement", "color": "a2eeef"}],
            "draft": False,
            "created_at": stamp(10 * n - 5),
            "updated_at": stamp(10 * n),
            "closed_at": stamp(10 * n) if merged else None,
            "merged_at": stamp(10 * n) if merged else None,
            "merge_commit_sha": f"{n:040x}" if merged else None,
            "requested_reviewers": [] if merged else [user("li")],
            "requested_teams": [] if merged else [{"id": 7, "slug": "web", "name": "Web"}],
            "head": {"label": f"{owner}:feat-{n}", "ref": f"feat-{n}", "sha": f"{n:039x}f"},
            "base": {"label": f"{owner}:main", "ref": "main", "sha": "0" * 40},
            "html_url": f"{web}/pull/{number}",
        }
        pull_items.append(pull)
        issue_items.append(
            {"number": number, "title": pull["title"], "state": pull["state"], "user": user("dana"),
             "labels": pull["labels"], "created_at": pull["created_at"], "updated_at": pull["updated_at"],
             "closed_at": pull["closed_at"], "body": pull["body"], "html_url": pull["html_url"],
             "pull_request": {"url": pull["url"], "merged_at": pull["merged_at"]}}
        )  # fmt: skip
        commits = [
            {"sha": f"{n:020x}{c:020x}", "commit": {"message": f"step {n}.{c}"}, "author": user("dana")}
            for c in range(commits_per_pull)
        ]
        write_pages(root / f"pulls/{number}/commits.json", commits)
        reviews = [
            {"id": 9000 + n, "user": user("li"), "body": "", "state": "APPROVED", "submitted_at": stamp(10 * n - 1),
             "commit_id": commits[-1]["sha"] if commits else None},
            {"id": 9500 + n, "user": user("sam"), "body": "", "state": "PENDING"},
        ]  # fmt: skip
        write_pages(root / f"pulls/{number}/reviews.json", reviews)
        if timeline:
            events = [
                {"event": "review_requested", "created_at": stamp(10 * n - 4), "actor": user("dana"),
                 "requested_reviewer": user("li"), "review_requester": user("dana")},
                {"event": "reviewed", "id": 9000 + n, "state": "approved", "submitted_at": stamp(10 * n - 1),
                 "user": user("li")},
            ]  # fmt: skip
            write_pages(root / f"issues/{number}/timeline.json", events)
    for n in range(1, issues + 1):
        issue_items.append(
            {"id": 100 + n, "number": n, "title": f"Guests cannot pay {n}", "state": "closed" if n % 2 else "open",
             "user": user("sam"), "labels": [{"name": "bug"}], "created_at": stamp(n), "updated_at": stamp(n + 0.5),
             "closed_at": stamp(n + 0.5) if n % 2 else None, "body": "Steps: ...", "html_url": f"{web}/issues/{n}"}
        )  # fmt: skip
    issue_items.sort(key=lambda i: i["updated_at"], reverse=True)
    pull_items.sort(key=lambda i: i["updated_at"], reverse=True)
    write_pages(root / "pulls.json", pull_items)
    write_pages(root / "issues.json", issue_items)
    write_pages(
        root / "releases.json",
        [
            {"id": 300 + r, "tag_name": f"v1.{r}.0", "name": f"1.{r}", "draft": False, "prerelease": r == 0,
             "created_at": stamp(24 * r), "published_at": stamp(24 * r + 1), "html_url": f"{web}/releases/v1.{r}.0"}
            for r in range(releases, 0, -1)
        ],
    )  # fmt: skip
    deploys = []
    for d in range(deployments, 0, -1):
        deploys.append(
            {"id": 700 + d, "sha": f"{d:040x}", "ref": "main", "environment": "production",
             "created_at": stamp(24 * d), "updated_at": stamp(24 * d + 1), "creator": user("dana")}
        )  # fmt: skip
        statuses = [
            {"id": 7100 + d, "state": "success" if d % 2 else "failure", "created_at": stamp(24 * d + 1)},
            {"id": 7000 + d, "state": "in_progress", "created_at": stamp(24 * d)},
        ]
        write_pages(root / f"deployments/{700 + d}/statuses.json", statuses)
    write_pages(root / "deployments.json", deploys)
    return folder


def read_all(path: Path) -> list[Any]:
    """Every object of a recorded file (arrays back to back)."""
    decoder, text, position, found = json.JSONDecoder(), path.read_text(), 0, []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return found
        page, position = decoder.raw_decode(text, position)
        found += page


class GitHubServer:
    """The recorded folder served over HTTP on 127.0.0.1 (use as ``with serve(folder) as server``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: list[str] = []
        self.faults: list[tuple[str, str]] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def fail(self, prefix: str, fault: str, times: int = 1) -> None:
        """Answer the next ``times`` requests whose path starts with ``prefix`` with ``fault``."""
        self.faults += [(prefix, fault)] * times

    def take_fault(self, path: str) -> str | None:
        for i, (prefix, fault) in enumerate(self.faults):
            if path.startswith(prefix):
                del self.faults[i]
                return fault
        return None

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if len(parts) < 4 or parts[0] != "repos":
            return 404, {"message": "Not Found"}
        root = self.folder / parts[1] / parts[2]
        if not root.is_dir():
            return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
        file = root / ("/".join(parts[3:]) + ".json")
        items = read_all(file) if file.is_file() else []
        if query.get("sort") == ["updated"]:
            items.sort(key=lambda i: i["updated_at"], reverse=query.get("direction") != ["asc"])
        return 200, items


@contextmanager
def serve(folder: Path) -> Iterator[GitHubServer]:
    server = GitHubServer(folder)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def _handler(server: GitHubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK per request

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            server.paths.append(self.path)
            fault = server.take_fault(split.path)
            if fault is not None and self._fault(fault):
                return
            query = parse_qs(split.query)
            status, data = server.answer(split.path, query)
            if status != 200:
                self._send(status, json.dumps(data).encode())
                return
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
            chunk = data[(page - 1) * per_page : page * per_page]
            last = max(1, -(-len(data) // per_page))
            links = []
            if page < last:
                links.append(f'<{self._page_url(split, query, page + 1)}>; rel="next"')
                links.append(f'<{self._page_url(split, query, last)}>; rel="last"')
            body = json.dumps(chunk).encode()
            etag = 'W/"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            self._send(200, body, {"ETag": etag, **({"Link": ", ".join(links)} if links else {})})

        def _page_url(self, split: Any, query: dict[str, list[str]], page: int) -> str:
            args = {k: v[0] for k, v in query.items()} | {"page": str(page)}
            return f"{server.url}{split.path}?" + "&".join(f"{k}={v}" for k, v in args.items())

        def _fault(self, fault: str) -> bool:
            reset = str(int(time.time()) + 1)
            if fault == "primary":
                self._send(403, b'{"message": "API rate limit exceeded"}',
                           {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset})  # fmt: skip
            elif fault == "secondary":
                self._send(
                    429, b'{"message": "You have exceeded a secondary rate limit"}', {"Retry-After": "1"}
                )
            elif fault == "5xx":
                self._send(502, b'{"message": "Server Error"}')
            elif fault == "401":
                self._send(401, b'{"message": "Bad credentials"}')
            elif fault == "403":
                self._send(403, b'{"message": "Resource not accessible by personal access token"}')
            elif fault == "404":
                self._send(404, b'{"message": "Not Found"}')
            elif fault == "nonjson":
                self._send(200, b"<html><body>Unicorn! This page is taking too long</body></html>",
                           {"Content-Type": "text/html"})  # fmt: skip
            elif fault == "truncated":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'[{"number": 1, "tit')
                self.wfile.flush()
                self.close_connection = True
            elif fault == "redirect":
                self._send(301, b"", {"Location": f"http://elsewhere.example{self.path}"})
            else:
                return False
            return True

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            headers = headers or {}
            self.send_header("Content-Type", headers.get("Content-Type", "application/json; charset=utf-8"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-ratelimit-limit", "5000")
            for key, value in headers.items():
                if key.lower() == "content-type":
                    continue
                self.send_header(key, value)
            if "x-ratelimit-remaining" not in {k.lower() for k in headers}:
                self.send_header("x-ratelimit-remaining", "4999")
            self.end_headers()
            self.wfile.write(body)

    return Handler
