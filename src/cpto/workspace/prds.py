"""Which PRDs a workspace has, and whether its index should keep the review's search words.

Kept apart from :mod:`cpto.review.service` (which re-exports both) so that indexing commands can ask
without importing the review's machinery (its corpus, trace and NumPy): 0.2 s of every `cpto history`.
"""

from __future__ import annotations

import os
from pathlib import Path

from cpto.errors import CptoError
from cpto.fsutil import Found, Skipped, workspace_glob
from cpto.workspace.config import WorkspaceConfig


def workspace_prds(config: WorkspaceConfig) -> Found:
    """The files matching the workspace's PRD globs, in path order, each real file once (none is not an
    error here). Links out of the workspace and links round a loop (``docs/prd/up -> ..``) are not
    followed; ``skipped`` says which, for the caller to show."""
    files: dict[Path, None] = {}
    skipped: dict[Skipped, None] = {}
    for pattern in config.prds:
        found = workspace_glob(config.root, pattern, root=config.root)
        files.update(dict.fromkeys(found))
        skipped.update(dict.fromkeys(found.skipped))
    real = {os.path.realpath(p): p for p in sorted(files, reverse=True)}  # two globs, one file: once
    return Found(sorted(real.values()), skipped)


def needs_search_words(config: WorkspaceConfig) -> bool:
    """Whether the index should keep the review's search words for this workspace: only a review of
    PRDs reads them (the workspace's PRDs, and the PRDs roadmap items name, which need not match the
    PRD globs), and keeping them costs more than the line counts (docs/performance.md), so a workspace
    without PRDs (most repositories as they are) never pays for them. A roadmap that cannot be read
    keeps them: its command will say what is wrong with it, and no review goes without words."""
    if workspace_prds(config):
        return True
    path = config.roadmap_path
    if not path.is_file():
        return False
    from cpto.records.roadmap import read_roadmap  # only when there is a roadmap and no PRDs

    try:
        items = read_roadmap(path).items
    except CptoError:
        return True
    return any(item.prd and (config.root / item.prd).is_file() for item in items)
