"""Narrow a workspace's reports to some of its repositories, or to folders of them (a monorepo's services).

An estate of a thousand repositories is indexed as one; a question is often about a few of them. Rather
than teach every report's queries a filter, ``restrict_index`` lays temporary views named like the
index's tables over one read connection, so every query the reports already run sees only the chosen
repositories (and, with a path, only the changes under it and the commits that made them).

Team narrowing is not done here: a people.yaml team is a set of people, not of repositories, and the
reports that group by team (cpto people, the heartbeat) already do so from people.yaml.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cpto.errors import CptoError
from cpto.workspace.config import WorkspaceConfig

if TYPE_CHECKING:
    import duckdb

SHOWN = 10  # repository names listed in an error before "..."


def repo_names(config: WorkspaceConfig, repo: Path) -> tuple[str, ...]:
    """The names ``--only`` knows a repository by: its folder name and its path from the workspace
    (``services/api``; ``.`` for the workspace itself); for a repository outside, its folder name."""
    names = [repo.name]
    if repo.is_relative_to(config.root):
        names.append(repo.relative_to(config.root).as_posix())
    return tuple(dict.fromkeys(names))


def narrow(config: WorkspaceConfig, repos: Iterable[str] = (), path: str | None = None) -> WorkspaceConfig:
    """A copy of ``config`` with only the repositories ``repos`` names (names or globs, see
    ``repo_names``; none: all of them, in their order) and, with ``path``, only files under that folder
    (or under the [services] prefixes of the service ``path`` names). A name that matches no repository
    is an error listing them, so a typo never narrows a report to nothing.
    """
    chosen = list(repos)
    kept = config.repos
    if chosen:
        hits: set[Path] = set()
        for name in chosen:
            found = [
                r for r in config.repos if any(fnmatch.fnmatchcase(n, name) for n in repo_names(config, r))
            ]
            if not found:
                raise CptoError(_unknown(config, name))
            hits.update(found)
        kept = [r for r in config.repos if r in hits]
    paths: tuple[str, ...] = ()
    if path is not None:
        paths = _paths(config, path)
    if not chosen and not paths:
        return config
    told = [", ".join(chosen)] if chosen else []
    told += [f"path {path}"] if paths else []
    return dataclasses.replace(config, repos=kept, narrowed_to="; ".join(told), paths=paths)


def _unknown(config: WorkspaceConfig, name: str) -> str:
    known = sorted({n for r in config.repos for n in repo_names(config, r)})
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    guess = f"; did you mean {close[0]}?" if close else ""
    listed = ", ".join(known[:SHOWN]) + (f", ... ({len(known)} in all)" if len(known) > SHOWN else "")
    return f"--only '{name}' names no repository of the workspace{guess} (repositories: {listed})"


def _paths(config: WorkspaceConfig, path: str) -> tuple[str, ...]:
    """A service's [services] prefixes, or the folder ``path`` itself (relative to each repository)."""
    prefixes = tuple(p for p, service in config.services.items() if service == path.strip())
    if prefixes:
        return prefixes
    clean = path.strip().rstrip("/")
    if not clean or clean.startswith("/") or ".." in clean.split("/"):
        raise CptoError(f"--path '{path}': give a folder relative to the repositories, like services/api")
    return (clean.removeprefix("./"),)


def restrict_index(con: duckdb.DuckDBPyConnection, config: WorkspaceConfig) -> None:
    """Make ``con`` (an open index) show only what ``config`` was narrowed to; nothing when it was not.

    Temporary views shadow the index's tables for this connection only (the file is not written, so a
    read-only connection will do); a repository of the workspace not indexed yet simply has no rows.
    """
    if config.narrowed_to is None:
        return
    from cpto.history.store import TABLES

    row = con.execute("SELECT current_database()").fetchone()
    db = '"' + str(row[0] if row else "main").replace('"', '""') + '"'
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _narrow_repos AS SELECT repo_id FROM {db}.main.repos"
        " WHERE list_contains(?, path)",
        [[str(r) for r in config.repos]],
    )
    scope = "repo_id IN (SELECT repo_id FROM _narrow_repos)"
    # DuckDB takes no parameters in a view, so the prefixes are written into the SQL as quoted strings.
    under = " OR ".join(
        f"(path = {_quoted(p)} OR starts_with(path, {_quoted(p + '/')}))" for p in config.paths
    )
    changed = f"{scope} AND ({under or 'true'})"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _narrow_commits AS SELECT DISTINCT repo_id, sha"
        f" FROM {db}.main.file_changes WHERE {changed}"
    )
    for table in TABLES:
        if table == "meta":
            continue
        where = scope
        if config.paths and table in ("file_changes", "change_words"):
            where = changed
        elif config.paths and table in ("commits", "commit_words", "problems"):
            where = "(repo_id, sha) IN (SELECT repo_id, sha FROM _narrow_commits)"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {db}.main.{table} WHERE {where}")


def _quoted(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
