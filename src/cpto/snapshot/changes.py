"""What moved most between two snapshots of figures: Home's "top changes since the last snapshot".

Figures are compared as stored (:mod:`cpto.snapshot.figures`), read as the reports showed them
(:func:`figures.shown`, the digest's "was"). Three rules keep it honest:

- unknown stays unknown: a figure unknown then or now is never a move from or to 0. Known then and
  unknown now (or the reverse) is listed as such, because a number that stopped being measurable is
  news; unknown both times is no change;
- a figure one side lacks (a PRD added since, decisions first recorded) is not compared;
- moves are ranked by their size against what was (``|now - was| / max(|was|, floor)``, the floor
  keeping 0 -> 1 from outranking everything: 1 for counts and deploys a week, 1 hour for times, 5
  points for rates). A number that became unknown, or known, ranks as a move of 100%.

A PRD's four status counts are one change (its requirements that changed status), so one shipped
requirement does not fill the list twice (shipped +1, in progress -1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cpto.errors import CptoError
from cpto.heartbeat.dora import FAIL_RATE, FREQUENCY, LEAD_TIME, RECOVERY, REWORK
from cpto.report.model import Table, Tag
from cpto.review.trace import IN_PROGRESS, NOT_STARTED, SHIPPED, UNCLEAR
from cpto.snapshot.figures import (
    ACTIONS,
    COMMITS,
    PAST_SLA,
    PRD_STATUSES,
    STOP_CORDS,
    Figure,
    Week,
    figures,
    shown,
)
from cpto.snapshot.store import Snapshot
from cpto.workspace.config import WorkspaceConfig

TOP = 5
NO_SNAPSHOT = "no snapshot yet: `cpto snapshot` takes one, and `cpto serve` takes one each week"
ONE_SNAPSHOT = "one snapshot so far ({week}): the changes show from the second week on"
NOTHING_MOVED = "nothing moved since the snapshot of {week}"

BETTER, WORSE, UP, DOWN = "better", "worse", "up", "down"
NOW_UNKNOWN, NOW_KNOWN = "now unknown", "now known"

HIGHER, LOWER, NEUTRAL = 1, -1, 0
# name: (which way is better, the floor of the "was" a move is measured against, why it matters)
_MEANING: dict[str, tuple[int, float, str]] = {
    FREQUENCY: (HIGHER, 1.0, "how often users get changes"),
    LEAD_TIME: (LOWER, 1.0, "how long a finished change waits to reach users"),
    FAIL_RATE: (LOWER, 0.05, "share of deploys that caused an incident"),
    RECOVERY: (LOWER, 1.0, "how long users were hurt by a failed deploy"),
    REWORK: (LOWER, 0.05, "share of deploys made to fix an open incident: unplanned work"),
    COMMITS: (NEUTRAL, 1.0, "how much work landed (context for the rest, not a goal)"),
    STOP_CORDS: (LOWER, 1.0, "the line is stopped until each is dealt with"),
    PAST_SLA: (LOWER, 1.0, "someone is waiting on each decision past its agreed time"),
    ACTIONS: (LOWER, 1.0, "follow-ups promised in incidents and decisions, not done"),
}
_PRD_WHY = "requirements of the PRD that changed status"
_TONE = {BETTER: "good", WORSE: "bad", NOW_UNKNOWN: "attention", NOW_KNOWN: "info", UP: "", DOWN: ""}


@dataclass(frozen=True)
class Change:
    """One figure that moved: ``was`` and ``now`` as the reports showed them, ``direction`` one of
    better, worse, up, down (no better way), now unknown, now known; ``subject`` the PRD's path for a
    PRD's counts, else ""."""

    name: str
    was: str
    now: str
    direction: str
    why: str
    size: float
    subject: str = ""


@dataclass(frozen=True)
class Changes:
    """The top changes against the snapshot of ``since`` (None: there is none), or, when there are
    none, ``reason`` saying why; ``more``: moves left off the top; ``unknown``: figures unknown then and
    now, which no list of moves can show (said in the caption, so a short list is not read as calm)."""

    since: str | None
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    more: int = 0
    unknown: list[str] = field(default_factory=list)


def changes(
    current: Week | Snapshot | Sequence[Figure], previous: Snapshot | None, top: int = TOP
) -> Changes:
    """The ``top`` figures that moved most from ``previous`` to ``current`` (a week being read, a
    snapshot, or figures), biggest first; with no ``previous``, none and the reason."""
    if previous is None:
        return Changes(None, reason=NO_SNAPSHOT)
    now = _figures(current)
    found = [c for c in _figure_changes(now, previous) + _prd_changes(now, previous) if c is not None]
    order = {(f.name, f.subject): i for i, f in enumerate(now)}
    found.sort(key=lambda c: (-c.size, order.get((c.name if not c.subject else SHIPPED, c.subject), 0)))
    unknown = [
        f.name
        for f in now
        if not f.subject
        and f.value is None
        and (was := previous.get(f.name)) is not None
        and was.value is None
    ]
    if not found:
        return Changes(previous.week, reason=NOTHING_MOVED.format(week=previous.week), unknown=unknown)
    return Changes(previous.week, found[:top], more=max(0, len(found) - top), unknown=unknown)


def latest_changes(snapshots: list[Snapshot], top: int = TOP) -> tuple[str | None, Changes]:
    """Home's list: the newest snapshot (``store.latest``) against the one before it, both whole
    weeks, so Tuesday's two days are never read against a full week as "commits down 70%". Returns the
    newest snapshot's week (None: no snapshot) and its changes."""
    if not snapshots:
        return None, Changes(None, reason=NO_SNAPSHOT)
    if len(snapshots) < 2:
        return snapshots[0].week, Changes(None, reason=ONE_SNAPSHOT.format(week=snapshots[0].week))
    return snapshots[0].week, changes(snapshots[0], snapshots[1], top)


def changes_table(week: str | None, found: Changes) -> Table:
    """The changes as a report table for any renderer (which escapes them): Home's "Since the last
    snapshot" list. An empty list keeps its reason as the caption."""
    title = f"Changes in {week}, against the snapshot of {found.since}" if found.since and week else "Changes"
    if week and not found.since:
        title = f"Changes in {week}"
    rows: list[list[Any]] = [
        [f"PRD {c.name}" if c.subject else c.name, c.was, c.now, Tag(c.direction, _TONE[c.direction]), c.why]
        for c in found.changes
    ]
    parts = [found.reason or (f"and {found.more} smaller moves" if found.more else "")]
    if found.unknown:
        parts.append(f"unknown then and now: {', '.join(found.unknown)} (cpto heartbeat says why)")
    caption = "; ".join(p for p in parts if p)
    return Table(title, ["figure", "was", "now", "change", "why it matters"], rows, caption)


def _figures(current: Week | Snapshot | Sequence[Figure]) -> list[Figure]:
    if isinstance(current, Week):
        return figures(current)
    if isinstance(current, Snapshot):
        return current.figures
    return list(current)


def _figure_changes(now: list[Figure], previous: Snapshot) -> list[Change | None]:
    return [
        _change(f, was)
        for f in now
        if not f.subject and (was := previous.get(f.name)) is not None and f.name in _MEANING
    ]


def _change(now: Figure, was: Figure) -> Change | None:
    better, floor, why = _MEANING[now.name]
    if now.value is None and was.value is None:
        return None
    if now.value is None or was.value is None:
        direction = NOW_UNKNOWN if now.value is None else NOW_KNOWN
        return Change(now.name, shown(was), shown(now), direction, why, 1.0)
    delta = now.value - was.value
    if shown(now) == shown(was) or delta == 0:
        return None
    direction = (
        (UP if delta > 0 else DOWN) if better == NEUTRAL else (BETTER if delta * better > 0 else WORSE)
    )
    return Change(now.name, shown(was), shown(now), direction, why, abs(delta) / max(abs(was.value), floor))


def _prd_changes(now: list[Figure], previous: Snapshot) -> list[Change | None]:
    out: list[Change | None] = []
    for subject in dict.fromkeys(f.subject for f in now if f.subject):
        counts_now = _counts(now, subject)
        counts_was = _counts(previous.figures, subject)
        if counts_now is None or counts_was is None or counts_now == counts_was:
            continue
        moved = sum(abs(counts_now[s] - counts_was[s]) for s in PRD_STATUSES) / 2
        shipped = counts_now[SHIPPED] - counts_was[SHIPPED]
        unclear = counts_now[UNCLEAR] - counts_was[UNCLEAR]
        if shipped or unclear:
            direction = BETTER if shipped > 0 or (not shipped and unclear < 0) else WORSE
        else:
            direction = UP if counts_now[IN_PROGRESS] > counts_was[IN_PROGRESS] else DOWN
        title = next(f.detail for f in now if f.subject == subject).rpartition(": of ")[0]
        out.append(
            Change(
                title or subject,
                _status_text(counts_was),
                _status_text(counts_now),
                direction,
                _PRD_WHY,
                max(moved, 0.5),
                subject,
            )
        )
    return out


def _counts(figs: Sequence[Figure], subject: str) -> dict[str, float] | None:
    counts = {f.name: f.value for f in figs if f.subject == subject and f.name in PRD_STATUSES}
    if set(counts) != set(PRD_STATUSES) or any(v is None for v in counts.values()):
        return None
    return {k: float(v or 0) for k, v in counts.items()}


def _status_text(counts: dict[str, float]) -> str:
    total = sum(counts.values())
    parts = [
        f"{counts[s]:g} {s.replace('_', ' ')}"
        for s in (SHIPPED, IN_PROGRESS, UNCLEAR, NOT_STARTED)
        if counts[s]
    ]
    return f"{', '.join(parts) or 'none'} of {total:g}"


def home_table(config: WorkspaceConfig, top: int = TOP) -> Table:
    """Home's table, read from the workspace's snapshots file. Call it under the forum's lock (the
    weekly snapshot writes under it). A snapshots file that cannot be read now (another cpto process
    writing it) is said in the table's caption rather than failing the whole page."""
    from cpto.snapshot.store import latest, snapshots_path

    try:
        week, found = latest_changes(latest(snapshots_path(config)), top)
    except CptoError as exc:
        week, found = None, Changes(None, reason=exc.message)
    return changes_table(week, found)
