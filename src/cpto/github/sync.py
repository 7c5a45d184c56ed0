"""``cpto github sync``: GitHub's pull requests, reviews, issues, releases and deployments into the index.

The plan, chosen to ask GitHub as little as possible:

1. The issues listing, newest update first, is the change feed: GitHub lists pull requests there too,
   so one conditional request (``If-None-Match`` with the ETag of the last sync) tells whether any
   issue or pull request changed. A 304 costs nothing against the rate limit and ends this step.
2. Only when a pull request changed (or on the first sync) the pulls listing is read, newest update
   first, stopping at the first one not updated since the last sync; commits and reviews are asked
   for only for pull requests new or updated since then.
3. Releases and deployments: one conditional request each; statuses only for deployments that are
   new or whose last status could still change (pending, queued, in progress).

So a repository where nothing changed costs 3 requests, all 304s, and a first sync costs what any
REST client must ask for (``benchmarks/github_requests.py`` counts it).

Each page is written in its own transaction with the rows it brought (a pull request with its
commits, reviews and review requests): a sync stopped halfway keeps every page already written, and
the next one skips pull requests already stored at the same ``updated_at``. The sync state (ETag,
newest time seen) of an endpoint is written only when its pass is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import duckdb

from cpto.errors import CptoError
from cpto.github import shapes
from cpto.github.client import DEFAULT_API_URL, GitHubClient
from cpto.github.store import (
    Deployment,
    PullCommit,
    PullRequest,
    Review,
    ReviewRequest,
    SyncState,
    ensure_schema,
    load,
    save,
    table_of,
)
from cpto.history.store import transaction

ENDPOINTS = ("issues", "pulls", "releases", "deployments")


@dataclass(frozen=True)
class Target:
    """A GitHub repository (OWNER/NAME) and the index's repository it is evidence for."""

    repo_id: int
    full_name: str


@dataclass
class SyncResult:
    """What one repository's sync or import stored, and how many requests it cost."""

    full_name: str
    repo_id: int
    pulls: int = 0
    issues: int = 0
    releases: int = 0
    deployments: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)


def web_host(api_url: str) -> str:
    """The host repositories' remotes name for an API: github.com for api.github.com, else the
    Enterprise server's own host (``https://ghe.acme.example/api/v3`` → ``ghe.acme.example``)."""
    host = (urlsplit(api_url).hostname or "").lower()
    return "github.com" if host == "api.github.com" else host


def resolve_targets(con: duckdb.DuckDBPyConnection, names: Sequence[str], api_url: str) -> list[Target]:
    """The repositories to sync: each OWNER/NAME mapped to the index's repository whose remote is
    ``<host>/OWNER/NAME`` (or, when the workspace has only one repository, that one); with no names,
    every repository of the workspace whose remote is on that GitHub."""
    host = web_host(api_url)
    rows = con.execute("SELECT repo_id, coalesce(remote, ''), name FROM repos ORDER BY repo_id").fetchall()
    if not names:
        targets = []
        for repo_id, remote, _name in rows:
            parts = str(remote).split("/")
            if len(parts) == 3 and parts[0] == host and all(parts):
                targets.append(Target(int(repo_id), f"{parts[1]}/{parts[2]}"))
        if not targets:
            remotes = ", ".join(sorted({str(r[1]) for r in rows if r[1]})) or "none"
            raise CptoError(
                f"no repository of the workspace has a remote on {host} (remotes: {remotes}); "
                "name the repositories: cpto github sync OWNER/NAME"
            )
        return targets
    targets = []
    for name in names:
        targets.append(Target(_match(rows, check_full_name(name), host), check_full_name(name)))
    return targets


def check_full_name(name: str) -> str:
    """OWNER/NAME as GitHub allows it, else a one-line error (it becomes part of a URL)."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}", name) or name.endswith(("/.", "/..")):
        raise CptoError(f"{name[:80]!r}: expected OWNER/NAME, such as acme/shop")
    return name


def _match(rows: Sequence[tuple[object, ...]], name: str, host: str) -> int:
    wanted = f"/{name.lower()}"
    exact = [int(str(r[0])) for r in rows if str(r[1]).lower() == host + wanted]
    anywhere = [int(str(r[0])) for r in rows if str(r[1]).lower().endswith(wanted)]
    for found in (exact, anywhere):
        if len(found) == 1:
            return found[0]
    if len(rows) == 1:
        return int(str(rows[0][0]))
    remotes = ", ".join(sorted({str(r[1]) for r in rows if r[1]})) or "none"
    raise CptoError(
        f"{name}: no repository of the workspace has the remote {host}/{name} (remotes: {remotes})"
    )


PullRows = tuple[PullRequest, Sequence[PullCommit], Sequence[Review], Sequence[ReviewRequest]]


def store_pulls(con: duckdb.DuckDBPyConnection, batch: Sequence[PullRows]) -> None:
    """Store pull requests with everything known about each, replacing what an earlier sync stored (a
    force-push drops commits, a withdrawn review request goes): call it inside a transaction. One
    statement per table for the whole batch: a page of 100 costs milliseconds, not seconds."""
    if not batch:
        return
    keys = [(pull.repo_id, pull.number) for pull, *_ in batch]
    ensure_schema(con)
    for kind in (PullCommit, Review, ReviewRequest):
        table, _key = table_of(kind)
        con.execute(
            f"DELETE FROM {table} WHERE (repo_id, number) IN (SELECT * FROM (VALUES "
            + ", ".join("(?, ?)" for _ in keys)
            + "))",
            [v for key in keys for v in key],
        )
    save(con, [pull for pull, *_ in batch])
    save(con, [c for _, commits, _, _ in batch for c in commits])
    save(con, [r for _, _, reviews, _ in batch for r in reviews])
    save(con, [q for _, _, _, requests in batch for q in requests])


def merge_requests(
    current: Sequence[ReviewRequest], timeline: Sequence[ReviewRequest]
) -> list[ReviewRequest]:
    """The timeline's requests (with times, kept after the review came in) and the current ones it does
    not know (no time): what sync and import both store."""
    known = {r.reviewer for r in timeline}
    return list(timeline) + [r for r in current if r.reviewer not in known]


def store_state(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    endpoint: str,
    api_url: str,
    since: datetime | None,
    etag: str | None,
) -> None:
    save(
        con, [SyncState(target.repo_id, endpoint, target.full_name, api_url, since, etag, datetime.now(UTC))]
    )


def sync_repository(
    con: duckdb.DuckDBPyConnection,
    client: GitHubClient,
    target: Target,
    *,
    timeline: bool = False,
    on_item: Callable[[str], None] = lambda what: None,
) -> SyncResult:
    """Bring one repository's GitHub data in the index up to date (see the module's plan)."""
    start = client.requests
    result = SyncResult(target.full_name, target.repo_id)
    states = {
        s.endpoint: s
        for s in load(con, SyncState, target.repo_id)
        if s.api_url == client.api_url and s.full_name.lower() == target.full_name.lower()
    }
    pulls_since = _since(states, "pulls")
    if _issues(con, client, target, states, result, on_item) or pulls_since is None:
        _pulls(con, client, target, pulls_since, result, timeline, on_item)
    _releases(con, client, target, states, result, on_item)
    _deployments(con, client, target, states, result, on_item)
    result.requests = client.requests - start
    return result


def _since(states: dict[str, SyncState], endpoint: str) -> datetime | None:
    state = states.get(endpoint)
    return state.since if state else None


def _etag(states: dict[str, SyncState], endpoint: str) -> str | None:
    state = states.get(endpoint)
    return state.etag if state else None


def _issues(
    con: duckdb.DuckDBPyConnection,
    client: GitHubClient,
    target: Target,
    states: dict[str, SyncState],
    result: SyncResult,
    on_item: Callable[[str], None],
) -> bool:
    """The change feed: stores new and updated issues; True when a pull request changed too."""
    since, pulls_since = _since(states, "issues"), _since(states, "pulls")
    path = f"repos/{target.full_name}/issues?state=all&sort=updated&direction=desc&per_page=100"
    newest, etag, pull_changed = since, _etag(states, "issues"), False
    for number, page in enumerate(client.pages(path, _etag(states, "issues"))):
        if page.not_modified:
            return False
        if number == 0:
            etag = page.etag
        rows, done = [], False
        for item in shapes.items(page.data, f"GET {client.url(path)} page {number + 1}"):
            updated = item.time("updated_at")
            if since is not None and updated <= since:
                done = True
                break
            newest = max(newest, updated) if newest else updated
            if shapes.is_pull(item):
                pull_changed = pull_changed or pulls_since is None or updated > pulls_since
                continue
            rows.append(shapes.issue(target.repo_id, item))
            on_item("issues")
        with transaction(con):
            save(con, rows)
        result.issues += len(rows)
        if done:
            break
    with transaction(con):
        store_state(con, target, "issues", client.api_url, newest, etag)
    return pull_changed


def _pulls(
    con: duckdb.DuckDBPyConnection,
    client: GitHubClient,
    target: Target,
    since: datetime | None,
    result: SyncResult,
    timeline: bool,
    on_item: Callable[[str], None],
) -> None:
    stored = {p.number: p.updated_at for p in load(con, PullRequest, target.repo_id)}
    base = f"repos/{target.full_name}"
    path = f"{base}/pulls?state=all&sort=updated&direction=desc&per_page=100"
    newest = since
    for number, page in enumerate(client.pages(path)):
        done = False
        batch: list[PullRows] = []
        for item in shapes.items(page.data, f"GET {client.url(path)} page {number + 1}"):
            pull = shapes.pull_request(target.repo_id, item, target.full_name)
            if since is not None and pull.updated_at <= since:
                done = True
                break
            newest = max(newest, pull.updated_at) if newest else pull.updated_at
            if stored.get(pull.number) == pull.updated_at:
                continue  # stored by a sync that stopped halfway: complete, since it was written whole
            n = pull.number
            commits = [
                shapes.pull_commit(target.repo_id, n, c)
                for c in _listing(client, f"{base}/pulls/{n}/commits?per_page=100")
            ]
            reviews = [
                r
                for r in (
                    shapes.review(target.repo_id, n, v)
                    for v in _listing(client, f"{base}/pulls/{n}/reviews?per_page=100")
                )
                if r is not None
            ]
            asked: list[ReviewRequest] = []
            if timeline:
                events = _listing(client, f"{base}/issues/{n}/timeline?per_page=100")
                asked = shapes.timeline_requests(target.repo_id, n, events)
            requests = merge_requests(shapes.requested_reviewers(target.repo_id, item), asked)
            batch.append((pull, commits, reviews, requests))
            on_item("pull requests")
        with transaction(con):
            store_pulls(con, batch)
        result.pulls += len(batch)
        if done:
            break
    with transaction(con):
        store_state(con, target, "pulls", client.api_url, newest, None)


def _releases(
    con: duckdb.DuckDBPyConnection,
    client: GitHubClient,
    target: Target,
    states: dict[str, SyncState],
    result: SyncResult,
    on_item: Callable[[str], None],
) -> None:
    path = f"repos/{target.full_name}/releases?per_page=100"
    etag = _etag(states, "releases")
    for number, page in enumerate(client.pages(path, etag)):
        if page.not_modified:
            return
        if number == 0:
            etag = page.etag
        rows = [
            shapes.release(target.repo_id, i)
            for i in shapes.items(page.data, f"GET {client.url(path)} page {number + 1}")
        ]
        with transaction(con):
            save(con, rows)
        result.releases += len(rows)
        for _ in rows:
            on_item("releases")
    with transaction(con):
        store_state(con, target, "releases", client.api_url, None, etag)


def _deployments(
    con: duckdb.DuckDBPyConnection,
    client: GitHubClient,
    target: Target,
    states: dict[str, SyncState],
    result: SyncResult,
    on_item: Callable[[str], None],
) -> None:
    """New deployments, and the latest status of every one whose status could still change."""
    base = f"repos/{target.full_name}"
    stored = {d.deployment_id: d for d in load(con, Deployment, target.repo_id)}
    path = f"{base}/deployments?per_page=100"
    etag = _etag(states, "deployments")
    seen: set[int] = set()
    for number, page in enumerate(client.pages(path, etag)):
        if page.not_modified:
            break
        if number == 0:
            etag = page.etag
        rows, done = [], False
        for item in shapes.items(page.data, f"GET {client.url(path)} page {number + 1}"):
            deployment_id = item.int("id")
            seen.add(deployment_id)
            old = stored.get(deployment_id)
            if old is not None and old.status not in shapes.UNSETTLED:
                done = True  # newest first: past the first settled, known deployment all are known
                break
            rows.append(shapes.deployment(target.repo_id, item, _latest_status(client, base, deployment_id)))
            on_item("deployments")
        with transaction(con):
            save(con, rows)
        result.deployments += len(rows)
        if done:
            break
    # deployments further down whose status was still moving: asked again
    again = []
    for old in stored.values():
        if old.deployment_id not in seen and old.status in shapes.UNSETTLED:
            statuses = _latest_status(client, base, old.deployment_id)
            latest = max(statuses, key=lambda s: (s.time("created_at"), s.int("id")), default=None)
            if latest is not None:
                again.append(
                    Deployment(
                        old.repo_id, old.deployment_id, old.sha, old.ref, old.environment, old.created_at,
                        latest.text("state"), latest.time("created_at"),
                    )
                )  # fmt: skip
    with transaction(con):
        save(con, again)
        store_state(con, target, "deployments", client.api_url, None, etag)
    result.deployments += len(again)


def _latest_status(client: GitHubClient, base: str, deployment_id: int) -> list[shapes.Item]:
    """The newest status of a deployment: GitHub lists them newest first, so one of one page."""
    url = client.url(f"{base}/deployments/{deployment_id}/statuses?per_page=1")
    return shapes.items(client.get(url).data, f"GET {url}")


def _listing(client: GitHubClient, path: str) -> list[shapes.Item]:
    found: list[shapes.Item] = []
    for number, page in enumerate(client.pages(path)):
        found += shapes.items(page.data, f"GET {client.url(path)} page {number + 1}")
    return found


def default_api_url(value: str | None) -> str:
    """``--api-url``, else ``GITHUB_API_URL`` (set in GitHub Actions, Enterprise's too), else github.com."""
    import os

    return (value or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
