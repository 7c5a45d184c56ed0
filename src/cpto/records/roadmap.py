"""roadmap.yaml and its clock speed: every joint review should move each item one horizon closer.

The roadmap's own git history is the record of the reviews: each version of the file with a new
``reviewed:`` date (or, without that key, each commit) is one review. An item that sits at the same
horizon review after review is not moving, and the fix is to propose the next rung ("one click faster").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpto.errors import CptoError

if TYPE_CHECKING:
    import duckdb

    from cpto.review.prd import Prd
from cpto.history.git import FileVersion
from cpto.records.times import parse_date
from cpto.review.text import terms
from cpto.review.trace import IN_PROGRESS, SHIPPED
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.edit import set_list_item, set_yaml_keys, update_file
from cpto.workspace.yamlfile import parse_yaml_list, read_yaml_list, text_list, text_value

HORIZONS = ("year", "half", "quarter", "month", "week")  # far to near: one review should move one rung
HORIZON_DAYS = {"year": 365, "half": 182, "quarter": 91, "month": 30, "week": 7}
DONE = ("shipped", "done", "cut", "dropped")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class RoadmapItem:
    id: str
    title: str
    horizon: str
    prd: str = ""
    owner: str = ""
    target: date | None = None
    status: str = ""
    requirements: tuple[str, ...] = ()
    line: int = 0

    @property
    def done(self) -> bool:
        return self.status.lower() in DONE


@dataclass(frozen=True)
class Roadmap:
    path: Path
    reviewed: date | None
    items: list[RoadmapItem]


def read_roadmap(path: Path) -> Roadmap:
    """Read roadmap.yaml; errors name the file and the item's line."""
    if not path.exists():
        return Roadmap(path, None, [])
    listing = read_yaml_list(path, "items")
    return _roadmap(listing.items, listing.top, path)


def parse_roadmap(text: str, path: Path) -> Roadmap:
    listing = parse_yaml_list(text, path, "items")
    return _roadmap(listing.items, listing.top, path)


def _roadmap(items: list[tuple[int, Any]], top: dict[str, Any], path: Path) -> Roadmap:
    out: list[RoadmapItem] = []
    seen: dict[str, int] = {}
    for line, raw in items:
        item = _item(path, line, raw)
        if item.id in seen:
            raise CptoError(
                f"{path}:{line}: duplicate roadmap id '{item.id}' (first at line {seen[item.id]})"
            )
        seen[item.id] = line
        out.append(item)
    return Roadmap(path, parse_date(top.get("reviewed"), f"{path}: reviewed"), out)


def _item(path: Path, line: int, raw: Any) -> RoadmapItem:
    where = f"{path}:{line}"
    if not isinstance(raw, dict):
        raise CptoError(f"{where}: a roadmap item must be a mapping with id, title and horizon")
    for key in ("id", "title", "horizon", "prd", "owner", "status"):
        text_value(raw.get(key), f"{where}: {key}")  # 'id: 0012' is the number 10, not RM-0012's text
    rid = str(raw.get("id") or "").strip()
    if not rid or not _ID.match(rid):
        raise CptoError(f"{where}: roadmap item needs an id like RM-3")
    horizon = str(raw.get("horizon") or "").strip().lower()
    if horizon not in HORIZONS:
        raise CptoError(f"{where}: {rid} horizon '{horizon}' is not one of {', '.join(HORIZONS)}")
    requirements = text_list(raw.get("requirements"), f"{where}: {rid} requirements")
    return RoadmapItem(
        id=rid,
        title=str(raw.get("title") or rid),
        horizon=horizon,
        prd=str(raw.get("prd") or ""),
        owner=str(raw.get("owner") or ""),
        target=parse_date(raw.get("target"), f"{where}: {rid} target"),
        status=str(raw.get("status") or ""),
        requirements=tuple(requirements),
        line=line,
    )


# --------------------------------------------------------------------------------------------------
# Clock speed from the file's history
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """The roadmap as it stood at one joint review."""

    day: date
    sha: str
    items: dict[str, RoadmapItem]


def reviews_from_history(versions: list[FileVersion], path: Path) -> tuple[list[Review], list[str]]:
    """One review per ``reviewed:`` date (its last version), or per commit where the key is not used.

    A version that does not parse is skipped with a warning: the history cannot be fixed, only read.
    """
    reviews: list[Review] = []
    warnings = []
    keys: list[object] = []
    for v in versions:
        if v.text is None:
            continue
        try:
            roadmap = parse_roadmap(v.text, path)
        except CptoError as exc:
            warnings.append(f"version {v.sha[:10]} skipped: {exc.message}")
            continue
        if not v.committed and roadmap.reviewed is None:
            warnings.append(
                f"version {v.sha[:10]} skipped: its commit date is unreadable and it names no review date"
            )
            continue
        committed = datetime.fromisoformat(v.committed).date() if v.committed else None
        key: object = roadmap.reviewed if roadmap.reviewed is not None else v.sha
        when = roadmap.reviewed or committed
        assert when is not None  # a version with neither was skipped above
        review = Review(when, v.sha, {i.id: i for i in roadmap.items})
        if keys and keys[-1] == key:
            reviews[-1] = review  # an edit between reviews: the state going into the next review
        else:
            reviews.append(review)
            keys.append(key)
    return reviews, warnings


@dataclass
class ItemClock:
    """One item across the reviews: its horizon at each, how many rungs it moved, how long it has sat."""

    item: RoadmapItem
    path: list[tuple[date, str | None]] = field(default_factory=list)
    closer: int = 0  # rungs moved toward "week" over all reviews
    slipped: int = 0  # rungs moved away
    stalled: int = 0  # reviews in a row, up to now, that left it at the same horizon (not done)
    intervals: int = 0  # review-to-review steps while it was not done
    proposal: str = ""
    proposed_horizon: str = ""  # what --apply writes: the next rung ("" at week: ship it or cut it)
    proposed_target: date | None = None  # and the target that rung implies, from proposed_target()
    evidence: str = ""  # what the product review found for it ("" when not checked)
    target_problems: list[str] = field(default_factory=list)  # past target, horizon contradicting it

    @property
    def rungs_per_review(self) -> float | None:
        return round(self.closer / self.intervals, 2) if self.intervals else None


def clock_speed(reviews: list[Review], current: Roadmap, today: date) -> list[ItemClock]:
    """Every current item's horizon over the reviews, its movement, and a one-click-faster proposal.

    Proposals count from ``today`` (the day they would be applied), never from the last review: a
    target proposed from a review weeks ago would already be in the past, and ``--apply`` would write
    another date than the one shown.
    """
    clocks = []
    for item in current.items:
        clock = ItemClock(
            item, [(r.day, h.horizon if (h := r.items.get(item.id)) else None) for r in reviews]
        )
        steps = list(pairwise(r.items[item.id] for r in reviews if item.id in r.items))
        for before, after in steps:
            if before.done:
                break
            clock.intervals += 1
            step = HORIZONS.index(after.horizon) - HORIZONS.index(before.horizon)
            clock.closer += max(step, 0)
            clock.slipped += max(-step, 0)
        for before, after in reversed(steps):
            if before.done or after.horizon != before.horizon:
                break
            clock.stalled += 1
        if clock.stalled and not item.done:
            nearer = next_rung(item.horizon)
            clock.proposed_horizon = nearer or ""
            clock.proposed_target = proposed_target(nearer, today, item.target) if nearer else None
            clock.proposal = one_click_faster(item, today)
        clock.target_problems = target_problems(item, today)
        clocks.append(clock)
    return clocks


def proposed_target(horizon: str, today: date, current: date | None = None) -> date:
    """The target a move to ``horizon`` implies: ``current`` if it is still ahead and inside the
    horizon (moving closer never pushes a date later), else the horizon's end counted from ``today``.
    Never in the past. The one rule both the preview and ``--apply`` use."""
    latest = today + timedelta(days=HORIZON_DAYS[horizon])
    return current if current is not None and today <= current <= latest else latest


def one_click_faster(item: RoadmapItem, today: date) -> str:
    """The next rung closer, with the target it implies; an item already at ``week`` ships or shrinks."""
    nearer = next_rung(item.horizon)
    if nearer is None:
        return "ship it this week, or cut it to the part that can ship this week"
    return f"move to {nearer}, target {proposed_target(nearer, today, item.target).isoformat()}"


def fitting_horizon(days_away: int) -> str:
    """The nearest horizon a target ``days_away`` fits in (``year`` beyond a year too)."""
    return next((h for h in reversed(HORIZONS) if days_away <= HORIZON_DAYS[h]), HORIZONS[0])


def target_problems(item: RoadmapItem, today: date) -> list[str]:
    """What makes an open item's target doubtful: a target already passed, or a horizon that
    contradicts it (``week`` with a target six months out, ``year`` with one next week).

    A horizon says when an item ships; its target must fall inside it. A target more than two rungs
    nearer than the horizon means the horizon was never moved. Done items are not checked.
    """
    if item.done or item.target is None:
        return []
    away = (item.target - today).days
    if away < 0:
        return [
            f"target {item.target.isoformat()} passed {-away} day(s) ago and it is not done:"
            " ship it, cut it, or move it with a new target"
        ]
    fits = fitting_horizon(away)
    if away > HORIZON_DAYS[item.horizon]:
        return [
            f"horizon {item.horizon} but target {item.target.isoformat()} is {away} days away"
            f" (a {fits} horizon): move the horizon or the target"
        ]
    if HORIZONS.index(fits) - HORIZONS.index(item.horizon) >= 2:
        return [
            f"horizon {item.horizon} but target {item.target.isoformat()} is only {away} days away"
            f" (a {fits} horizon): move the horizon or the target"
        ]
    return []


def plan_move(item: RoadmapItem, horizon: str, target: date | None, today: date) -> list[str]:
    """What would be doubtful about ``item`` at ``horizon`` (and ``target``, if one is given).

    A target given with the move is the mover's own choice, so a past one or one the horizon
    contradicts is refused (nothing is written); problems with the target the item already had are
    returned, to be shown after the move.
    """
    if horizon not in HORIZONS:
        raise CptoError(f"horizon '{horizon}' is not one of {', '.join(HORIZONS)}")
    moved = RoadmapItem(item.id, item.title, horizon, target=target or item.target, status=item.status)
    problems = target_problems(moved, today)
    if target is not None and problems:
        raise CptoError(f"{item.id}: --target {target.isoformat()} refused (today is {today}): {problems[0]}")
    return problems


def next_rung(horizon: str) -> str | None:
    rung = HORIZONS.index(horizon)
    return HORIZONS[rung + 1] if rung + 1 < len(HORIZONS) else None


def move_edit(item_id: str, horizon: str, target: date | None, path: Path) -> Callable[[str], str]:
    """The edit that puts an item at ``horizon`` (and ``target``), leaving the rest of roadmap.yaml alone."""
    if horizon not in HORIZONS:
        raise CptoError(f"horizon '{horizon}' is not one of {', '.join(HORIZONS)}")
    updates: dict[str, Any] = {"horizon": horizon}
    if target is not None:
        updates["target"] = target  # a date, so YAML writes it bare (2027-03-31), as people do

    def change(text: str) -> str:
        return set_list_item(text, "items", item_id, updates, where=str(path))

    return change


def reviewed_edit(day: date, path: Path) -> Callable[[str], str]:
    """The edit that stamps the file's ``reviewed:`` date (a new joint review)."""
    return lambda text: set_yaml_keys(text, {"reviewed": day}, where=str(path))


def overall_speed(clocks: list[ItemClock]) -> float | None:
    """Rungs moved per review, over every item still being worked on between reviews."""
    intervals = sum(c.intervals for c in clocks)
    return round(sum(c.closer for c in clocks) / intervals, 2) if intervals else None


def requirements_for(item: RoadmapItem, requirements: list[tuple[str, str]]) -> list[str]:
    """The PRD requirements an item stands for: those it lists under ``requirements:``, else those sharing
    the most of the item title's words, else (no word in common) the whole PRD.

    ``requirements`` are (id, text) pairs of the item's PRD.
    """
    if item.requirements:
        return [rid for rid, _ in requirements if rid in item.requirements]
    wanted = set(terms(item.title))
    overlap = {rid: len(wanted & set(terms(text))) for rid, text in requirements}
    best = max(overlap.values(), default=0)
    return [rid for rid, shared in overlap.items() if shared == best]


def requirements_by_prd(prds: list[Prd]) -> dict[Path, list[tuple[str, str]]]:
    """Each PRD's (requirement id, title and text) pairs, by resolved path: what items are matched to."""
    return {prd.path.resolve(): [(r.id, f"{r.title} {r.text}") for r in prd.requirements] for prd in prds}


def item_requirements(item: RoadmapItem, root: Path, by_prd: dict[Path, list[tuple[str, str]]]) -> list[str]:
    """The requirement ids a roadmap item stands for, in its PRD (none without a PRD)."""
    requirements = by_prd.get((root / item.prd).resolve(), []) if item.prd else []
    return requirements_for(item, requirements)


def evidence(item: RoadmapItem, matched: list[str], statuses: dict[str, str]) -> tuple[bool, str]:
    """Whether the product review shows work on the item's requirements, and the statuses that say so."""
    if not matched:
        return False, "no requirement of its PRD matches" if item.prd else "no PRD"
    said = [f"{rid} {statuses.get(rid, 'not found').replace('_', ' ')}" for rid in matched]
    working = any(statuses.get(rid) in (SHIPPED, IN_PROGRESS) for rid in matched)
    return working, ", ".join(said)


def attach_evidence(
    con: duckdb.DuckDBPyConnection | None, config: WorkspaceConfig, clocks: list[ItemClock]
) -> None:
    """Run the product review over the PRDs the roadmap names and say what it found for each item.

    ``con`` is the history index holding the workspace's first repository (None: nothing to review).
    """
    from cpto.review.service import load_prds, review_workspace

    prd_paths = sorted(
        {(config.root / c.item.prd) for c in clocks if c.item.prd and (config.root / c.item.prd).is_file()}
    )
    if con is None or not prd_paths or not config.repos:
        for c in clocks:
            c.evidence = "no PRD" if not c.item.prd else f"PRD {c.item.prd} not reviewed"
        return
    prds = load_prds(prd_paths)
    result = review_workspace(con, config, prds)
    statuses = {t.requirement.id: t.status for t in result.requirements}
    by_prd = requirements_by_prd(prds)
    for c in clocks:
        working, said = evidence(c.item, item_requirements(c.item, config.root, by_prd), statuses)
        c.evidence = said if working or c.item.done else f"no evidence of work: {said}"


def apply_proposals(
    path: Path, clocks: list[ItemClock], today: date, *, commit: bool
) -> list[tuple[str, str, date]]:
    """Write every stalled item's proposal (the rung and target the review showed, as computed by
    :func:`clock_speed`) and ``reviewed: today``; returns the (id, horizon, target) written."""
    moves = [
        (c.item.id, c.proposed_horizon, c.proposed_target)
        for c in clocks
        if c.proposed_horizon and c.proposed_target is not None
    ]
    edits = [move_edit(rid, h, target, path) for rid, h, target in moves]
    edits.append(reviewed_edit(today, path))

    def change(text: str) -> str:
        for edit in edits:
            text = edit(text)
        return text

    update_file(path, change, commit=f"roadmap: joint review {today.isoformat()}" if commit else None)
    return moves
