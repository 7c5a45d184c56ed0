"""The technical strategy as a report: the roadmap's items next to the hotspots and the concentrated
knowledge they will have to touch, then each repository's hotspots and areas.

``strategy_page`` is what the forum's /strategy page and ``cpto strategy`` both show, so the page and
the command give the same numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb

from cpto.heartbeat.hotspots import Hotspot
from cpto.records.people import IDENTITY_RULE
from cpto.report.model import NARROW, WIDE, Block, Blocks, Report, Table, Tag
from cpto.strategy.analysis import (
    CONCENTRATED,
    DEFAULT_DEPTH,
    DEFAULT_WEEKS,
    ItemReach,
    Ownership,
    Strategy,
    workspace_strategy,
)
from cpto.workspace.config import WorkspaceConfig

PRIVATE = "[privacy] person_scores = false in cpto.toml: shares are shown without who holds them"
BUS_FACTOR = (
    "bus factor: the fewest people whose changed lines add up to more than half of the code's changed lines"
    " in the window (1: one person wrote most of it)"
)
ROADMAP_HOW = (
    "write roadmap.yaml with an items: list (id, title, horizon, prd: the item's PRD, requirements: its"
    " requirement ids) or point [workspace] roadmap in cpto.toml at yours; then each item is shown next to"
    " the hotspots its PRD's evidence touched"
)


def strategy_page(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    now: datetime,
    *,
    weeks: int = DEFAULT_WEEKS,
    since: datetime | None = None,
    depth: int = DEFAULT_DEPTH,
) -> Report:
    """The technical strategy of the last ``weeks`` weeks up to ``now`` (or from ``since``), as
    ``cpto strategy`` shows it. ``con``: the history index, brought up to date and open."""
    start = since if since is not None else now - timedelta(weeks=weeks)
    strategy = workspace_strategy(con, config, start, now, depth=depth)
    return strategy_report(strategy, config.name, person_scores=config.person_scores)


def strategy_report(strategy: Strategy, workspace: str, *, person_scores: bool = True) -> Report:
    """Facts, the roadmap items' reach, hotspots and areas, and the JSON of all of it.

    ``person_scores`` False (``[privacy] person_scores = false``) keeps names off every share: "one
    person wrote 85%" instead of who.
    """
    window = f"{strategy.since.date().isoformat()} to {strategy.until.date().isoformat()}"
    several = len(strategy.repos) > 1
    spots = sum(len(r.hotspots) for r in strategy.repos)
    concentrated = sum(1 for r in strategy.repos for a in r.areas if a.concentrated)
    facts: list[tuple[str, Any]] = [
        ("window", f"{window} ({strategy.weeks:g} weeks)"),
        ("commits in window", sum(r.commits for r in strategy.repos)),
        ("commits changing code", sum(r.code_commits for r in strategy.repos)),
        ("hotspots", spots),
        ("areas", sum(len(r.areas) for r in strategy.repos)),
        ("concentrated areas (bus factor 1)", concentrated),
    ]
    notes: list[str] = []
    sections: list[Table | Blocks] = []
    if strategy.items is None:
        facts.append(("roadmap items", "none: no roadmap file"))
        notes.append(f"no roadmap: {strategy.roadmap_path} does not exist; {ROADMAP_HOW}")
    else:
        known = sum(1 for i in strategy.items if i.known)
        facts.append(("roadmap items", f"{len(strategy.items)} ({known} with evidence of what they touch)"))
        sections.append(_items_section(strategy, several, person_scores))
    for repo in strategy.repos:
        name = f" in {repo.repo}" if several else ""
        if repo.hotspots:
            sections.extend(_hotspot_sections(repo.hotspots, name, strategy, person_scores))
        if repo.areas:
            sections.extend(_area_sections(repo.areas, name, strategy, person_scores))
        if not repo.code_commits:
            last = f"; its last commit is from {repo.last.date().isoformat()}" if repo.last else ""
            notes.insert(
                0,
                f"{repo.repo}: no commit changed code in {window}{last}: no hotspots or owners to show"
                " (choose the window with --since or --weeks)",
            )
    notes.append(
        f"computed from non-merge commits committed {window}; hotspots: commits x indentation complexity at"
        " HEAD, code files only (as cpto history counts code)"
    )
    notes.append(BUS_FACTOR)
    notes.append(f"people: {IDENTITY_RULE}")
    if not person_scores:
        notes.append(PRIVATE)
    notes.extend(strategy.warnings)
    return Report(
        title="Technical strategy",
        subtitle=f"{workspace}: hotspots, knowledge concentration and the roadmap items that touch them",
        facts=facts,
        tables=sections,
        notes=notes,
        data=_data(strategy, person_scores),
    )


def _where(repo: str, path: str, several: bool) -> str:
    return f"{repo}:{path}" if several else path


def _pct(share: float) -> str:
    """A share as a percentage; one decimal near a half, so "more than half" never reads as 50%."""
    return f"{share:.1%}" if 0.495 <= share < 0.505 else f"{share:.0%}"


def _held(o: Ownership, person_scores: bool) -> str:
    """Who wrote most of some code's changed lines, or "one person" when names are kept out."""
    top = o.top
    if top is None:
        return "nobody in window"
    who = top.name if person_scores else "one person"
    return f"{who} wrote {_pct(o.top_share)}"


def _items_section(strategy: Strategy, several: bool, person_scores: bool) -> Blocks:
    assert strategy.items is not None
    risky = {(r.repo, a.path): a for r in strategy.repos for a in r.areas}
    blocks = []
    for item in sorted(strategy.items, key=_item_order):
        entries: list[Any] = []
        if item.known:
            entries.append(
                ("hotspots it touches", [_where(r, p, several) for r, p in item.hotspots] or "none")
            )
            entries.append(
                (
                    "concentrated areas it touches",
                    [
                        f"{_where(r, a, several)} (bus factor {risky[(r, a)].bus_factor}:"
                        f" {_held(risky[(r, a)], person_scores)})"
                        for r, a in item.areas
                    ]
                    or "none",
                )
            )
            entries.append(("requirements", ", ".join(item.requirements)))
        blocks.append(
            Block(
                heading=f"{item.id} {item.title}",
                tag=_item_tag(item),
                note=" · ".join(x for x in (item.horizon, item.status, item.prd) if x),
                text=item.reason,
                entries=entries,
            )
        )
    return Blocks(
        "Roadmap items and the code they touch",
        blocks,
        caption="files from each item's PRD requirements' linked commits and files (the product review's"
        " evidence); items touching a hotspot or a concentrated area first",
    )


def _item_order(item: ItemReach) -> tuple[int, int, str]:
    risk = len(item.hotspots) + len(item.areas)
    return (0 if risk else 1 if item.known else 2, -risk, item.id)


def _item_tag(item: ItemReach) -> Tag:
    if not item.known:
        return Tag("unknown", "muted")
    if item.hotspots and item.areas:
        return Tag("hotspot + concentrated", "bad")
    if item.hotspots or item.areas:
        return Tag("hotspot" if item.hotspots else "concentrated", "attention")
    return Tag("clear", "good")


def _hotspot_sections(
    rows: list[tuple[Hotspot, Ownership]], name: str, strategy: Strategy, person_scores: bool
) -> list[Table | Blocks]:
    """The hotspots as a wide table and, for narrow screens, the same as blocks."""
    touching: dict[tuple[str, str], list[str]] = {}
    for item in strategy.items or []:
        for spot in item.hotspots:
            touching.setdefault(spot, []).append(item.id)
    none = "-"
    caption = (
        "the code files changed most in the window x their indentation complexity at HEAD; who changed"
        " them and their bus factor over the window's changes"
    )
    table = Table(
        f"Hotspots{name}",
        ["file", "commits", "complexity", "score", "authors", "most lines", "bus factor", "roadmap items"],
        [
            [
                h.path,
                h.commits,
                h.complexity,
                h.score,
                o.authors,
                _held(o, person_scores),
                _bus(o),
                ", ".join(touching.get((o.repo, h.path), [])) or none,
            ]
            for h, o in rows
        ],
        caption=caption,
        show=WIDE,
    )
    blocks = [
        Block(
            heading=h.path,
            tag=Tag(f"bus factor {o.bus_factor}", "attention") if o.concentrated else None,
            note=f"score {h.score:,}",
            text=f"{h.commits} commits x complexity {h.complexity}; {o.authors} author(s),"
            f" {_held(o, person_scores)}",
            entries=[("roadmap items", ", ".join(touching.get((o.repo, h.path), [])) or none)],
        )
        for h, o in rows
    ]
    return [table, Blocks(f"Hotspots{name}", blocks, caption, NARROW)]


def _bus(o: Ownership) -> Tag | int:
    return (
        Tag(str(o.bus_factor), "attention") if o.bus_factor and o.bus_factor <= CONCENTRATED else o.bus_factor
    )


def _area_sections(
    rows: list[Ownership], name: str, strategy: Strategy, person_scores: bool
) -> list[Table | Blocks]:
    """The areas most changed in the window, as a wide table and, for narrow screens, as blocks."""
    shown = rows[:15]
    caption = f"code folders {strategy.depth} levels deep, most changed first" + (
        f" (top 15 of {len(rows)})" if len(rows) > 15 else ""
    )
    title = f"Knowledge concentration by area{name}"
    table = Table(
        title,
        ["area", "commits", "lines changed", "authors", "most lines", "bus factor"],
        [[o.path, o.commits, o.lines, o.authors, _held(o, person_scores), _bus(o)] for o in shown],
        caption=caption,
        show=WIDE,
    )
    blocks = [
        Block(
            heading=o.path,
            tag=Tag(f"bus factor {o.bus_factor}", "attention") if o.concentrated else None,
            text=f"{o.commits} commits, {o.lines:,} lines changed; {o.authors} author(s),"
            f" {_held(o, person_scores)}",
        )
        for o in shown
    ]
    return [table, Blocks(title, blocks, caption, NARROW)]


def _ownership_data(o: Ownership, person_scores: bool) -> dict[str, Any]:
    top = o.top
    return {
        "commits": o.commits,
        "lines": o.lines,
        "authors": o.authors,
        "top_share": round(o.top_share, 3),
        "top_author": (top.name if top else None) if person_scores else None,
        "bus_factor": o.bus_factor,
        "concentrated": o.concentrated,
    }


def _data(strategy: Strategy, person_scores: bool) -> dict[str, Any]:
    return {
        "window": {
            "since": strategy.since.isoformat(),
            "until": strategy.until.isoformat(),
            "weeks": strategy.weeks,
        },
        "depth": strategy.depth,
        "person_scores": person_scores,
        "rules": {"identity": IDENTITY_RULE, "bus_factor": BUS_FACTOR},
        "repos": [
            {
                "repo": r.repo,
                "path": str(r.path),
                "commits": r.commits,
                "code_commits": r.code_commits,
                "last_commit": r.last.isoformat() if r.last else None,
                "hotspots": [
                    {
                        "path": h.path,
                        "commits": h.commits,
                        "complexity": h.complexity,
                        "score": h.score,
                        "markers": h.markers,
                        **_ownership_data(o, person_scores),
                    }
                    for h, o in r.hotspots
                ],
                "areas": [{"area": a.path, **_ownership_data(a, person_scores)} for a in r.areas],
            }
            for r in strategy.repos
        ],
        "roadmap": str(strategy.roadmap_path),
        "items": None
        if strategy.items is None
        else [
            {
                "id": i.id,
                "title": i.title,
                "horizon": i.horizon,
                "status": i.status,
                "prd": i.prd or None,
                "requirements": i.requirements,
                "known": i.known,
                "reason": i.reason,
                "commits": i.commits if i.known else None,
                "linked_files": i.linked_files if i.known else None,
                "files": [{"repo": r, "path": p} for r, p in i.files] if i.known else None,
                "hotspots": [{"repo": r, "path": p} for r, p in i.hotspots] if i.known else None,
                "concentrated_areas": [{"repo": r, "area": a} for r, a in i.areas] if i.known else None,
            }
            for i in strategy.items
        ],
        "why_no_items": None
        if strategy.items is not None
        else f"no roadmap: {strategy.roadmap_path} does not exist",
        "how_to_add": ROADMAP_HOW if strategy.items is None else None,
        "warnings": list(strategy.warnings),
    }
