"""What the workspace counts as its deploys: tags, a deploy log, or GitHub's deployments or releases.

A deploy log is deploys written down, one per line, for teams that do not tag what they ship:

    # deploys.log: when, what shipped (a commit, tag or branch), and a name (default: the revision)
    2026-11-03T14:00Z  3f2a9c1  v1.5.0
    2026-11-04T10:45Z  release/1.5.1

Blank lines and ``#`` comments are skipped. Times without a zone are UTC.

GitHub's deployments and releases come from the index's GitHub tables (``cpto github sync``); which
source counts is ``[deploys] source`` in cpto.toml, read here once for every report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from cpto.errors import CptoError
from cpto.history.store import graph_commits
from cpto.records.times import parse_time
from cpto.review.graph import Indexed, Release, in_order, tagged_releases
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.markdown import read_text

_HEX = re.compile(r"^[0-9a-fA-F]+$")


@dataclass(frozen=True)
class LoggedDeploy:
    at: datetime
    revision: str
    name: str
    line: int


def read_deploy_log(path: Path) -> list[LoggedDeploy]:
    """Every deploy in the log, in file order; a line that is not ``TIME REVISION [NAME]`` is an error."""
    out = []
    for number, raw in enumerate(read_text(path, "UTF-8").splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        fields = text.split()
        if len(fields) not in (2, 3):
            raise CptoError(f"{path}:{number}: expected 'TIME REVISION [NAME]', got '{raw.strip()}'")
        at = parse_time(fields[0], f"{path}:{number}")
        assert at is not None  # a non-empty field is a time or an error
        out.append(LoggedDeploy(at, fields[1], fields[2] if len(fields) == 3 else fields[1], number))
    return out


def unresolved_deploys(repo: Path, deploys: list[LoggedDeploy], path: Path) -> list[str]:
    """``file:line: problem`` for each logged revision the repository does not have, read from git
    itself so ``cpto check`` needs no index; the rule is :func:`logged_releases`' (a branch, tag or
    remote-tracking branch by name, else a unique SHA prefix of at least seven characters)."""
    from cpto.history.git import read_refs, run_git

    names = {ref.name for ref in read_refs(repo, "HEAD")}
    asked = [d for d in deploys if d.revision not in names]
    shas = [d.revision for d in asked if len(d.revision) >= 7 and _HEX.match(d.revision)]
    query = "".join(f"{sha}^{{commit}}\n" for sha in shas).encode()
    out = run_git(repo, "cat-file", "--batch-check=%(objectname)", stdin=query).decode() if shas else ""
    found = {sha for sha, answer in zip(shas, out.splitlines(), strict=False) if _HEX.match(answer)}
    return [
        f"{path}:{d.line}: '{d.revision}' is not a commit, tag or branch of the repository"
        for d in asked
        if d.revision not in found
    ]


def logged_releases(
    con: duckdb.DuckDBPyConnection, repo_id: int, deploys: list[LoggedDeploy], path: Path
) -> list[Release]:
    """The log's deploys as releases of the indexed repository: each revision resolved to a commit by
    tag or branch name, else by (at least seven characters of) its SHA."""
    refs = dict(
        con.execute("SELECT name, sha FROM refs WHERE repo_id = ? AND kind <> 'head'", [repo_id]).fetchall()
    )
    out = []
    graph = graph_commits(con)
    for d in deploys:
        sha = refs.get(d.revision)
        if sha is None and len(d.revision) >= 7:
            rows = con.execute(
                f"SELECT sha FROM {graph} WHERE repo_id = ? AND starts_with(sha, ?) LIMIT 2",
                [repo_id, d.revision.lower()],
            ).fetchall()
            sha = rows[0][0] if len(rows) == 1 else None
        if sha is None:
            raise CptoError(
                f"{path}:{d.line}: '{d.revision}' is not a commit, tag or branch of the repository"
            )
        out.append(Release(d.name, str(sha), d.at))
    return out


# GitHub marks a successful deployment "inactive" once a newer one replaces it in the same environment,
# so both mean "this went live"; failure, error, pending and the rest never shipped.
LIVE_STATUSES = ("success", "inactive")


def github_deployments(con: duckdb.DuckDBPyConnection, repo_id: int, environment: str) -> list[Release]:
    """The repository's GitHub deployments to ``environment`` (case-insensitive) that went live, as
    releases at the time of their success status (else when created); oldest first. A deployment is
    named by its ref, with ``#id`` added when the ref was deployed more than once."""
    from cpto.github.store import Deployment, load

    live = [
        d
        for d in load(con, Deployment, repo_id)
        if d.status in LIVE_STATUSES and d.environment.strip().lower() == environment.strip().lower()
    ]
    seen: dict[str, int] = {}
    for d in live:
        seen[d.ref] = seen.get(d.ref, 0) + 1
    return in_order(
        [
            Release(
                d.ref if seen[d.ref] == 1 and d.ref else f"{d.ref or d.sha[:10]}#{d.deployment_id}",
                d.sha,
                d.status_at or d.created_at,
            )
            for d in live
        ]
    )


def github_releases(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[Release]:
    """The repository's published GitHub releases (not drafts, not pre-releases) whose tag the index
    has, at their publication time; oldest first. A release whose tag was never fetched has no commit
    to measure from and is left out (``git fetch --tags`` brings it)."""
    from cpto.github.store import Release as GitHubRelease
    from cpto.github.store import load

    refs = dict(
        con.execute("SELECT name, sha FROM refs WHERE repo_id = ? AND kind = 'tag'", [repo_id]).fetchall()
    )
    return in_order(
        [
            Release(r.tag, str(refs[r.tag]), r.published_at)
            for r in load(con, GitHubRelease, repo_id)
            if r.published_at is not None and not r.draft and not r.prerelease and r.tag in refs
        ]
    )


def chosen_source(source: str | None, log: Path | None) -> str:
    """``[deploys] source``, or the rule from before GitHub when it is not set: the log when there is
    one, else the tags."""
    return source or ("log" if log is not None else "tags")


def workspace_releases(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    tags: str = "v*",
    log: Path | None = None,
    *,
    source: str | None = None,
    environment: str = "production",
) -> list[Release]:
    """What the workspace counts as its deploys, the same for the review, the heartbeat and the timeline,
    as ``[deploys] source`` says: GitHub deployments to ``environment`` that went live, published GitHub
    releases, the [deploys] log, or the tags matching [deploys] tags; oldest first. ``source`` None
    keeps the rule from before GitHub: the log when there is one, else the tags."""
    chosen = chosen_source(source, log)
    if chosen == "github-deployments":
        return github_deployments(con, repo_id, environment)
    if chosen == "github-releases":
        return github_releases(con, repo_id)
    if chosen == "log":
        if log is None:
            raise CptoError('[deploys] source = "log" needs [deploys] log (the file to read)')
        return logged_releases(con, repo_id, read_deploy_log(log), log)
    return tagged_releases(con, repo_id, tags)


def config_releases(con: duckdb.DuckDBPyConnection, repo_id: int, config: WorkspaceConfig) -> list[Release]:
    """:func:`workspace_releases` with the workspace's [deploys] settings: the call every report makes."""
    return workspace_releases(
        con,
        repo_id,
        config.deploy_tags,
        config.deploy_log,
        source=config.deploy_source,
        environment=config.deploy_environment,
    )


def estate_releases(
    con: duckdb.DuckDBPyConnection, indexed: Mapping[int, Indexed], config: WorkspaceConfig
) -> dict[int, list[Release]]:
    """:func:`config_releases` for every repository of ``indexed`` (:func:`cpto.review.graph.read_indexed`):
    tags are taken from the refs already read, so an estate's deploys cost no query per repository;
    a deploy log or GitHub's deployments and releases are read per repository, as for one."""
    if chosen_source(config.deploy_source, config.deploy_log) == "tags":
        return {repo_id: read.tag_releases(config.deploy_tags) for repo_id, read in indexed.items()}
    return {repo_id: config_releases(con, repo_id, config) for repo_id in indexed}
