"""Where the forge (GitHub) shows a commit or a pull request, from each repository's remote.

One place for the CLI's HTML reports, the forum and the static site: a report builder takes a
``forge`` callable and links evidence only when it returns an address.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cpto.review.trace import Link
from cpto.workspace.config import WorkspaceConfig


def forge_url(link: Link, remotes: dict[str, str]) -> str:
    """Where GitHub shows ``link`` (a commit or a pull request), or "" when its repository's remote is not
    on github.com. ``remotes`` maps a repository's folder name to its normalised remote."""
    if link.url:
        return link.url
    remote = remotes.get(link.repo) or next(iter(remotes.values()), "")
    if not remote.startswith("github.com/") or remote.count("/") != 2:
        return ""
    base = f"https://{remote}"
    if link.kind == "commit":
        return f"{base}/commit/{link.ref}"
    if link.kind == "pr" and link.ref.startswith("#") and link.ref[1:].isdigit():
        return f"{base}/pull/{link.ref[1:]}"
    return ""


def workspace_remotes(config: WorkspaceConfig) -> dict[str, str]:
    """Each repository's folder name mapped to its normalised remote (github.com/OWNER/NAME)."""
    from cpto.history.git import normalise_remote, run_git

    found: dict[str, str] = {}
    for repo in config.repos:
        url = run_git(repo, "config", "--get", "remote.origin.url", check=False).decode("utf-8", "replace")
        found[Path(repo).name] = normalise_remote(url)
    return found


def workspace_forge(config: WorkspaceConfig) -> Callable[[Link], str]:
    """The ``forge`` callable for ``config``'s repositories (their remotes read once)."""
    remotes = workspace_remotes(config)
    return lambda link: forge_url(link, remotes)
