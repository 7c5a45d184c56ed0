"""A small, polite GitHub REST client: pagination, conditional requests, rate limits, retries.

Why REST and not GraphQL: REST lists every object cpto stores in GitHub's documented shapes, the same
shapes ``gh api --paginate`` writes (so ``cpto github import`` reads exactly what sync reads, through
one parser), it works without a token on public repositories and on every GitHub Enterprise version,
and its conditional requests (``If-None-Match``) make an unchanged repository cost a 304, which does
not count against the rate limit. GraphQL could fetch a pull request with its commits and reviews in
one query, but it always needs a token, has no conditional requests, and is charged in points.

The token is sent in a header and never written anywhere: errors name the URL and GitHub's status,
never the request's headers, and any message is scrubbed of the token before it is raised. A redirect
to another host is refused rather than followed with the token.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from cpto.errors import CptoError

DEFAULT_API_URL = "https://api.github.com"
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')
_RETRIES = 3  # 5xx answers and timeouts: tried this many more times, waiting 1, 2, 4 s (x backoff)
_RATE_WAITS = 5  # rate-limit waits for one request before giving up


@dataclass
class Page:
    """One answer: its JSON, the ETag to ask with next time, the next page's URL; ``not_modified``
    when GitHub answered 304 to ``If-None-Match`` (no JSON then, and no cost)."""

    data: Any
    etag: str | None
    next_url: str | None
    not_modified: bool = False


@dataclass
class GitHubClient:
    """GET requests to one GitHub API (github.com or an Enterprise server's ``/api/v3``).

    ``sleep`` and ``backoff`` are the waiting policy (tests make it short); ``on_wait`` hears each wait
    so the command can say it is waiting; ``requests`` counts every request made, 304s included.
    """

    api_url: str = DEFAULT_API_URL
    token: str | None = None
    sleep: Callable[[float], None] = time.sleep
    backoff: float = 1.0
    timeout: float = 30.0
    on_wait: Callable[[str], None] = lambda message: None
    requests: int = 0
    _http: httpx.Client | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.api_url = self.api_url.rstrip("/")
        parts = urlsplit(self.api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CptoError(
                f"--api-url {self.api_url[:80]!r}: expected an http(s) URL such as {DEFAULT_API_URL}"
            )
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "cpto",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self._http = httpx.Client(headers=headers, timeout=self.timeout, follow_redirects=False)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        """The full URL of an API path such as ``repos/acme/shop/pulls?state=all``."""
        return f"{self.api_url}/{path.lstrip('/')}"

    def pages(self, path: str, etag: str | None = None) -> Iterator[Page]:
        """Each page of a listing, following ``Link: rel="next"``; ``etag`` is sent with the first page
        only (a 304 there is the one page yielded)."""
        url: str | None = self.url(path)
        first = True
        while url is not None:
            page = self.get(url, etag if first else None)
            first = False
            yield page
            url = page.next_url

    def get(self, url: str, etag: str | None = None) -> Page:
        """One GET with the waiting and retry policy; a one-line CptoError for anything it cannot use."""
        shown = _shown(url)
        rate_waits = 0
        redirects = 0
        attempt = 0
        while True:
            response = self._send(url, etag, shown, attempt)
            if response is None:  # a timeout or a cut connection, retried
                attempt += 1
                continue
            status = response.status_code
            if status == 304:
                return Page(None, etag, None, not_modified=True)
            if status in (301, 302, 307, 308):
                url = self._redirect(url, response, shown)
                redirects += 1
                if redirects > 5:
                    raise self._error(f"GET {shown}: too many redirects")
                continue
            if status in (403, 429) and rate_waits < _RATE_WAITS:
                wait = _rate_limit_wait(response)
                if wait is not None:
                    rate_waits += 1
                    self.on_wait(f"GitHub rate limit reached: waiting {wait:.0f} s before asking again")
                    self.sleep(wait)
                    continue
            if status >= 500 and attempt < _RETRIES:
                delay = self.backoff * 2**attempt
                self.on_wait(f"GitHub answered {status} to {shown}: trying again in {delay:.0f} s")
                self.sleep(delay)
                attempt += 1
                continue
            if status != 200:
                raise self._error(_status_message(status, shown, response))
            return Page(_json(response, shown), response.headers.get("etag"), _next(response))

    def _send(self, url: str, etag: str | None, shown: str, attempt: int) -> httpx.Response | None:
        assert self._http is not None
        headers = {"If-None-Match": etag} if etag else {}
        self.requests += 1
        try:
            response = self._http.get(url, headers=headers)
            response.read()
            return response
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            what = "timed out" if isinstance(exc, httpx.TimeoutException) else "was cut short"
            if attempt >= _RETRIES:
                raise self._error(
                    f"GET {shown}: the answer {what} {attempt + 1} times; try again later"
                ) from None
            delay = self.backoff * 2**attempt
            self.on_wait(f"GET {shown}: the answer {what}: trying again in {delay:.0f} s")
            self.sleep(delay)
            return None
        except httpx.HTTPError as exc:
            raise self._error(f"GET {shown}: cannot reach {urlsplit(url).netloc} ({exc})") from None

    def _redirect(self, url: str, response: httpx.Response, shown: str) -> str:
        """GitHub redirects a renamed repository's URLs on the same host: followed. A redirect to another
        host would carry the token there: refused."""
        target = urljoin(url, str(response.headers.get("location", "")))
        if urlsplit(target).netloc.lower() != urlsplit(self.api_url).netloc.lower() or not target:
            raise self._error(
                f"GET {shown}: GitHub redirected to another host ({urlsplit(target).netloc or 'none'}); "
                "not followed, so the token is not sent there"
            )
        return target

    def _error(self, message: str) -> CptoError:
        if self.token:
            message = message.replace(self.token, "***")
        return CptoError(message)


def _rate_limit_wait(response: httpx.Response) -> float | None:
    """Seconds to wait when a 403/429 is a rate limit (secondary: ``Retry-After``; primary:
    ``x-ratelimit-remaining: 0`` until ``x-ratelimit-reset``), else None (a real refusal)."""
    retry_after = response.headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return 60.0
    if response.headers.get("x-ratelimit-remaining") == "0":
        try:
            reset = float(response.headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return 60.0
        return max(0.0, reset - time.time()) + 1.0
    return None


def _status_message(status: int, shown: str, response: httpx.Response) -> str:
    said = _github_message(response)
    if status == 401:
        return (
            f"GET {shown}: GitHub refused the token (401{said}): set GITHUB_TOKEN to a valid token, "
            "or run `gh auth login`"
        )
    if status == 404:
        return (
            f"GET {shown}: not found (404): check OWNER/NAME, and that the token can read the repository "
            "(a private one answers 404 to a token without access)"
        )
    if status == 403:
        return (
            f"GET {shown}: GitHub refused access (403{said}): the token lacks a scope or permission "
            "(classic tokens: repo; fine-grained: read access to pull requests, issues, contents, deployments)"
        )
    return f"GET {shown}: GitHub answered {status}{said}"


def _github_message(response: httpx.Response) -> str:
    try:
        message = response.json().get("message", "")
    except (ValueError, AttributeError):
        return ""
    return f" {str(message).splitlines()[0][:120]}" if message else ""


def _json(response: httpx.Response, shown: str) -> Any:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) != len(response.content):
        raise CptoError(
            f"GET {shown}: the answer was cut short ({len(response.content)} of {declared} bytes)"
        )
    try:
        return json.loads(response.content)
    except RecursionError:
        raise CptoError(f"GET {shown}: the answer is JSON nested too deeply") from None
    except ValueError as exc:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        raise CptoError(f"GET {shown}: the answer is not JSON ({kind}: {str(exc).split(':')[0]})") from None


def _next(response: httpx.Response) -> str | None:
    for url, rel in _LINK.findall(response.headers.get("link", "")):
        if rel == "next":
            return str(url)
    return None


def _shown(url: str) -> str:
    """The URL as errors show it: path and query, no credentials a URL might carry."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def find_token(environ: dict[str, str] | None = None) -> str | None:
    """``GITHUB_TOKEN``, else ``gh auth token`` when the GitHub CLI is installed and logged in, else
    None (public repositories can be read without one, at a lower rate limit)."""
    env = os.environ if environ is None else environ
    token = env.get("GITHUB_TOKEN", "").strip() or env.get("GH_TOKEN", "").strip()
    if token:
        return token
    gh = shutil.which("gh")
    if gh is None:
        return None
    try:
        out = subprocess.run([gh, "auth", "token"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
