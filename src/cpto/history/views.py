"""History results as reports, for every output format."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cpto.records.people import COUNT_RULE, IDENTITY_RULE
from cpto.report import Report, Table

if TYPE_CHECKING:
    from cpto.history.indexer import IndexResult
    from cpto.history.summary import HistorySummary


def index_report(results: list[IndexResult], index_path: str) -> Report:
    """What an index run did, one row per repository."""
    rows = [
        [
            r.repo,
            r.new_commits,
            r.removed_commits,
            r.total_commits,
            r.refs,
            "up to date" if r.up_to_date else "updated",
            round(r.seconds, 2),
        ]
        for r in results
    ]
    return Report(
        title="History index",
        subtitle=index_path,
        tables=[
            Table("Repositories", ["repository", "new", "dropped", "total", "refs", "state", "seconds"], rows)
        ],
        notes=[note for r in results for note in r.warnings],
        data={
            "index": index_path,
            "repos": [
                {
                    **asdict(r),
                    "problems": [{"sha": s, "problem": p} for s, p in r.problems],
                    "warnings": r.warnings,
                }
                for r in results
            ],
        },
    )


def summary_report(summary: HistorySummary, workspace: str) -> Report:
    """The history summary: repositories, weekly rhythm, busiest areas, people and releases.

    People and commits follow the one rule shared with ``cpto people`` (said under the tables and in
    the JSON ``rules``), so the two reports agree on who did how much.
    """
    commits = sum(r.commits for r in summary.repos)
    firsts = [r.first for r in summary.repos if r.first]
    lasts = [r.last for r in summary.repos if r.last]
    span = f"{min(firsts):%Y-%m-%d} to {max(lasts):%Y-%m-%d}" if firsts and lasts else "no commits"
    notes = [
        f"{r.path}: shallow clone, older history not indexed: commits, people and first dates count only"
        " the fetched history (git fetch --unshallow, then cpto index)"
        for r in summary.repos
        if r.shallow
    ]
    notes += [
        f"{r.path}: {r.incomplete_commits} commits indexed without their file changes (unreadable objects)"
        for r in summary.repos
        if r.incomplete_commits
    ]
    notes += summary.unknown
    rule = f"{COUNT_RULE}; {IDENTITY_RULE}"
    return Report(
        title="History summary",
        subtitle=workspace,
        facts=[
            ("Repositories", len(summary.repos)),
            ("Commits (non-merge)", commits),
            ("Merges", sum(r.merges for r in summary.repos)),
            ("Period", span),
            ("People", summary.people),
            ("Identities merged", summary.merged_identities),
        ],
        tables=[
            Table(
                "Repositories",
                ["repository", "commits", "merges", "people", "period", "branches", "tags"],
                [
                    [
                        _repo_name(r.path, workspace),
                        r.commits,
                        r.merges,
                        r.authors,
                        f"{r.first:%Y-%m} to {r.last:%Y-%m}" if r.first and r.last else "no commits",
                        r.branches,
                        r.tags,
                    ]
                    for r in summary.repos
                ],
                caption="commits are non-merge commits; merges are counted apart",
            ),
            Table(
                "Weekly rhythm",
                ["week of", "commits", "people", "lines changed"],
                [[w.week, w.commits, w.authors, _lines(w.lines_changed)] for w in summary.weeks],
            ),
            Table(
                "Busiest areas",
                ["area", "commits", "lines added", "lines deleted", "people"],
                [
                    [a.area, a.commits, _lines(a.lines_added), _lines(a.lines_deleted), a.authors]
                    for a in summary.areas
                ],
            ),
            Table(
                "Most active people",
                ["person", "identity", "commits", "code", "lines", "active"],
                [
                    [
                        a.handle or a.name or a.email,
                        a.identity,
                        a.commits,
                        a.code_commits,
                        _lines(a.lines_changed),
                        _months(a.first, a.last),
                    ]
                    for a in summary.authors
                ],
                caption=rule,
            ),
            Table(
                "Latest tags",
                ["tag", "commit", "date"],
                [[r.tag, r.sha[:10], r.date] for r in summary.releases],
            ),
        ],
        notes=notes,
        data={
            "workspace": workspace,
            **asdict(summary),
            "rules": {"count": COUNT_RULE, "identity": IDENTITY_RULE},
        },
    )


NOT_COUNTED = "not counted yet"


def _lines(value: int | None) -> int | str:
    """A line figure, or what stands in its place when some of its commits wait for their line counts
    (the JSON keeps null): an empty cell would read as nothing changed, a number as the whole count."""
    return NOT_COUNTED if value is None else value


def _months(first: datetime, last: datetime) -> str:
    """A person's active span by month, short enough for an 80-column table."""
    return f"{first:%Y-%m}" if f"{first:%Y-%m}" == f"{last:%Y-%m}" else f"{first:%Y-%m} to {last:%Y-%m}"


def _day(moment: datetime | None) -> date | None:
    """Tables show days; the JSON keeps the full timestamp."""
    return moment.date() if moment else None


def _repo_name(path: str, workspace: str) -> str:
    """A repository as the workspace names it (``../api``), or its folder's name when it is the workspace:
    paths of this machine say nothing to the reader."""
    relative = os.path.relpath(path, workspace)
    return Path(path).name if relative == "." else relative
