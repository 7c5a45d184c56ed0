"""``cpto check``: every record and PRD of a workspace validated at once, each problem with file:line.

The readers raise on the first error in a file, which is right for a report but not for a check: here
each file is read on its own, so one broken record does not hide the problems of the others. Errors make
a record unreadable; warnings are things the numbers would be wrong about (unknown handles, a PRD a
roadmap item names that does not exist, a roadmap target already passed or contradicting its horizon,
files left behind by an interrupted write); information is what is worth knowing but is not wrong
(open action items). A kind of record the workspace has none of is named, not counted as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from cpto.errors import CptoError
from cpto.fsutil import workspace_glob
from cpto.records.actions import ActionItem, record_action_items
from cpto.records.alarms import alarms_folder, read_alarm
from cpto.records.decisions import check_under, decisions_folder, read_decision
from cpto.records.deploys import read_deploy_log, unresolved_deploys
from cpto.records.fields import folder_records
from cpto.records.ids import Record, duplicates, no_records
from cpto.records.incidents import check_incident, incidents_folder, read_incident
from cpto.records.people import People, read_people
from cpto.records.roadmap import read_roadmap, target_problems
from cpto.review.prd import read_prd
from cpto.review.service import find_prds
from cpto.review.verdicts import check_verdicts
from cpto.workspace.config import WorkspaceConfig

ERROR = "error"
WARNING = "warning"
INFO = "info"
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    level: str  # error | warning | info
    where: str  # file or file:line
    message: str


@dataclass
class CheckResult:
    checked: dict[str, int]  # files read per kind
    problems: list[Problem]
    missing: dict[str, str] = field(default_factory=dict)  # kind -> why none was read
    open_actions: int = 0  # open action items (- [ ]) of incidents and decisions

    @property
    def errors(self) -> int:
        return sum(p.level == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        """Warnings fail ``--strict``; information (open action items) never does."""
        return sum(p.level == WARNING for p in self.problems)


def check_workspace(config: WorkspaceConfig, now: datetime | None = None) -> CheckResult:
    """Read every record and PRD of ``config``; collect what is broken or doubtful instead of stopping."""
    now = now or datetime.now(UTC)
    problems: list[Problem] = []
    checked: dict[str, int] = {}

    people_path = config.people_path
    people = _one(problems, lambda: read_people(people_path), people_path) or People(people_path, [])
    checked["people"] = len(people.people)
    problems += [_warning(w) for w in people.warnings]
    known = set(people.by_handle) if people.people else None

    missing: dict[str, str] = {}
    if not people.people:
        missing["people"] = f"{people_path} does not exist" if not people_path.exists() else "nobody listed"
    decision_files = _folder(problems, decisions_folder(config), "decision")
    if not decision_files:
        missing["decisions"] = no_records(decisions_folder(config), "decision")
    decisions = _each(problems, decision_files, read_decision)
    checked["decisions"] = len(decisions)
    problems += _duplicates(decisions, "decision")
    for f in check_under(config, decisions, people, now):
        problems.append(Problem(WARNING, f.where, f"{f.decision.id}: {f.problem}"))
    for d in decisions:
        for handle in d.consulted:
            if known is not None and handle not in known:
                problems.append(
                    Problem(WARNING, f"{d.path}:1", f"{d.id}: consulted '{handle}' is not in people.yaml")
                )

    incident_files = _folder(problems, incidents_folder(config), "incident")
    if not incident_files:
        missing["incidents"] = no_records(incidents_folder(config), "incident")
    incidents = _each(problems, incident_files, lambda p: read_incident(p, config.severities))
    checked["incidents"] = len(incidents)
    problems += _duplicates(incidents, "incident")
    for i in incidents:
        problems += [Problem(WARNING, str(i.path), f"{i.id}: {p}") for p in check_incident(i, known)]

    items = [a for i in incidents for a in record_action_items("incident", i.id, i.title, i.path, i.sections)]
    items += [
        a for d in decisions for a in record_action_items("decision", d.id, d.title, d.path, d.sections)
    ]
    problems += _action_problems(items, known)

    alarms = _each(problems, _folder(problems, alarms_folder(config), "alarm"), read_alarm)
    checked["alarms"] = len(alarms)
    problems += _duplicates(alarms, "alarm")

    roadmap_path = config.roadmap_path
    today = now.astimezone(config.zone).date()
    if not roadmap_path.exists():
        missing["roadmap items"] = f"no roadmap: {roadmap_path} does not exist"
        checked["roadmap items"] = 0
    else:
        roadmap = _one(problems, lambda: read_roadmap(roadmap_path), roadmap_path)
        checked["roadmap items"] = len(roadmap.items) if roadmap else 0
        for item in roadmap.items if roadmap else []:
            where = f"{roadmap_path}:{item.line}"
            problems += [Problem(WARNING, where, f"{item.id}: {p}") for p in target_problems(item, today)]
            if item.prd and not (config.root / item.prd).is_file():
                problems.append(Problem(WARNING, where, f"{item.id}: prd '{item.prd}' does not exist"))
            if item.owner and known is not None and item.owner not in known:
                problems.append(
                    Problem(WARNING, where, f"{item.id}: owner '{item.owner}' is not in people.yaml")
                )

    problems += _deploy_problems(config)

    from cpto.records.overrides import checked_overrides, overrides_path

    overridden = overrides_path(config)
    checked["classification overrides"] = len(
        _one(problems, lambda: checked_overrides(config), overridden) or []
    )

    prd_paths = _prd_paths(config, problems)
    if not prd_paths:
        missing["PRDs"] = f"no file matches [workspace] prds ({', '.join(config.prds)})"
    prds = _each(problems, prd_paths, read_prd)
    checked["PRDs"] = len(prds)
    for prd in prds:
        if not prd.requirements:
            problems.append(Problem(ERROR, str(prd.path), "no requirements found"))
        problems += [_warning(f"{prd.path}: {w}") for w in prd.warnings]
    checked["verdict files"], findings = check_verdicts(config, prds)
    problems += [Problem(f.level, f.where, f.message) for f in findings]

    from cpto.workspace.init import setup_gaps  # it reads the repositories' tags and the review's PRDs

    where = str(config.root / "cpto.toml")
    problems += [Problem(WARNING, where, f"set-up: {gap}") for gap in setup_gaps(config)]

    folders = {p.parent if p.suffix else p for p in config.record_paths} | {p.path.parent for p in prds}
    for folder in folders:
        for leftover in workspace_glob(folder, ".*.tmp", root=config.root) if folder.is_dir() else []:
            problems.append(Problem(WARNING, str(leftover), "left by an interrupted write; safe to delete"))
    return CheckResult(checked, problems, missing, sum(not a.done for a in items))


def _folder(problems: list[Problem], folder: Path, what: str) -> list[Path]:
    """The records of ``folder``; a folder setting that names a file is an error here as everywhere."""
    try:
        found = folder_records(folder, what)
    except CptoError as exc:
        problems.append(_error(exc.message, folder))
        return []
    problems += [Problem(WARNING, s.path, s.reason) for s in found.skipped]  # links not followed
    return list(found)


def _deploy_problems(config: WorkspaceConfig) -> list[Problem]:
    """The deploy log as the timeline and the heartbeat read it: a line that is not ``TIME REVISION
    [NAME]`` (the first stops the reading, as it stops them), and revisions the first repository lacks."""
    log = config.deploy_log
    if log is None:
        return []
    if not log.exists():
        return [Problem(ERROR, str(log), "file not found ([deploys] log in cpto.toml)")]
    try:
        deploys = read_deploy_log(log)
    except CptoError as exc:
        return [_error(exc.message, log)]
    if not config.repos or not (config.repos[0] / ".git").exists():
        return []
    try:
        found = unresolved_deploys(config.repos[0], deploys, log)
    except CptoError as exc:
        return [_error(exc.message, log)]
    return [_error(message, log) for message in found]


def _action_problems(items: list[ActionItem], known: set[str] | None) -> list[Problem]:
    """Each open action item as information; one nobody owns, or whose owner is unknown, as a warning."""
    out = []
    for a in items:
        if a.done:
            continue
        what = f"{a.record}: open action item: {a.text}"
        if not a.owner:
            out.append(Problem(WARNING, a.where, f"{what} (no owner: end the line with (handle))"))
        elif known is not None and a.owner not in known:
            out.append(Problem(WARNING, a.where, f"{what} (owner '{a.owner}' is not in people.yaml)"))
        else:
            out.append(Problem(INFO, a.where, f"{what} ({a.owner})"))
    return out


def _prd_paths(config: WorkspaceConfig, problems: list[Problem]) -> list[Path]:
    try:
        found = find_prds(config)
    except CptoError:  # no PRDs is a fine state for a check: there is nothing to validate
        return []
    problems += [Problem(WARNING, s.path, s.reason) for s in found.skipped]  # links not followed
    return list(found)


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
