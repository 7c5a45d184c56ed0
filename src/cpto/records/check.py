"""``cpto check``: every record and PRD of a workspace validated at once, each problem with file:line.

The readers raise on the first error in a file, which is right for a report but not for a check: here
each file is read on its own, so one broken record does not hide the problems of the others. Errors make
a record unreadable; warnings are things the numbers would be wrong about (unknown handles, a PRD a
roadmap item names that does not exist, files left behind by an interrupted write).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from cpto.errors import CptoError
from cpto.records.alarms import read_alarm
from cpto.records.decisions import check_under, read_decision
from cpto.records.ids import Record, duplicates, record_files
from cpto.records.incidents import check_incident, read_incident
from cpto.records.people import People, read_people
from cpto.records.roadmap import read_roadmap
from cpto.review.prd import read_prd
from cpto.review.service import find_prds
from cpto.review.verdicts import check_verdicts
from cpto.workspace.config import WorkspaceConfig

ERROR = "error"
WARNING = "warning"
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    level: str  # error | warning
    where: str  # file or file:line
    message: str


@dataclass
class CheckResult:
    checked: dict[str, int]  # files read per kind
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.level == ERROR for p in self.problems)


def check_workspace(config: WorkspaceConfig, now: datetime | None = None) -> CheckResult:
    """Read every record and PRD of ``config``; collect what is broken or doubtful instead of stopping."""
    now = now or datetime.now(UTC)
    problems: list[Problem] = []
    checked: dict[str, int] = {}

    people_path = config.people or config.root / "people.yaml"
    people = _one(problems, lambda: read_people(people_path), people_path) or People(people_path, [])
    checked["people"] = len(people.people)
    problems += [_warning(w) for w in people.warnings]
    known = set(people.by_handle) if people.people else None

    decisions = _each(problems, record_files(config.decisions), read_decision)
    checked["decisions"] = len(decisions)
    problems += _duplicates(decisions, "decision")
    for f in check_under(config, decisions, people, now):
        problems.append(Problem(WARNING, f"{f.decision.path}:1", f"{f.decision.id}: {f.problem}"))
    for d in decisions:
        for handle in d.consulted:
            if known is not None and handle not in known:
                problems.append(
                    Problem(WARNING, f"{d.path}:1", f"{d.id}: consulted '{handle}' is not in people.yaml")
                )

    incidents = _each(problems, record_files(config.incidents), lambda p: read_incident(p, config.severities))
    checked["incidents"] = len(incidents)
    problems += _duplicates(incidents, "incident")
    for i in incidents:
        problems += [Problem(WARNING, str(i.path), f"{i.id}: {p}") for p in check_incident(i, known)]

    alarms = _each(problems, record_files(config.alarms), read_alarm)
    checked["alarms"] = len(alarms)
    problems += _duplicates(alarms, "alarm")

    roadmap_path = config.roadmap
    if roadmap_path is not None and roadmap_path.exists():
        roadmap = _one(problems, lambda: read_roadmap(roadmap_path), roadmap_path)
        checked["roadmap items"] = len(roadmap.items) if roadmap else 0
        for item in roadmap.items if roadmap else []:
            where = f"{roadmap_path}:{item.line}"
            if item.prd and not (config.root / item.prd).is_file():
                problems.append(Problem(WARNING, where, f"{item.id}: prd '{item.prd}' does not exist"))
            if item.owner and known is not None and item.owner not in known:
                problems.append(
                    Problem(WARNING, where, f"{item.id}: owner '{item.owner}' is not in people.yaml")
                )

    prds = _each(problems, _prd_paths(config), read_prd)
    checked["PRDs"] = len(prds)
    for prd in prds:
        if not prd.requirements:
            problems.append(Problem(ERROR, str(prd.path), "no requirements found"))
        problems += [_warning(f"{prd.path}: {w}") for w in prd.warnings]
    checked["verdict files"], findings = check_verdicts(config, prds)
    problems += [Problem(f.level, f.where, f.message) for f in findings]

    folders = {p.parent if p.suffix else p for p in config.record_paths} | {p.path.parent for p in prds}
    for folder in folders:
        for leftover in sorted(folder.glob(".*.tmp")) if folder.is_dir() else []:
            problems.append(Problem(WARNING, str(leftover), "left by an interrupted write; safe to delete"))
    return CheckResult(checked, problems)


def _prd_paths(config: WorkspaceConfig) -> list[Path]:
    try:
        return find_prds(config)
    except CptoError:  # no PRDs is a fine state for a check: there is nothing to validate
        return []


def _one(problems: list[Problem], read: Callable[[], T], path: Path) -> T | None:
    try:
        return read()
    except CptoError as exc:
        problems.append(_error(exc.message, path))
        return None


def _each(problems: list[Problem], paths: list[Path], read: Callable[[Path], T]) -> list[T]:
    out = []
    for path in paths:
        value = _one(problems, partial(read, path), path)
        if value is not None:
            out.append(value)
    return out


def _duplicates(records: Sequence[Record], what: str) -> list[Problem]:
    return [
        Problem(ERROR, f"{r.path}:1", f"duplicate {what} id '{r.id}' (also in {other.name})")
        for r, other in duplicates(records)
    ]


def _error(message: str, path: Path) -> Problem:
    where, _, rest = message.partition(": ")
    return Problem(ERROR, where, rest) if where.startswith(str(path)) else Problem(ERROR, str(path), message)


def _warning(message: str) -> Problem:
    where, _, rest = message.partition(": ")
    return Problem(WARNING, where, rest) if rest else Problem(WARNING, "", message)
