"""What each commit was for: the team of its author, and the PRD and roadmap item it traces to.

The PRD and roadmap axes come from the product review's traces (the commits it links to each
requirement), so the heartbeat and the review tell the same story about the same commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from cpto.errors import CptoError
from cpto.heartbeat.allocation import Labeller
from cpto.records.people import People
from cpto.records.roadmap import item_requirements, read_roadmap, requirements_by_prd
from cpto.workspace.config import WorkspaceConfig

UNPLANNED = "(no requirement)"
OFF_ROADMAP = "(no roadmap item)"
NO_TEAM = "(no team)"
STRANGER = "(not in people.yaml)"


def team_labeller(people: People, who: Callable[[str, str], str | None] | None = None) -> Labeller:
    """A commit counts for its author's team in people.yaml. ``who`` (email, name) -> handle by the
    identity rule (.mailmap applied); without it, people.yaml's own matching of the raw identity."""

    def team(_sha: str, email: str, name: str) -> list[str]:
        handle = who(email, name) if who else people.identify(email, name)
        if handle is None or handle not in people.by_handle:
            return [STRANGER]
        return [people.by_handle[handle].team or NO_TEAM]

    return team


@dataclass
class TracedWork:
    """Commit -> PRDs and commit -> roadmap items, from one run of the product review."""

    prds: dict[str, list[str]] = field(default_factory=dict)
    items: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def labellers(self) -> dict[str, Labeller]:
        return {
            "prd": lambda sha, _email, _name: self.prds.get(sha) or [UNPLANNED],
            "roadmap item": lambda sha, _email, _name: self.items.get(sha) or [OFF_ROADMAP],
        }


def traced_work(con: duckdb.DuckDBPyConnection, config: WorkspaceConfig) -> TracedWork:
    """Run the product review over the workspace's PRDs and say which PRD and roadmap item each linked
    commit serves. No PRDs: nothing traced; a PRD the review refuses is a warning, not a failure."""
    from cpto.review.service import load_prds, review_workspace, workspace_prds

    out = TracedWork()
    paths = workspace_prds(config)
    if not paths:
        return out  # no PRDs: nothing to trace, nothing to warn about
    try:
        prds = load_prds(paths)
        result = review_workspace(con, config, prds)
    except CptoError as exc:
        out.warnings.append(f"effort per PRD and roadmap item not traced: {exc.message}")
        return out
    titles = {str(prd.path): prd.title or prd.path.stem for prd in prds}
    shas_of: dict[str, set[str]] = defaultdict(set)  # requirement id -> linked commits
    for t in result.requirements:
        for link in t.linked("commit"):
            shas_of[t.requirement.id].add(link.ref)
            out.prds.setdefault(link.ref, []).append(titles.get(t.prd, t.prd))
    out.prds = {sha: sorted(set(names)) for sha, names in out.prds.items()}
    if config.roadmap is not None and config.roadmap.is_file():
        by_prd = requirements_by_prd(prds)
        for item in read_roadmap(config.roadmap).items:
            for rid in item_requirements(item, config.root, by_prd):
                for sha in shas_of.get(rid, ()):
                    out.items.setdefault(sha, []).append(f"{item.id} {item.title}")
        out.items = {sha: sorted(set(names)) for sha, names in out.items.items()}
    return out
