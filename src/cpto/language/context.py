"""The names a workspace knows, so a statement that names them counts as precise.

Features are the PRDs' titles, requirement ids and roadmap items; components are the repository's
folders, files and modules at HEAD; people are the handles and names in people.yaml. Names shorter
than three characters are left out: "ui" or "db" would mark half of all sentences precise.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from cpto.errors import CptoError
from cpto.history.git import read_tree_files
from cpto.language.precision import Context
from cpto.records.people import workspace_people
from cpto.records.roadmap import read_roadmap
from cpto.review.prd import read_prd
from cpto.review.service import workspace_prds
from cpto.workspace.config import WorkspaceConfig

MIN_NAME = 3


def workspace_context(config: WorkspaceConfig, *, components: bool = True) -> Context:
    """Everything ``config``'s workspace names: PRDs, roadmap, people and (optionally) code."""
    features: set[str] = set()
    for path in workspace_prds(config):
        try:
            prd = read_prd(path)
        except CptoError:
            continue  # cpto lint reports a PRD it cannot read; here it only names nothing
        features.add(prd.title)
        features.update(r.id for r in prd.requirements if not r.derived_id)
    if config.roadmap is not None and config.roadmap.is_file():
        for item in read_roadmap(config.roadmap).items:
            features.update((item.id, item.title))
    people = workspace_people(config)
    names = {n for p in people.people for n in (p.handle, p.name, f"@{p.handle}")}
    parts = repository_names(config.repos) if components else set()
    return Context(
        features=_kept(features), components=_kept(parts - features), people=_kept(names - features)
    )


def repository_names(repos: list[Path]) -> set[str]:
    """Folders, file paths and file names at HEAD of each repository (paths only, nothing read).

    Bare module stems are left out: ``main``, ``index`` or ``base`` are ordinary words in a sentence,
    while ``dunning.py`` or ``billing/`` is a component.
    """
    names: set[str] = set()
    for repo in repos:
        try:
            files = [f.path for f in read_tree_files(repo, wanted=lambda _p, _o: False)]
        except CptoError:
            continue  # not a repository (yet): nothing to name
        for path in files:
            pure = PurePosixPath(path)
            names.update((path, pure.name))
            names.update(str(parent) for parent in pure.parents if str(parent) != ".")
    return names


def _kept(names: set[str]) -> tuple[str, ...]:
    return tuple(sorted(n for n in names if len(n.strip()) >= MIN_NAME))
