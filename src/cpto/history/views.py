"""History results as reports, for every output format."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from cpto.history.indexer import IndexResult
from cpto.history.summary import HistorySummary
from cpto.report import Report, Table


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
    """The history summary: repositories, weekly rhythm, busiest areas, people and releases."""
    commits = sum(r.commits for r in summary.repos)
    firsts = [r.first for r in summary.repos if r.first]
    lasts = [r.last for r in summary.repos if r.last]
    span = f"{min(firsts):%Y-%m-%d} to {max(lasts):%Y-%m-%d}" if firsts and lasts else "no commits"
    notes = [f"{r.path}: shallow clone, older history not indexed" for r in summary.repos if r.shallow]
    notes += [
        f"{r.path}: {r.incomplete_commits} commits indexed without their file changes (unreadable objects)"
        for r in summary.repos
        if r.incomplete_commits
    ]
    return Report(
        title="History summary",
        subtitle=workspace,
        facts=[
            ("Repositories", len(summary.repos)),
            ("Commits", commits),
            ("Period", span),
            ("Author identities", summary.people),
        ],
        tables=[
            Table(
                "Repositories",
                ["repository", "commits", "merges", "authors", "first", "last", "branches", "tags"],
                [
                    [r.path, r.commits, r.merges, r.authors, r.first, r.last, r.branches, r.tags]
                    for r in summary.repos
                ],
            ),
            Table(
                "Weekly rhythm",
                ["week of", "commits", "authors", "lines changed"],
                [[w.week, w.commits, w.authors, w.lines_changed] for w in summary.weeks],
            ),
            Table(
                "Busiest areas",
                ["area", "commits", "lines added", "lines deleted", "authors"],
                [[a.area, a.commits, a.lines_added, a.lines_deleted, a.authors] for a in summary.areas],
            ),
            Table(
                "Most active people",
                ["name", "email", "commits", "lines changed", "first", "last"],
                [
                    [a.name, a.email, a.commits, a.lines_changed, _day(a.first), _day(a.last)]
                    for a in summary.authors
                ],
            ),
            Table(
                "Latest releases",
                ["tag", "commit", "date"],
                [[r.tag, r.sha[:10], r.date] for r in summary.releases],
            ),
        ],
        notes=notes,
        data={"workspace": workspace, **asdict(summary)},
    )


def _day(moment: datetime | None) -> date | None:
    """Tables show days; the JSON keeps the full timestamp."""
    return moment.date() if moment else None
