"""Pull requests as units of work, recovered from git alone.

Teams merge work through pull requests, and a pull request says more about a requirement than any of
its commits: "fix test" and "typing" belong to the feature their branch was for. Two shapes are
recognised:

- **a merge** ("Merge pull request #N from user/branch", GitLab's "See merge request group/p!N", or
  "Merge branch 'feature/x'"): the unit is the commits the merge brings in, its second parent's side
  (first parent .. second parent), with the merge's title and branch name;
- **a squash or rebase merge**: commits whose subject ends with "(#N)"; all commits carrying the same
  number are one unit (a rebase merge of several commits).

Which commits a merge brings in is computed for all merges in one pass: the first-parent lines of HEAD
and of the refs HEAD does not contain are main lines, and the merges on them, ancestors first, claim
the commits reachable from their other parents that neither a main line nor an earlier merge holds.
That is ``git rev-list p1..p2`` for ordinary histories, at the cost of one walk over the history
instead of one per merge; a merge inside a branch belongs to the pull request that lands the branch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_GITHUB = re.compile(r"^Merge pull request #(\d+) from (\S+)")
_GITLAB = re.compile(r"^See merge request \S*!(\d+)\s*$", re.MULTILINE)
_BRANCH = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'")
_SQUASH = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True)
class PullRequest:
    """One unit of work: its reference (``#N``, ``!N`` or the merge's short sha), title, branch,
    the commit that landed it, and its non-merge commits (oldest first when known)."""

    ref: str
    title: str
    branch: str
    landed_by: str  # the merge commit, or the (last) squash commit
    commits: tuple[str, ...]
    merge_message: str = ""  # the merge commit's message ("" for squash merges)
    # What the forge says of it, when its data is in the index (:mod:`cpto.github.store`); "" and ()
    # for units recovered from git alone.
    url: str = ""
    body: str = ""
    closes: tuple[int, ...] = ()  # issue numbers it closes ("Closes #12")
    references: tuple[int, ...] = ()  # other issue numbers it mentions


@dataclass(frozen=True)
class GraphCommit:
    """What unit recovery needs to know of a commit."""

    parents: tuple[str, ...]
    message: str  # a merge's whole message; the subject is enough for other commits
    time: int  # committer time in seconds: orders merges of the same generation, and squash merges


def find_pull_requests(
    commits: Mapping[str, GraphCommit], head: str | None, tips: Iterable[str] = ()
) -> list[PullRequest]:
    """Every unit of work in ``commits`` (sha -> commit). Main lines are the first-parent lines of
    ``head`` and of the ref ``tips`` it does not contain (maintenance branches); a branch already
    merged into ``head`` is a pull request's side, not a main line. A commit is in one unit at most."""
    merged = set(_brought_in(commits, [head], set())) if head else set()
    claimed = _main_lines(commits, [*([head] if head else []), *(t for t in tips if t not in merged)])
    main_lines = set(claimed)
    units: list[PullRequest] = []
    in_unit: set[str] = set()
    # Merges on a main line, ancestors first (a merge's generation is above its parents', whatever the
    # clocks say). A merge inside a branch (a sync, criss-cross merges) is part of what lands the branch.
    generation = _generations(commits)
    merges = sorted(
        (generation[sha], c.time, sha)
        for sha, c in commits.items()
        if len(c.parents) > 1 and sha in main_lines
    )
    for _, _, sha in merges:
        merge = commits[sha]
        found = _merge_shape(merge.message)
        brought = _brought_in(commits, merge.parents[1:], claimed)
        if found is None:
            continue
        ref, branch = found
        members = tuple(s for s in reversed(brought) if len(commits[s].parents) <= 1)
        if not members:
            continue
        in_unit.update(members)
        title = _merge_title(merge.message) or branch
        units.append(PullRequest(ref or sha[:10], title, branch, sha, members, merge.message))
    squashed: dict[str, list[str]] = {}
    for sha, commit in sorted(commits.items(), key=lambda item: item[1].time):
        if sha in in_unit or len(commit.parents) > 1:
            continue
        match = _SQUASH.search(commit.message.split("\n", 1)[0])
        if match:
            squashed.setdefault("#" + match.group(1), []).append(sha)
    for ref, shas in squashed.items():
        subject = commits[shas[-1]].message.split("\n", 1)[0]
        title = _SQUASH.sub("", subject).strip()
        units.append(PullRequest(ref, title, "", shas[-1], tuple(shas)))
    return units


def _generations(commits: Mapping[str, GraphCommit]) -> dict[str, int]:
    """Each commit's generation: 0 for a root, else one more than its highest parent (iteratively, so
    a history of any depth fits)."""
    generation: dict[str, int] = {}
    for start in commits:
        if start in generation:
            continue
        stack = [start]
        while stack:
            sha = stack[-1]
            pending = [p for p in commits[sha].parents if p in commits and p not in generation]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if sha not in generation:
                known = [generation[p] for p in commits[sha].parents if p in generation]
                generation[sha] = 1 + max(known) if known else 0
    return generation


def _main_lines(commits: Mapping[str, GraphCommit], tips: Iterable[str]) -> set[str]:
    """The first-parent line of every tip: commits made (or merged) on a branch itself."""
    line: set[str] = set()
    for tip in tips:
        sha: str | None = tip
        while sha is not None and sha in commits and sha not in line:
            line.add(sha)
            parents = commits[sha].parents
            sha = parents[0] if parents else None
    return line


def _brought_in(commits: Mapping[str, GraphCommit], starts: Sequence[str], claimed: set[str]) -> list[str]:
    """Commits reachable from ``starts`` that nothing has claimed yet; claims them."""
    found: list[str] = []
    stack = list(starts)
    while stack:
        sha = stack.pop()
        if sha in claimed or sha not in commits:
            continue
        claimed.add(sha)
        found.append(sha)
        stack.extend(commits[sha].parents)
    return found


def _merge_shape(message: str) -> tuple[str | None, str] | None:
    """(reference, branch) of a pull-request or branch merge; None for other merges."""
    subject = message.split("\n", 1)[0]
    github = _GITHUB.match(subject)
    if github:
        return "#" + github.group(1), github.group(2)
    branch = _BRANCH.match(subject)
    if branch:
        gitlab = _GITLAB.search(message)
        name = branch.group(1)
        if name in ("main", "master", "develop", "trunk") and not gitlab:
            return None  # the main line merged into a branch: no unit of its own
        return ("!" + gitlab.group(1)) if gitlab else None, name
    return None


def _merge_title(message: str) -> str:
    """A pull request's title: the first non-empty line after the merge subject."""
    for line in message.split("\n")[1:]:
        line = line.strip()
        if line and not _GITLAB.match(line):
            return line
    return ""
