"""``cpto github import DIR``: GitHub data recorded with ``gh api --paginate``, read without a network.

The folder format (docs/github.md) is one folder per repository, ``DIR/OWNER/NAME/``, each file what
``gh api --paginate`` writes for one endpoint: JSON arrays back to back, one per page. The objects go
through the same parser and the same writer as ``cpto github sync``, so an import of recorded data and
a sync of the same data store the same rows.

Everything is read and checked before anything is written, then written in one transaction: a bad
file is one line naming it, and the index is left as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cpto.errors import CptoError
from cpto.github import shapes
from cpto.github.store import Deployment, Issue, Release, save
from cpto.github.sync import (
    ENDPOINTS,
    PullRows,
    SyncResult,
    Target,
    check_full_name,
    merge_requests,
    resolve_targets,
    store_pulls,
    store_state,
)
from cpto.history.store import transaction

_FILES = ("pulls.json", "issues.json", "releases.json", "deployments.json")
_MAX_BYTES = 512 * 1024 * 1024  # a recording larger than this is not one cpto should read into memory


@dataclass
class Recorded:
    """One repository's recorded data, parsed into rows, before anything is written."""

    target: Target
    pulls: list[PullRows] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)


def recorded_repositories(folder: Path) -> list[str]:
    """The OWNER/NAME of each repository recorded under ``folder`` (a folder holding one of the files)."""
    if not folder.is_dir():
        raise CptoError(f"{folder}: not a folder (expected DIR/OWNER/NAME/pulls.json, ...)")
    names = sorted(
        f"{repo.parent.name}/{repo.name}"
        for repo in folder.glob("*/*")
        if repo.is_dir() and not repo.is_symlink() and any((repo / f).is_file() for f in _FILES)
    )
    if not names:
        raise CptoError(f"{folder}: no recorded repository (expected {folder}/OWNER/NAME/pulls.json, ...)")
    return names


def read_pages(path: Path) -> list[shapes.Item]:
    """The objects of a ``gh api --paginate`` file: JSON arrays back to back ([] when it is missing)."""
    if not path.is_file():
        return []
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise CptoError(f"{path}: larger than {_MAX_BYTES // 2**20} MB; record fewer pages")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CptoError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CptoError(f"{path}: not UTF-8 text ({exc.reason})") from None
    decoder = json.JSONDecoder()
    found: list[shapes.Item] = []
    position, page = 0, 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return found
        page += 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise CptoError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
        except RecursionError:
            raise CptoError(f"{path}: JSON nested too deeply") from None
        except ValueError as exc:  # a number of more than 4300 digits
            raise CptoError(f"{path}: not JSON cpto can read ({str(exc).split(':')[0]})") from None
        found += shapes.items(value, f"{path}, page {page}")


def read_repository(folder: Path, target: Target) -> Recorded:
    """Parse one recorded repository into rows, with sync's parser."""
    repo_id, name = target.repo_id, target.full_name
    root = folder / name
    recorded = Recorded(target)
    for item in read_pages(root / "pulls.json"):
        pull = shapes.pull_request(repo_id, item, name)
        n = pull.number
        commits = [shapes.pull_commit(repo_id, n, c) for c in read_pages(root / f"pulls/{n}/commits.json")]
        reviews = [
            r
            for r in (shapes.review(repo_id, n, v) for v in read_pages(root / f"pulls/{n}/reviews.json"))
            if r
        ]
        asked = shapes.timeline_requests(repo_id, n, read_pages(root / f"issues/{n}/timeline.json"))
        requests = merge_requests(shapes.requested_reviewers(repo_id, item), asked)
        recorded.pulls.append((pull, commits, reviews, requests))
    recorded.issues = [
        shapes.issue(repo_id, item) for item in read_pages(root / "issues.json") if not shapes.is_pull(item)
    ]
    recorded.releases = [shapes.release(repo_id, item) for item in read_pages(root / "releases.json")]
    for item in read_pages(root / "deployments.json"):
        statuses = read_pages(root / f"deployments/{item.int('id')}/statuses.json")
        recorded.deployments.append(shapes.deployment(repo_id, item, statuses))
    return recorded


def import_folder(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    names: Sequence[str] = (),
    *,
    on_item: Callable[[str], None] = lambda what: None,
) -> list[SyncResult]:
    """Import every recorded repository under ``folder`` (or only ``names``) into the index, all or
    nothing. Each is matched to the workspace's repository as sync matches it."""
    available = recorded_repositories(folder)
    chosen = [check_full_name(n) for n in names] if names else available
    for name in chosen:
        if name not in available:
            raise CptoError(f"{folder / name}: no recorded repository there (found: {', '.join(available)})")
    targets = resolve_targets(con, chosen, "https://api.github.com")
    parsed = [read_repository(folder, target) for target in targets]
    results = []
    source = f"import:{folder.resolve()}"
    with transaction(con):
        for recorded in parsed:
            target = recorded.target
            store_pulls(con, recorded.pulls)
            for _ in recorded.pulls:
                on_item("pull requests")
            for rows in (recorded.issues, recorded.releases, recorded.deployments):
                save(con, rows)
            for endpoint in ENDPOINTS:  # no ETag and no time: the next sync reads everything again
                store_state(con, target, endpoint, source, None, None)
            results.append(
                SyncResult(
                    target.full_name,
                    target.repo_id,
                    pulls=len(recorded.pulls),
                    issues=len(recorded.issues),
                    releases=len(recorded.releases),
                    deployments=len(recorded.deployments),
                )
            )
    return results
