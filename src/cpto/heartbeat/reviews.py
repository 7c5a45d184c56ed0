"""Personal review SLAs: how long each reviewer, and each team, takes to first review and to approve a
pull request once asked, held to ``[sla] approval``, and the pull requests waiting on someone now.

A reviewer is asked when a review request names them (the issue timeline's ``review_requested``
event); a review by someone never asked in the stored data (asked by word of mouth, or the timeline not
synced) counts from when the pull request was opened, and the report says how many were counted so.
Reviews of one's own pull request are not reviews. Plain functions over the stored GitHub rows
(:mod:`cpto.github.store`); a reviewer is a person of people.yaml by ``github:`` login or handle, else
their login.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

import duckdb

from cpto.github.store import PullRequest, Review, ReviewRequest, load, synced_repos
from cpto.records.people import People

NO_TEAM = "(no team)"
STRANGER = "(not in people.yaml)"


@dataclass(frozen=True)
class Turn:
    """One reviewer's turn on one pull request: asked, first reviewed, approved (hours from asked)."""

    number: int
    reviewer: str  # login
    asked: datetime
    asked_by_request: bool  # False: no request stored, counted from when the pull request was opened
    first_review: datetime
    approved: datetime | None

    @property
    def first_review_hours(self) -> float:
        return _hours(self.first_review - self.asked)

    @property
    def approval_hours(self) -> float | None:
        return _hours(self.approved - self.asked) if self.approved is not None else None


@dataclass(frozen=True)
class Waiting:
    """An open pull request a reviewer (or a team: ``team:slug``) was asked to review and has not."""

    number: int
    title: str
    url: str
    author: str
    reviewer: str
    who: str  # the person's handle, the team, or the login
    team: str
    since: datetime
    asked_by_request: bool
    hours: float
    over_sla: bool


@dataclass(frozen=True)
class Sla:
    """One reviewer's (or team's) turns in the window: medians and how many took longer than the SLA."""

    who: str
    team: str
    turns: int
    first_review_hours: float | None
    approvals: int
    approval_hours: float | None
    first_reviews_over_sla: int
    approvals_over_sla: int
    waiting: int  # pull requests waiting on them now
    not_requested: int  # turns counted from when the pull request was opened


@dataclass
class ReviewSlas:
    """The review section of a heartbeat: ``known`` False (no GitHub data) makes every figure unknown."""

    known: bool
    sla: timedelta | None
    start: datetime
    end: datetime
    now: datetime
    turns: list[Turn] = field(default_factory=list)
    reviewers: list[Sla] = field(default_factory=list)
    teams: list[Sla] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)


def _hours(span: timedelta) -> float:
    return round(span.total_seconds() / 3600, 2)


def turns(
    pulls: Iterable[PullRequest], reviews: Iterable[Review], requests: Iterable[ReviewRequest]
) -> list[Turn]:
    """Each (pull request, reviewer) with a review: asked (the request's time when it came before the
    first review, else the pull request's opening), first review and first approval."""
    by_number = {p.number: p for p in pulls}
    asked_at = {(r.number, r.reviewer.lower()): r.requested_at for r in requests}
    mine: dict[tuple[int, str], list[Review]] = defaultdict(list)
    for r in reviews:
        pull = by_number.get(r.number)
        if pull is None or r.reviewer.lower() == pull.author.lower():
            continue
        mine[(r.number, r.reviewer)].append(r)
    out = []
    for (number, reviewer), given in mine.items():
        given.sort(key=lambda r: r.submitted_at)
        first = given[0].submitted_at
        requested = asked_at.get((number, reviewer.lower()))
        by_request = requested is not None and requested <= first
        asked = requested if by_request and requested is not None else by_number[number].created_at
        approved = next((r.submitted_at for r in given if r.state.upper() == "APPROVED"), None)
        out.append(Turn(number, reviewer, asked, by_request, first, approved))
    return sorted(out, key=lambda t: (t.first_review, t.number, t.reviewer))


def waiting_now(
    pulls: Iterable[PullRequest],
    reviews: Iterable[Review],
    requests: Iterable[ReviewRequest],
    now: datetime,
    sla: timedelta | None,
    people: People | None = None,
) -> list[Waiting]:
    """Open, non-draft pull requests with a review request and no review from that reviewer yet (a team
    request: from nobody yet), longest waiting first. Without the request's time, the wait counts from
    when the pull request was opened."""
    reviewed: dict[int, set[str]] = defaultdict(set)
    for r in reviews:
        reviewed[r.number].add(r.reviewer.lower())
    open_pulls = {p.number: p for p in pulls if p.state == "open" and not p.draft}
    out = []
    for req in requests:
        pull = open_pulls.get(req.number)
        if pull is None or req.reviewer.lower() == pull.author.lower():
            continue
        is_team = req.reviewer.startswith("team:")
        done = (
            reviewed[req.number] - {pull.author.lower()}
            if is_team
            else reviewed[req.number] & {req.reviewer.lower()}
        )
        if done:
            continue
        since = req.requested_at or pull.created_at
        if since > now:
            continue
        who, team = _who(req.reviewer, people)
        wait = now - since
        out.append(
            Waiting(
                req.number,
                pull.title,
                pull.url,
                pull.author,
                req.reviewer,
                who,
                team,
                since,
                req.requested_at is not None,
                _hours(wait),
                sla is not None and wait > sla,
            )
        )
    return sorted(out, key=lambda w: (w.since, w.number, w.reviewer))


def _who(login: str, people: People | None) -> tuple[str, str]:
    """(who, team) for a login or ``team:slug``: the people.yaml handle and team, else the login."""
    if login.startswith("team:"):
        slug = login.removeprefix("team:")
        return slug, slug
    person = people.by_login(login) if people is not None else None
    if person is None:
        return login, STRANGER if people is not None and people.people else NO_TEAM
    return person.handle, person.team or NO_TEAM


def _sla(who: str, team: str, group: list[Turn], waiting: int, sla: timedelta | None) -> Sla:
    approvals = [h for t in group if (h := t.approval_hours) is not None]
    limit = sla.total_seconds() / 3600 if sla is not None else None
    return Sla(
        who=who,
        team=team,
        turns=len(group),
        first_review_hours=round(median(t.first_review_hours for t in group), 2) if group else None,
        approvals=len(approvals),
        approval_hours=round(median(approvals), 2) if approvals else None,
        first_reviews_over_sla=sum(1 for t in group if limit is not None and t.first_review_hours > limit),
        approvals_over_sla=sum(1 for h in approvals if limit is not None and h > limit),
        waiting=waiting,
        not_requested=sum(1 for t in group if not t.asked_by_request),
    )


def review_slas(
    con: duckdb.DuckDBPyConnection,
    repo_id: int | Sequence[int],
    start: datetime,
    end: datetime,
    now: datetime,
    sla: timedelta | None,
    people: People | None = None,
) -> ReviewSlas:
    """The turns whose first review fell in [start, end), per reviewer and per team (people.yaml), and
    what waits on whom at ``now``; ``known`` False when no GitHub sync stored anything.

    Several repositories (``repo_id`` a sequence) are pooled: a reviewer is one person across them, so
    their SLA is over every turn they took in the estate. Turns are matched within each repository
    (pull request numbers repeat from one repository to the next)."""
    ids = [repo_id] if isinstance(repo_id, int) else list(repo_id)
    synced = synced_repos(con, ids)
    synced_ids = [i for i in ids if i in synced]
    result = ReviewSlas(bool(synced_ids), sla, start, end, now)
    if not result.known:
        return result
    for one in synced_ids:
        pulls = load(con, PullRequest, one)
        reviews = load(con, Review, one)
        requests = load(con, ReviewRequest, one)
        result.turns += [t for t in turns(pulls, reviews, requests) if start <= t.first_review < end]
        result.waiting += waiting_now(pulls, reviews, requests, now, sla, people)
    if len(synced_ids) > 1:
        result.turns.sort(key=lambda t: (t.first_review, t.number, t.reviewer))
        result.waiting.sort(key=lambda w: (w.since, w.number, w.reviewer))
    per_person: dict[tuple[str, str], list[Turn]] = defaultdict(list)
    for t in result.turns:
        per_person[_who(t.reviewer, people)].append(t)
    waits: dict[str, int] = defaultdict(int)
    team_waits: dict[str, int] = defaultdict(int)
    for w in result.waiting:
        waits[w.who] += 1
        team_waits[w.team] += 1
    for who, team in {(w.who, w.team) for w in result.waiting if not w.reviewer.startswith("team:")}:
        per_person.setdefault((who, team), [])
    result.reviewers = sorted(
        (_sla(who, team, group, waits[who], sla) for (who, team), group in per_person.items()),
        key=lambda s: (-(s.first_review_hours or 0.0), s.who),
    )
    per_team: dict[str, list[Turn]] = defaultdict(list)
    for (_, team), group in per_person.items():
        per_team[team].extend(group)
    for team in team_waits:
        per_team.setdefault(team, [])
    result.teams = sorted(
        (_sla(team, team, group, team_waits[team], sla) for team, group in per_team.items()),
        key=lambda s: (-(s.first_review_hours or 0.0), s.who),
    )
    return result
