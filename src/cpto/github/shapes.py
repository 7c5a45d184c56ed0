"""GitHub's REST JSON shapes read into the index's rows: the one parser both sync and import use.

Every object is checked where it is read: a field of the wrong type, a missing key cpto needs or a
time GitHub would never write is a one-line :class:`~cpto.errors.CptoError` naming where the object
came from (a URL or a file) and which item, never a traceback and never a silent default. Fields cpto
does not store are ignored, so GitHub adding fields changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cpto.errors import CptoError
from cpto.github.store import (
    Deployment,
    Issue,
    PullCommit,
    PullRequest,
    Release,
    Review,
    ReviewRequest,
)

# "Closes #12", "fixes: acme/shop#3", "Resolved https://github.com/acme/shop/issues/4": GitHub's
# closing keywords; any other "#N" is a mention.
_KEYWORDS = r"(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)"
_ISSUE = r"(?:(?P<repo>[\w.-]+/[\w.-]+)?#(?P<n>\d+)|https?://[^\s/]+/(?P<urlrepo>[\w.-]+/[\w.-]+)/issues/(?P<un>\d+))"
_CLOSING = re.compile(rf"\b{_KEYWORDS}:?\s+{_ISSUE}", re.IGNORECASE)
_MENTION = re.compile(rf"(?<![\w&]){_ISSUE}", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One JSON object and where it came from (``GET url, item 3`` or ``file, item 3``), for errors."""

    data: Mapping[str, Any]
    where: str

    @classmethod
    def of(cls, value: object, where: str) -> Item:
        if not isinstance(value, Mapping):
            raise CptoError(f"{where}: expected a JSON object, found {_kind(value)}")
        return cls(value, where)

    def _get(self, key: str, kinds: tuple[type, ...], what: str, optional: bool) -> Any:
        if key not in self.data or self.data[key] is None:
            if optional:
                return None
            raise CptoError(f'{self.where}: missing "{key}"')
        value = self.data[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise CptoError(f'{self.where}: "{key}" should be {what}, found {_kind(value)}')
        return value

    def int(self, key: str) -> int:
        value: int = self._get(key, (int,), "a number", optional=False)
        return value

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, (str,), "text", optional=default is not None)
        return default if value is None else str(value)  # type: ignore[return-value]

    def flag(self, key: str) -> bool:
        return bool(self._get(key, (bool,), "true or false", optional=True))

    def time(self, key: str) -> datetime:
        value = self.maybe_time(key)
        if value is None:
            raise CptoError(f'{self.where}: missing "{key}"')
        return value

    def maybe_time(self, key: str) -> datetime | None:
        raw = self._get(key, (str,), "a time", optional=True)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise CptoError(f'{self.where}: "{key}" is not a time: {raw[:40]!r}') from None
        if moment.tzinfo is None or not 1970 <= moment.year <= 2100:
            raise CptoError(f'{self.where}: "{key}" is not a UTC time cpto accepts: {raw[:40]!r}')
        return moment.astimezone(UTC)

    def child(self, key: str) -> Item | None:
        value = self._get(key, (Mapping,), "an object", optional=True)
        return None if value is None else Item(value, f"{self.where}: {key}")

    def children(self, key: str) -> list[Item]:
        value = self._get(key, (list,), "a list", optional=True) or []
        return [Item.of(v, f"{self.where}: {key}[{i}]") for i, v in enumerate(value)]

    def login(self, key: str = "user") -> str:
        """The login of a user field; "ghost" when GitHub lost the account (it sends null)."""
        user = self.child(key)
        return user.text("login") if user else "ghost"


def items(value: object, where: str) -> list[Item]:
    """The objects of one page (a JSON array), each knowing its place for errors."""
    if not isinstance(value, list):
        raise CptoError(f"{where}: expected a JSON array of objects, found {_kind(value)}")
    return [Item.of(v, f"{where}, item {i + 1}") for i, v in enumerate(value)]


def is_pull(item: Item) -> bool:
    """Whether an item of the issues listing is a pull request (GitHub lists both there)."""
    return "pull_request" in item.data


def issue_refs(title: str, body: str, full_name: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(closes, references): the issue numbers a pull request closes, by GitHub's closing keywords,
    and the other issues of the same repository it mentions. REST does not list closing references,
    so they are read from the text, as GitHub itself does for keywords."""
    text = f"{title}\n{body}"
    closes: list[int] = []
    for found in _CLOSING.finditer(text):
        number = _same_repo(found, full_name)
        if number is not None and number not in closes:
            closes.append(number)
    references: list[int] = []
    for found in _MENTION.finditer(text):
        number = _same_repo(found, full_name)
        if number is not None and number not in closes and number not in references:
            references.append(number)
    return tuple(closes), tuple(references)


def _same_repo(found: re.Match[str], full_name: str) -> int | None:
    repo = found.group("repo") or found.group("urlrepo")
    if repo and repo.lower() != full_name.lower():
        return None
    return int(found.group("n") or found.group("un"))


def pull_request(repo_id: int, item: Item, full_name: str) -> PullRequest:
    """A pull request of ``pulls?state=all`` (or ``pulls/{n}``)."""
    title = item.text("title")
    body = item.text("body", "")
    closes, references = issue_refs(title, body, full_name)
    base, head = item.child("base"), item.child("head")
    return PullRequest(
        repo_id=repo_id,
        number=item.int("number"),
        title=title,
        body=body,
        author=item.login(),
        state=_state(item),
        draft=item.flag("draft"),
        created_at=item.time("created_at"),
        updated_at=item.time("updated_at"),
        merged_at=item.maybe_time("merged_at"),
        closed_at=item.maybe_time("closed_at"),
        base_ref=base.text("ref") if base else "",
        head_ref=head.text("ref") if head else "",
        merge_commit_sha=item.text("merge_commit_sha", "") or None,
        labels=_labels(item),
        closes=closes,
        references=references,
        url=item.text("html_url", ""),
    )


def requested_reviewers(repo_id: int, item: Item) -> list[ReviewRequest]:
    """The reviews a pull request is waiting for now (``requested_reviewers``, ``requested_teams``);
    when each was asked for is only in the issue timeline."""
    number = item.int("number")
    people = [
        ReviewRequest(repo_id, number, u.text("login"), None) for u in item.children("requested_reviewers")
    ]
    teams = [
        ReviewRequest(repo_id, number, "team:" + t.text("slug"), None)
        for t in item.children("requested_teams")
    ]
    return people + teams


def pull_commit(repo_id: int, number: int, item: Item) -> PullCommit:
    """A commit of ``pulls/{n}/commits``."""
    return PullCommit(repo_id, number, item.text("sha"))


def review(repo_id: int, number: int, item: Item) -> Review | None:
    """A review of ``pulls/{n}/reviews``; None for a pending one (not submitted, no time)."""
    submitted = item.maybe_time("submitted_at")
    state = item.text("state").upper()
    if submitted is None or state == "PENDING":
        return None
    return Review(repo_id, number, item.int("id"), item.login(), state, submitted)


def timeline_requests(repo_id: int, number: int, events: Sequence[Item]) -> list[ReviewRequest]:
    """Review requests with their times from ``issues/{n}/timeline`` (``review_requested`` events,
    the latest per reviewer; a ``review_request_removed`` after it cancels it)."""
    asked: dict[str, datetime | None] = {}
    for event in events:
        kind = event.text("event", "")
        if kind not in ("review_requested", "review_request_removed"):
            continue
        person, team = event.child("requested_reviewer"), event.child("requested_team")
        who = person.text("login") if person else ("team:" + team.text("slug") if team else "")
        if not who:
            continue
        if kind == "review_requested":
            asked[who] = event.time("created_at")
        else:
            asked.pop(who, None)
    return [ReviewRequest(repo_id, number, who, at) for who, at in asked.items()]


def issue(repo_id: int, item: Item) -> Issue:
    """An issue of ``issues?state=all`` (not a pull request: see :func:`is_pull`)."""
    return Issue(
        repo_id=repo_id,
        number=item.int("number"),
        title=item.text("title"),
        body=item.text("body", ""),
        author=item.login(),
        state=_state(item),
        labels=_labels(item),
        created_at=item.time("created_at"),
        updated_at=item.time("updated_at"),
        closed_at=item.maybe_time("closed_at"),
        url=item.text("html_url", ""),
    )


def release(repo_id: int, item: Item) -> Release:
    """A release of ``releases`` (drafts included)."""
    return Release(
        repo_id=repo_id,
        release_id=item.int("id"),
        tag=item.text("tag_name"),
        name=item.text("name", ""),
        draft=item.flag("draft"),
        prerelease=item.flag("prerelease"),
        created_at=item.time("created_at"),
        published_at=item.maybe_time("published_at"),
        url=item.text("html_url", ""),
    )


def deployment(repo_id: int, item: Item, statuses: Sequence[Item]) -> Deployment:
    """A deployment of ``deployments`` with the newest of its ``statuses`` ("" when it has none)."""
    latest = max(statuses, key=lambda s: (s.time("created_at"), s.int("id")), default=None)
    return Deployment(
        repo_id=repo_id,
        deployment_id=item.int("id"),
        sha=item.text("sha"),
        ref=item.text("ref", ""),
        environment=item.text("environment", ""),
        created_at=item.time("created_at"),
        status=latest.text("state") if latest else "",
        status_at=latest.time("created_at") if latest else None,
    )


# A deployment whose latest status is one of these can still change: the next sync asks again.
UNSETTLED = frozenset({"", "pending", "queued", "in_progress"})


def _state(item: Item) -> str:
    state = item.text("state")
    if state not in ("open", "closed"):
        raise CptoError(f'{item.where}: "state" should be open or closed, found {state[:20]!r}')
    return state


def _labels(item: Item) -> tuple[str, ...]:
    return tuple(label.text("name") for label in item.children("labels"))


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__
