"""people.yaml: who is who, their discipline, team and manager, and which git identities are theirs.

Every other record names people by handle (a decision's point person, an incident's commander), and the
history index knows people only as commit authors; this module joins the two and measures the
organisation's shape (people per discipline, spans of control) and its "no lanes" contributions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpto.errors import CptoError
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.yamlfile import read_yaml_list

_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
BUILDING = "engineering"  # the discipline whose lane code is; code by anyone else crosses lanes


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    discipline: str
    role: str = ""
    team: str = ""
    manager: str = ""
    emails: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other git author names or emails that are this person
    line: int = 0


@dataclass
class People:
    """Everyone in people.yaml, looked up by handle or by git identity."""

    path: Path
    people: list[Person]
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_handle = {p.handle: p for p in self.people}
        self._identities: dict[str, str] = {}
        for p in self.people:
            for identity in (*p.emails, *p.aliases, p.name):
                if identity:
                    self._identities.setdefault(identity.strip().lower(), p.handle)

    def identify(self, email: str, name: str = "") -> str | None:
        """The handle a git author is, by email first, then by alias or name; None for strangers."""
        for key in (email, name):
            handle = self._identities.get(key.strip().lower()) if key else None
            if handle:
                return handle
        return None

    def reports(self, handle: str) -> list[Person]:
        return [p for p in self.people if p.manager == handle]

    def find(self, handle_or_role: str) -> Person | None:
        """A person by handle, else the one whose role is ``handle_or_role`` (``ceo``), case-insensitive."""
        key = handle_or_role.strip().lower()
        return self.by_handle.get(key) or next((p for p in self.people if p.role.lower() == key), None)

    def require(self, handle: str, what: str) -> Person | None:
        """Check a handle a command is about to write; unknown handles are refused when people.yaml exists."""
        if not self.people:
            return None
        person = self.by_handle.get(handle)
        if person is None:
            raise CptoError(
                f"{self.path}: no person with handle '{handle}' ({what}); add them or fix the handle"
            )
        return person


def workspace_people(config: WorkspaceConfig) -> People:
    """The workspace's people.yaml (nobody, when it has none)."""
    return read_people(config.people or config.root / "people.yaml")


def read_people(path: Path) -> People:
    """Read people.yaml; malformed entries are errors and doubtful ones warnings, each with file:line."""
    if not path.exists():
        return People(path, [])
    listing = read_yaml_list(path, "people")
    people: list[Person] = []
    seen: dict[str, int] = {}
    for line, item in listing.items:
        person = _person(path, line, item)
        if person.handle in seen:
            raise CptoError(
                f"{path}:{line}: duplicate handle '{person.handle}' (first at line {seen[person.handle]})"
            )
        seen[person.handle] = line
        people.append(person)
    result = People(path, people)
    for p in people:
        if p.manager and p.manager not in result.by_handle:
            result.warnings.append(
                f"{path}:{p.line}: {p.handle}'s manager '{p.manager}' is not in {path.name}"
            )
        if p.manager == p.handle:
            result.warnings.append(f"{path}:{p.line}: {p.handle} is their own manager")
    return result


def _person(path: Path, line: int, item: Any) -> Person:
    where = f"{path}:{line}"
    if not isinstance(item, dict):
        raise CptoError(f"{where}: each person must be a mapping with at least handle and discipline")
    handle = str(item.get("handle") or "").strip()
    if not handle:
        raise CptoError(f"{where}: person without a handle")
    if not _HANDLE.match(handle):
        raise CptoError(f"{where}: handle '{handle}' must be lower-case letters, digits, '.', '_' or '-'")
    return Person(
        handle=handle,
        name=str(item.get("name") or handle),
        discipline=str(item.get("discipline") or "unknown").strip().lower(),
        role=str(item.get("role") or ""),
        team=str(item.get("team") or ""),
        manager=str(item.get("manager") or "").strip(),
        emails=_strings(where, item, "emails"),
        aliases=_strings(where, item, "aliases"),
        line=line,
    )


def _strings(where: str, item: dict[str, Any], key: str) -> tuple[str, ...]:
    value = item.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CptoError(f"{where}: '{key}' must be a list of strings")
    return tuple(v.strip() for v in value)


@dataclass(frozen=True)
class Author:
    """A git identity as the history index knows it, with how many commits and lines it wrote."""

    email: str
    name: str
    commits: int
    lines: int


@dataclass(frozen=True)
class OrgShape:
    """People per discipline and team, and each manager's span of control (direct reports)."""

    disciplines: dict[str, int]
    teams: dict[str, int]
    spans: dict[str, int]


def org_shape(people: People) -> OrgShape:
    spans = Counter(p.manager for p in people.people if p.manager in people.by_handle)
    return OrgShape(
        disciplines=dict(Counter(p.discipline for p in people.people).most_common()),
        teams=dict(Counter(p.team or "(none)" for p in people.people).most_common()),
        spans=dict(spans.most_common()),
    )


@dataclass(frozen=True)
class Contributions:
    """Commits per person, what nobody in people.yaml claims, and code written across discipline lines."""

    commits: dict[str, int]
    lines: dict[str, int]
    unmapped: list[Author]
    across_lanes: list[tuple[Person, int]]  # people outside engineering who committed code, with commits


def contributions(people: People, authors: Iterable[Author]) -> Contributions:
    commits: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = defaultdict(int)
    unmapped = []
    for author in authors:
        handle = people.identify(author.email, author.name)
        if handle is None:
            unmapped.append(author)
            continue
        commits[handle] += author.commits
        lines[handle] += author.lines
    across = [
        (people.by_handle[h], n)
        for h, n in sorted(commits.items(), key=lambda kv: -kv[1])
        if people.by_handle[h].discipline not in (BUILDING, "unknown")
    ]
    unmapped.sort(key=lambda a: -a.commits)
    return Contributions(dict(commits), dict(lines), unmapped, across)


def authors_of(rows: Sequence[tuple[str, str, int, int]]) -> list[Author]:
    """Authors from ``(email, name, commits, lines)`` rows, as the history index groups them."""
    return [Author(email or "", name or "", int(n), int(lines or 0)) for email, name, n, lines in rows]


PLANNING = "product"  # the discipline whose lane PRDs are


@dataclass(frozen=True)
class Lanes:
    """Work across discipline lines besides code: PRDs by non-product people, cross-discipline consulting."""

    prds: list[tuple[Person, str]]  # (author, PRD path) where the author is outside product
    consulted: list[tuple[Person, int]]  # people consulted on decisions whose point is of another discipline


def lanes(
    people: People, prd_authors: Iterable[tuple[str, str]], consultations: Iterable[tuple[str, Sequence[str]]]
) -> Lanes:
    """``prd_authors``: (PRD path, author handle); ``consultations``: (point handle, consulted handles)."""
    prds = [
        (people.by_handle[h], path)
        for path, h in prd_authors
        if h in people.by_handle and people.by_handle[h].discipline != PLANNING
    ]
    across: Counter[str] = Counter()
    for point, consulted in consultations:
        lead = people.by_handle.get(point)
        for handle in consulted:
            person = people.by_handle.get(handle)
            if lead and person and person.discipline != lead.discipline:
                across[handle] += 1
    return Lanes(prds, [(people.by_handle[h], n) for h, n in across.most_common()])


def workspace_lanes(config: WorkspaceConfig, people: People, *, history: bool) -> Lanes:
    """Lanes crossed in a workspace: PRD authors (the PRD's owner, else its first committer, when
    ``history``) and who was consulted on which decision."""
    from cpto.history.git import first_author
    from cpto.records.decisions import read_decisions
    from cpto.review.prd import read_prd
    from cpto.review.service import find_prds

    try:
        prd_paths = find_prds(config)
    except CptoError:
        prd_paths = []
    authors = []
    for path in prd_paths:
        owner = read_prd(path).owner or ""
        handle = owner if owner in people.by_handle else people.identify("", owner) if owner else None
        if handle is None and history:
            first = first_author(path)
            handle = people.identify(*first) if first else None
        if handle:
            authors.append((str(path.relative_to(config.root)), handle))
    decisions = read_decisions(config.decisions) if config.decisions else []
    return lanes(people, authors, [(d.point, d.consulted) for d in decisions])
