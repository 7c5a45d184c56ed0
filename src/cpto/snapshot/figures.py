"""One week's figures, gathered with the heartbeat's and the review's own functions.

Nothing is recomputed here: the DORA metrics are :func:`cpto.heartbeat.views.metrics` (unknown stays
``None`` with its reason), the counts are the heartbeat's lists, and the per-PRD status counts are the
review's (:func:`cpto.review.service.review_workspace`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cpto.errors import CptoError
from cpto.heartbeat.dora import Metric
from cpto.heartbeat.week import Heartbeat, workspace_heartbeat
from cpto.review.prd import Prd
from cpto.review.trace import IN_PROGRESS, NOT_STARTED, SHIPPED, UNCLEAR, TraceResult
from cpto.workspace.config import WorkspaceConfig

PRD_STATUSES = (SHIPPED, IN_PROGRESS, UNCLEAR, NOT_STARTED)
COMMITS = "commits"
STOP_CORDS = "open stop cords"
PAST_SLA = "decisions past SLA"
ACTIONS = "open action items"
NO_DECISIONS = "unknown: no decision records (cpto decision new)"
# figures that count things: shown as their number (their detail lists what they count)
COUNTS = frozenset({COMMITS, STOP_CORDS, PAST_SLA, ACTIONS, *PRD_STATUSES})


@dataclass(frozen=True)
class Figure:
    """One stored number. ``subject`` is "" for the workspace's figures, the PRD's title for its counts.
    ``value`` None is unknown, and ``detail`` then says why; otherwise ``detail`` is the value as shown
    (``21h 00m``) or what it counts (the ids)."""

    name: str
    value: float | None
    detail: str
    subject: str = ""


@dataclass(frozen=True)
class Week:
    """What a snapshot and a digest read: the heartbeat, its five metrics, and the review."""

    beat: Heartbeat
    metrics: list[Metric]
    prds: list[Prd]
    review: TraceResult | None
    taken_at: datetime
    root: Path
    warnings: list[str] = field(default_factory=list)


def gather(config: WorkspaceConfig, start: datetime, now: datetime) -> Week:
    """The heartbeat of the week from ``start`` and the product review, as ``cpto heartbeat`` and
    ``cpto review`` compute them. The index must be up to date (the CLI runs ``cpto index`` first).
    A review that fails (a PRD it refuses) is a warning: the delivery figures still stand."""
    from cpto.heartbeat.views import metrics
    from cpto.history import store
    from cpto.review.service import load_prds, review_workspace, workspace_prds

    warnings: list[str] = []
    with store.open_index(config.index_path, read_only=True) as con:
        beat = workspace_heartbeat(con, config, start, now=now, trace=False)
        prds: list[Prd] = []
        result = None
        paths = workspace_prds(config)
        if paths:
            try:
                prds = load_prds(paths)
                result = review_workspace(con, config, prds)
            except CptoError as exc:
                warnings.append(f"PRD figures not taken: {exc.message}")
                prds = []
    return Week(beat, metrics(beat), prds, result, now, config.root, warnings)


def shown(figure: Figure) -> str:
    """A stored figure as the reports showed it: a count as its number, a metric as its text
    (``2d 4h``), an unknown as ``unknown: why``. The one reading of a snapshot's values, for the digest's
    "was" and for :mod:`cpto.snapshot.changes`."""
    if figure.value is None or figure.name not in COUNTS:
        return figure.detail
    return f"{figure.value:g}"


def figures(week: Week) -> list[Figure]:
    """The figures a snapshot stores, in the digest's order."""
    beat = week.beat
    out = [
        Figure(m.name, m.value, m.text if m.value is not None else f"unknown: {m.reason}")
        for m in week.metrics
    ]
    commits = sum(beat.effort[-1][1].commits.values())
    out.append(Figure(COMMITS, float(commits), str(commits)))
    out.append(Figure(STOP_CORDS, float(len(beat.pulled)), ", ".join(a.id for a in beat.pulled)))
    if beat.decision_records:
        out.append(Figure(PAST_SLA, float(len(beat.past_sla)), ", ".join(d.id for d in beat.past_sla)))
    else:
        out.append(Figure(PAST_SLA, None, NO_DECISIONS))
    out.append(
        Figure(
            ACTIONS, float(len(beat.open_actions)), ", ".join(sorted({a.record for a in beat.open_actions}))
        )
    )
    if week.review is not None:
        for prd in week.prds:
            traces = [t for t in week.review.requirements if t.prd == str(prd.path)]
            subject = _relative(prd, week)
            for status in PRD_STATUSES:
                count = sum(t.status == status for t in traces)
                detail = f"{prd.title or prd.path.stem}: of {len(traces)} requirements"
                out.append(Figure(status, float(count), detail, subject))
    return out


def _relative(prd: Prd, week: Week) -> str:
    """A PRD's path from the workspace root: its key in the snapshots, kept when its title changes."""
    root = week.root
    try:
        return prd.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(prd.path)
