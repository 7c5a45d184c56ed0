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
from typing import TYPE_CHECKING, Any

from cpto.errors import CptoError
from cpto.records.fields import HANDLE
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.yamlfile import read_yaml_list, text_list, text_value

if TYPE_CHECKING:
    import duckdb

    from cpto.report import Report

BUILDING = "engineering"  # the discipline whose lane code is; code by anyone else crosses lanes

UNKNOWN_DISCIPLINE = (
    "unknown"  # a person without a discipline in people.yaml: never counted in or out of a lane
)


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
    github: str = ""  # their GitHub login, when it is not their handle (reviews, pull requests)


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

    @property
    def identities(self) -> dict[str, str]:
        """Every identity (email, alias, name; lower case) -> the handle that claims it first."""
        return dict(self._identities)

    def by_login(self, login: str) -> Person | None:
        """The person a GitHub login is: whose ``github:`` is that login, else whose handle it is
        (logins are compared case-insensitively, as GitHub does); None for strangers."""
        key = login.strip().lower()
        match = next((p for p in self.people if p.github and p.github.strip().lower() == key), None)
        return match or self.by_handle.get(key)

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
    return read_people(config.people_path)


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
    result.warnings += _manager_cycles(result)
    return result


def _manager_cycles(people: People) -> list[str]:
    """Each chain of managers that comes back to where it started (a manages b manages a), once, at the
    line of its first person: nobody in it has a manager above the loop, so spans and reporting lines
    built on it are wrong. A person who is their own manager is warned about on their own."""
    out = []
    seen: set[str] = set()
    for start in people.people:
        chain: list[str] = []
        current: Person | None = start
        while current is not None and current.handle not in seen and current.handle not in chain:
            chain.append(current.handle)
            current = people.by_handle.get(current.manager)
        seen.update(chain)
        if current is None or current.handle not in chain:
            continue
        loop = chain[chain.index(current.handle) :]
        if len(loop) > 1:
            first = min((people.by_handle[h] for h in loop), key=lambda p: p.line)
            names = " manages ".join([*reversed(loop), loop[-1]])
            out.append(f"{people.path}:{first.line}: manager cycle: {names}; nobody in it has a manager")
    return out


def _person(path: Path, line: int, item: Any) -> Person:
    where = f"{path}:{line}"
    if not isinstance(item, dict):
        raise CptoError(f"{where}: each person must be a mapping with at least handle and discipline")
    for key in ("handle", "name", "discipline", "role", "team", "manager", "github"):
        text_value(item.get(key), f"{where}: {key}")  # 'manager: 0123' is a number, not a handle
    handle = str(item.get("handle") or "").strip()
    if not handle:
        raise CptoError(f"{where}: person without a handle")
    if not HANDLE.match(handle):
        raise CptoError(f"{where}: handle '{handle}' must be lower-case letters, digits, '.', '_' or '-'")
    return Person(
        handle=handle,
        name=str(item.get("name") or handle),
        discipline=str(item.get("discipline") or UNKNOWN_DISCIPLINE).strip().lower(),
        role=str(item.get("role") or ""),
        team=str(item.get("team") or ""),
        manager=str(item.get("manager") or "").strip(),
        emails=_strings(where, item, "emails"),
        aliases=_strings(where, item, "aliases"),
        line=line,
        github=str(item.get("github") or "").strip().removeprefix("@"),
    )


def _strings(where: str, item: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text_list(item.get(key), f"{where}: {key}"))


# The one rule for who a commit's author is and which commits count, shared by ``cpto history``,
# ``cpto people`` and the heartbeat, and said under each of their tables.
IDENTITY_RULE = (
    "a person is their people.yaml entry (emails, aliases, name), else their .mailmap identity, else their"
    " email (their name when the email is a placeholder like none@none)"
)
# Emails that say nothing about who wrote a commit: converted histories and unset git configs use them
# for many people at once, so counting by them would make one person of many.
_PLACEHOLDER_EMAIL = re.compile(r"^$|^[^@]*$|^(none|unknown|nobody|root|user)@|@(none|localhost|\(none\))$")
COUNT_RULE = (
    "commits are non-merge commits; code commits are those that change at least one code file (tests, docs,"
    " generated, vendored, lock, build and config files and the records are not code)"
)


@dataclass(frozen=True)
class Who:
    """Who a git identity is by the identity rule: ``key`` is the handle, else the email after .mailmap."""

    key: str
    name: str
    email: str
    handle: str | None
    source: str  # "people.yaml", ".mailmap" or "email": which step of the rule decided


def who(people: People | None, email: str, name: str, mapped: tuple[str, str] | None = None) -> Who:
    """The identity rule: people.yaml (by the raw identity, then by its .mailmap form), else the
    .mailmap identity ``mapped`` (name, email) git gives, else the email itself (lower case).

    One person committing from two laptops is one person once people.yaml or .mailmap says so; until
    then they are two identities, and the reports say which rule made each.
    """
    mapped_name, mapped_email = mapped or (name, email)
    if people is not None:
        handle = people.identify(email, name) or people.identify(mapped_email, mapped_name)
        if handle:
            return Who(handle, people.by_handle[handle].name, email.strip().lower(), handle, "people.yaml")
    changed = (mapped_name, mapped_email.strip().lower()) != (name, email.strip().lower())
    key = mapped_email.strip().lower()
    if _PLACEHOLDER_EMAIL.search(key):
        key = mapped_name.strip() or key
    return Who(key, mapped_name, mapped_email.strip().lower(), None, ".mailmap" if changed else "email")


@dataclass(frozen=True)
class Author:
    """A git identity as the history index knows it, with how many commits and lines it wrote."""

    email: str
    name: str
    commits: int
    lines: int | None  # None: some of their commits wait for their line counts (a first-phase index)
    code_commits: int = 0
    handle: str | None = None  # when the identity rule already found them in people.yaml


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
    """Commits per person, what nobody in people.yaml claims, and code written across discipline lines.

    ``unknown`` holds what the data cannot tell, each with why and what to set up (no people.yaml: no
    disciplines, so nobody is "outside engineering"; a shallow clone: counts miss the older history).
    """

    commits: dict[str, int]
    lines: dict[str, int | None]  # None: some of the person's commits wait for their line counts
    unmapped: list[Author]
    across_lanes: list[tuple[Person, int]]  # people outside engineering who committed code, code commits
    code_commits: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


NO_PEOPLE = (
    "disciplines unknown: no people.yaml, so nobody can be called inside or outside engineering;"
    " add people.yaml with each person's handle, discipline and git emails (see docs/people.md)"
)


def contributions(people: People, authors: Iterable[Author]) -> Contributions:
    """Commits, lines and code commits per handle; authors nobody in people.yaml claims are listed.

    ``authors`` are identities after the identity rule (``who``), so a person's identities are merged
    already; they are matched to handles here by email, then alias or name.
    """
    commits: dict[str, int] = defaultdict(int)
    code: dict[str, int] = defaultdict(int)
    lines: dict[str, int | None] = {}
    unmapped = []
    for author in authors:
        handle = author.handle or people.identify(author.email, author.name)
        if handle is None or handle not in people.by_handle:
            unmapped.append(author)
            continue
        commits[handle] += author.commits
        code[handle] += author.code_commits
        before = lines.get(handle, 0)
        lines[handle] = None if before is None or author.lines is None else before + author.lines
    across = [
        (people.by_handle[h], n)
        for h, n in sorted(code.items(), key=lambda kv: (-kv[1], kv[0]))
        if n and people.by_handle[h].discipline not in (BUILDING, UNKNOWN_DISCIPLINE)
    ]
    unmapped.sort(key=lambda a: (-a.commits, a.email))
    unknown = [] if people.people else [NO_PEOPLE]
    return Contributions(dict(commits), lines, unmapped, across, dict(code), unknown)


def workspace_contributions(
    con: duckdb.DuckDBPyConnection, people: People, config: WorkspaceConfig
) -> Contributions:
    """Contributions from the history index by the identity and count rules ``cpto history`` uses
    (``cpto.history.summary.contributors``), with what the index cannot tell (a shallow clone)."""
    from cpto.history.store import pending_note
    from cpto.history.summary import contributors, identity_resolver, shallow_repos

    everyone = contributors(con, identity_resolver(con, people), config)
    work = contributions(
        people,
        [Author(a.email, a.name, a.commits, a.lines_changed, a.code_commits, a.handle) for a in everyone],
    )
    work.unknown.extend(
        f"{path}: shallow clone, older history not indexed: commits count only the fetched history"
        " (git fetch --unshallow, then cpto index)"
        for path in shallow_repos(con)
    )
    waiting = pending_note(con)
    if waiting is not None:
        work.unknown.append(waiting)
    return work


def explain_counts(report: Report, work: Contributions | None) -> Report:
    """Say under the tables and in the JSON how people and commits were counted, and what is unknown.

    Without people.yaml nobody has a discipline, so "code by people outside engineering" is unknown,
    not empty: the JSON says ``null`` with the reason beside it, and the empty people tables give way
    to the note on what to add.
    """
    if work is None:
        return report
    rule = f"{COUNT_RULE}; {IDENTITY_RULE}"
    report.notes = [*report.notes, *work.unknown, f"counted: {rule}"]
    report.data["rules"] = {"count": COUNT_RULE, "identity": IDENTITY_RULE}
    report.data["unknown"] = list(work.unknown)
    report.data["code_commits"] = dict(work.code_commits)
    for row in report.data.get("people", []):
        row["code_commits"] = work.code_commits.get(row.get("handle", ""), 0)
    for table in report.tables:
        if table.title.startswith("Across lanes: code"):
            table.caption = "code commits: non-merge commits that change at least one code file"
        elif table.title.startswith("Git identities"):
            table.caption = f"{table.caption}; {IDENTITY_RULE}" if table.caption else IDENTITY_RULE
    if NO_PEOPLE in work.unknown:
        report.data["disciplines"] = None
        report.data["across_lanes"] = None
        report.data["why_unknown"] = NO_PEOPLE
        report.tables = [t for t in report.tables if t.title not in ("People", "Disciplines")]
    return report


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
        prd_paths: list[Path] = find_prds(config)
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
