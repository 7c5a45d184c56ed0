"""Investment allocation: the share of a week's effort in feature, fix, debt, infra and other.

Effort is counted three ways because each misleads alone: commits (many small fixes look big), changed
lines (one generated file looks big), and people-weeks (each author who committed that week is one
person-week, split across buckets by their own commits).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from cpto.heartbeat.classify import CATEGORIES, classify


@dataclass
class Allocation:
    commits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    lines: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    people_weeks: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))

    def shares(self, measure: str) -> dict[str, float]:
        values: dict[str, float] = {k: float(v) for k, v in getattr(self, measure).items()}
        total = sum(values.values())
        return {k: round(v / total, 3) if total else 0.0 for k, v in values.items()}


def allocation(con: duckdb.DuckDBPyConnection, repo_id: int, start: datetime, end: datetime) -> Allocation:
    """Classify the non-merge commits committed in [start, end) and add up their effort per bucket."""
    rows = con.execute(
        """
        SELECT c.sha, c.message, lower(c.author_email), c.added, c.deleted, list(f.path) FILTER (WHERE f.path IS NOT NULL)
        FROM commits c LEFT JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
        WHERE c.repo_id = ? AND len(c.parents) <= 1 AND c.committer_time >= ? AND c.committer_time < ?
        GROUP BY ALL
        """,
        [repo_id, start, end],
    ).fetchall()
    result = Allocation()
    per_author: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CATEGORIES, 0))
    for _sha, message, author, added, deleted, paths in rows:
        category = classify(message or "", paths or [], int(added or 0), int(deleted or 0)).category
        result.commits[category] += 1
        result.lines[category] += int(added or 0) + int(deleted or 0)
        per_author[author][category] += 1
    for counts in per_author.values():
        total = sum(counts.values())
        for category, n in counts.items():
            result.people_weeks[category] += n / total
    result.people_weeks = {k: round(v, 2) for k, v in result.people_weeks.items()}
    return result
