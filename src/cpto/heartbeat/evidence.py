"""What the heartbeat takes from GitHub's evidence (the index's GitHub tables, ``cpto github sync``):
when each pull request's change started, which issues are incidents, and which labels decide a bucket.

Plain functions over the stored rows (:mod:`cpto.github.store`); each returns nothing when no sync
stored anything, and the heartbeat then measures as it does from git alone and says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from cpto.github.store import Issue, PullCommit, PullRequest, has_github_data, load
from cpto.records.incidents import Event, Incident

NO_GITHUB = "no GitHub data: run `cpto github sync` (or `cpto github import`)"


@dataclass(frozen=True)
class PullStart:
    """A merged pull request as one change: it reached the branch as ``merge_sha`` (the merge, squash or
    last rebased commit) and started at its first commit (the earliest author time of its commits the
    index has), else when it was opened (``basis`` says which)."""

    number: int
    merge_sha: str
    started: datetime
    shas: frozenset[str]  # its own commits, as GitHub lists them: not counted again one by one
    basis: str  # "first commit" | "opened"


def pull_starts(con: duckdb.DuckDBPyConnection, repo_id: int) -> dict[str, PullStart]:
    """Merged pull requests by the commit that landed them; {} before any sync."""
    pulls = [p for p in load(con, PullRequest, repo_id) if p.merged_at is not None and p.merge_commit_sha]
    if not pulls:
        return {}
    shas: dict[int, set[str]] = {}
    for c in load(con, PullCommit, repo_id):
        shas.setdefault(c.number, set()).add(c.sha)
    written = dict(
        con.execute("SELECT sha, author_time FROM commits WHERE repo_id = ?", [repo_id]).fetchall()
    )
    out = {}
    for p in pulls:
        own = shas.get(p.number, set())
        times = [written[s] for s in own if written.get(s) is not None]
        merge = str(p.merge_commit_sha)
        out[merge] = PullStart(
            p.number,
            merge,
            min(times) if times else p.created_at,
            frozenset(own),
            "first commit" if times else "opened",
        )
    return out


def recorded_issue(issue: Issue, records: Sequence[Incident]) -> bool:
    """Whether an incident record already stands for ``issue``: the issue's title or body names the
    record's id (``INC-3``) or file, or the record's text names the issue (``#195`` or its URL). Such an
    issue is the record's ticket, not a second incident."""
    said = f"{issue.title}\n{issue.body}"
    for r in records:
        if re.search(rf"(?<![\w-]){re.escape(r.id)}(?![\w-])", said) or (r.path.name and r.path.name in said):
            return True
        text = "\n".join(s.text for s in r.sections)
        if re.search(rf"#{issue.number}(?!\d)", text) or (issue.url and issue.url in text):
            return True
    return False


def issue_incidents(
    con: duckdb.DuckDBPyConnection, repo_id: int, label: str, records: Sequence[Incident] = ()
) -> list[Incident]:
    """The issues labelled ``label`` (case-insensitive) as incidents, but for those an incident record
    stands for (:func:`recorded_issue`): impact started when the issue was opened, service restored when
    it was closed (GitHub knows no better; the record format does), no cause named. Their ids are
    ``#number``, so they never clash with incident records."""
    wanted = label.strip().lower()
    out = []
    for issue in load(con, Issue, repo_id):
        if wanted not in (x.strip().lower() for x in issue.labels) or recorded_issue(issue, records):
            continue
        events = [Event(issue.created_at, "started", "issue opened", 0)]
        if issue.closed_at is not None:
            events.append(Event(issue.closed_at, "resolved", "issue closed", 0))
        out.append(
            Incident(
                path=Path(issue.url or f"#{issue.number}"),
                id=f"#{issue.number}",
                title=issue.title,
                severity="",
                services=(),
                commander="",
                caused_by="",
                events=tuple(events),
            )
        )
    return out


def label_buckets(con: duckdb.DuckDBPyConnection, repo_id: int, labels: dict[str, str]) -> dict[str, str]:
    """Commit SHA -> bucket, for the commits of pull requests labelled with one of ``labels`` ([github]
    labels: label -> bucket), or whose linked issue (the one it closes) is: the pull request's own
    labels first, in their order, then its issues'. The commits are the pull request's own and the one
    that landed it."""
    if not labels:
        return {}
    issues = {i.number: i.labels for i in load(con, Issue, repo_id)}
    shas: dict[int, list[str]] = {}
    for c in load(con, PullCommit, repo_id):
        shas.setdefault(c.number, []).append(c.sha)
    out: dict[str, str] = {}
    for p in load(con, PullRequest, repo_id):
        named = [*p.labels, *(x for n in p.closes for x in issues.get(n, ()))]
        bucket = next((labels[k] for x in named if (k := x.strip().lower()) in labels), None)
        if bucket is None:
            continue
        for sha in [*shas.get(p.number, []), *([p.merge_commit_sha] if p.merge_commit_sha else [])]:
            out.setdefault(sha, bucket)
    return out


def synced(con: duckdb.DuckDBPyConnection, repo_id: int) -> bool:
    """Whether a GitHub sync stored anything for the repository (else GitHub numbers are unknown)."""
    return has_github_data(con, repo_id)
