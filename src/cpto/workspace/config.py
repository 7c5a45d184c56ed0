"""Read cpto.toml, filling every missing setting with its documented default.

Everything in cpto.toml is optional, so a plain git repository is already a workspace.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cpto.errors import CptoError

CONFIG_NAME = "cpto.toml"
DEFAULT_PRD_GLOBS = ("docs/prd/**/*.md", "prds/**/*.md")
# Who is on point for each kind of decision, unless [working_agreement] says otherwise.
DEFAULT_AGREEMENT = {"outcomes": "product", "experience": "design", "implementation": "engineering"}
DEFAULT_DECISION_SLA = "2d"
# More than one decision in five appealed in a quarter means the leadership team is not deciding together.
DEFAULT_MAX_APPEAL_RATE = 0.2
DEFAULT_SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")
BANDS = ("elite", "high", "medium", "low")  # DORA performance bands, best first
CODE_KINDS = ("tests", "docs", "generated", "vendored")
# [deploys] source: what counts as a deploy (tags, the deploy log, or GitHub's deployments or releases)
DEPLOY_SOURCES = ("tags", "log", "github-deployments", "github-releases")
DEFAULT_ENVIRONMENT = "production"
DEFAULT_INCIDENT_LABEL = "incident"
# [github] labels: a pull request's (or its linked issue's) label -> the effort bucket its commits count
# under, before the commit classifier is asked. Labels are compared case-insensitively; the workspace's
# own mapping is laid over these.
DEFAULT_GITHUB_LABELS = {
    "bug": "fix",
    "enhancement": "feature",
    "feature": "feature",
    "dependencies": "infra",
    "ci": "infra",
    "build": "infra",
    "refactor": "debt",
    "tech-debt": "debt",
    "documentation": "other",
}
BUCKETS = ("feature", "fix", "debt", "infra", "other")  # the effort buckets (cpto.heartbeat.classify)
_BAND_KEYS = {
    "deployment_frequency_band": "deployment frequency",
    "lead_time_band": "lead time for changes",
    "change_failure_band": "change failure rate",
    "restore_band": "time to restore",
}


@dataclass(frozen=True)
class AlarmThresholds:
    """[alarms] in cpto.toml: when the heartbeat raises an alarm on its own.

    The debt alarm needs both signals: the share of commits paying down debt under ``debt_floor`` and the
    complexity of the hotspots growing, each of the last ``debt_weeks`` weeks. A DORA metric raises an
    alarm when it falls in a band worse than the one named for it ("low" never alarms).
    """

    debt_floor: float = 0.1
    debt_weeks: int = 3
    worst_band: dict[str, str] = field(
        default_factory=lambda: {
            "deployment frequency": "low",
            "lead time for changes": "low",
            "change failure rate": "medium",
            "time to restore": "low",
        }
    )


@dataclass(frozen=True)
class WorkspaceConfig:
    """The settings of one workspace, with paths resolved against its root."""

    root: Path
    name: str
    repos: list[Path]
    prds: list[str] = field(default_factory=lambda: list(DEFAULT_PRD_GLOBS))
    decisions: Path | None = None
    incidents: Path | None = None
    roadmap: Path | None = None
    people: Path | None = None
    alarms: Path | None = None
    deploy_tags: str = "v*"
    working_agreement: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_AGREEMENT))
    decision_sla: timedelta = timedelta(days=2)
    approval_sla: timedelta | None = None  # [sla] approval: the heartbeat's review SLAs are held to it
    appeals_to: str = "ceo"
    max_appeal_rate: float = DEFAULT_MAX_APPEAL_RATE
    meeting_days: tuple[str, ...] = ()
    severities: tuple[str, ...] = DEFAULT_SEVERITIES
    zone: tzinfo = UTC  # [workspace] timezone: the days meetings and dates in records fall on
    thresholds: AlarmThresholds = field(default_factory=AlarmThresholds)
    deploy_log: Path | None = None  # [deploys] log: deploys written down instead of tagged
    # [code] tests/docs/generated/vendored: globs of paths that are not product code, on top of the
    # built-in rules and .gitattributes linguist-* attributes (e.g. tests = ["testing/**"]).
    code_kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    person_scores: bool = True  # [privacy] person_scores = false keeps per-person scores out of reports
    deploy_source: str = "tags"  # [deploys] source: one of DEPLOY_SOURCES ("log" when [deploys] log is set)
    deploy_environment: str = DEFAULT_ENVIRONMENT  # [deploys] environment: GitHub deployments counted
    incident_label: str = DEFAULT_INCIDENT_LABEL  # [incidents] github_label: issues that are incidents too
    github_labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_GITHUB_LABELS))
    # [services]: a path prefix in a repository (a monorepo's folder) -> the service it holds, longest first
    services: dict[str, str] = field(default_factory=dict)
    # Set by cpto.workspace.narrow: what the reports were narrowed to ("api, web"), and the path prefix
    # (a folder of the repositories) their files must be under; None: the whole workspace.
    narrowed_to: str | None = None
    paths: tuple[str, ...] = ()
    # Set by narrowing to a team: people.yaml's identities (email, alias, name, lower case) -> handle, all
    # of them (an identity belongs to whoever claims it first), and the handles of the team's people.
    identities: dict[str, str] = field(default_factory=dict)
    team_handles: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def record_paths(self) -> list[Path]:
        """The leadership records (not work): decisions, incidents, roadmap and people files."""
        paths = (self.decisions, self.incidents, self.roadmap, self.people, self.alarms)
        return [p for p in paths if p is not None]

    @property
    def people_path(self) -> Path:
        """The people file: [workspace] people, else people.yaml at the root (it may not exist)."""
        return self.people or self.root / "people.yaml"

    @property
    def roadmap_path(self) -> Path:
        """The roadmap file: [workspace] roadmap, else roadmap.yaml at the root (it may not exist)."""
        return self.roadmap or self.root / "roadmap.yaml"

    @property
    def index_path(self) -> Path:
        """Where the embedded history index lives: a cache that can always be rebuilt."""
        return self.root / ".cpto" / "index.duckdb"


# Every table cpto.toml may hold and the settings in each (None: any name, as [meetings] holds meeting
# names). Anything else is a typo or a setting of another tool, refused with the nearest known name:
# ignoring ``reposs = [...]`` would read the wrong repositories without a word.
SCHEMA: dict[str, tuple[str, ...] | None] = {
    "workspace": (
        "name",
        "repos",
        "prds",
        "decisions",
        "incidents",
        "roadmap",
        "people",
        "alarms",
        "timezone",
    ),
    "working_agreement": (*DEFAULT_AGREEMENT, "appeals_to", "max_appeal_rate"),
    "meetings": None,
    "sla": ("decision", "approval"),
    "deploys": ("tags", "log", "source", "environment"),
    "alarms": ("debt_floor", "debt_weeks", *_BAND_KEYS),
    "incidents": ("severities", "github_label"),
    "github": ("labels",),
    "code": CODE_KINDS,
    "privacy": ("person_scores",),
    "services": None,
}
MAX_CONFIG_BYTES = 1024 * 1024  # settings are a page of text; a larger cpto.toml is a mistake


def load_workspace(root: Path) -> WorkspaceConfig:
    """Load the workspace at ``root``; a missing cpto.toml means all defaults.

    Every table and setting is checked where it is read: an unknown one (``reposs``), a value of the
    wrong type or out of range, and a records path of the wrong kind (``decisions`` naming a file) are
    one-line errors naming cpto.toml, the setting and the value.
    """
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise CptoError(f"{root}: workspace folder does not exist")
    where = root / CONFIG_NAME
    raw = _read_toml(where)
    _check_names(raw, where)
    section = raw.get("workspace", {})
    deploys = raw.get("deploys", {})
    agreement = raw.get("working_agreement", {})
    sla = raw.get("sla", {})

    def text(table: dict[str, Any], key: str, default: str, header: str) -> str:
        return _text(table.get(key, default), f"{where}: [{header}] {key}")

    def folder(key: str, default: str) -> Path:
        return _records_path(
            root, text(section, key, default, "workspace"), f"{where}: [workspace] {key}", True
        )

    def file(key: str, default: str) -> Path:
        return _records_path(
            root, text(section, key, default, "workspace"), f"{where}: [workspace] {key}", False
        )

    log = deploys.get("log")
    approval = sla.get("approval")
    return WorkspaceConfig(
        root=root,
        name=text(section, "name", root.name, "workspace"),
        repos=expand_repos(
            root,
            _texts(section.get("repos", ["."]), f"{where}: [workspace] repos"),
            f"{where}: [workspace] repos",
        ),
        prds=_texts(section.get("prds", list(DEFAULT_PRD_GLOBS)), f"{where}: [workspace] prds"),
        decisions=folder("decisions", "decisions"),
        incidents=folder("incidents", "incidents"),
        roadmap=file("roadmap", "roadmap.yaml"),
        people=file("people", "people.yaml"),
        alarms=folder("alarms", "alarms"),
        deploy_tags=text(deploys, "tags", "v*", "deploys"),
        working_agreement={
            domain: text(agreement, domain, discipline, "working_agreement")
            for domain, discipline in DEFAULT_AGREEMENT.items()
        },
        decision_sla=parse_duration(sla.get("decision", DEFAULT_DECISION_SLA), f"{where}: [sla] decision"),
        approval_sla=parse_duration(approval, f"{where}: [sla] approval") if approval is not None else None,
        appeals_to=text(agreement, "appeals_to", "ceo", "working_agreement"),
        max_appeal_rate=_rate(
            agreement.get("max_appeal_rate", DEFAULT_MAX_APPEAL_RATE),
            f"{where}: [working_agreement] max_appeal_rate",
        ),
        meeting_days=_weekdays(raw.get("meetings", {}), f"{where}: [meetings]"),
        zone=parse_zone(section.get("timezone"), f"{where}: [workspace] timezone"),
        severities=_severities(raw.get("incidents", {}), f"{where}: [incidents] severities"),
        thresholds=_thresholds(raw.get("alarms", {}), f"{where}: [alarms]"),
        deploy_log=(
            _records_path(root, _text(log, f"{where}: [deploys] log"), f"{where}: [deploys] log", False)
            if log is not None
            else None
        ),
        code_kinds=_code_kinds(raw.get("code", {}), f"{where}: [code]"),
        person_scores=_flag(
            raw.get("privacy", {}).get("person_scores", True), f"{where}: [privacy] person_scores"
        ),
        deploy_source=_deploy_source(deploys, f"{where}: [deploys]"),
        deploy_environment=text(deploys, "environment", DEFAULT_ENVIRONMENT, "deploys").strip(),
        incident_label=text(
            raw.get("incidents", {}), "github_label", DEFAULT_INCIDENT_LABEL, "incidents"
        ).strip(),
        github_labels=_github_labels(raw.get("github", {}).get("labels", {}), f"{where}: [github] labels"),
        services=_services(raw.get("services", {}), f"{where}: [services]"),
        raw=raw,
    )


_MAGIC = re.compile(r"[*?[]")


def expand_repos(root: Path, entries: list[str], where: str) -> list[Path]:
    """[workspace] repos: each entry a path (taken as written, as before), a glob or ``@list.txt``.

    A glob (``repos/*``, ``services/**``) takes the folders it matches that are git repositories (a
    ``.git`` entry or a bare layout: a stat or two each, no git process, so 1,000 candidates take
    milliseconds), sorted; one that takes none is an error naming it, since a typo would otherwise read
    nothing. ``@repos.txt`` is a file inside the workspace holding one path or glob per line (``#``
    comments, blank lines); there a path must be a repository, and a problem names the file and line.
    Entries keep their order (the first repository is the one single-repository reports read) and a
    repository named twice is read once.
    """
    out: list[Path] = []
    for entry in entries:
        if entry.startswith("@"):
            out.extend(_list_file(root, entry, where))
        elif _MAGIC.search(entry):
            out.extend(_glob_repos(root, entry, where))
        else:
            out.append((root / entry).resolve())
    return list(dict.fromkeys(out))


def is_repository(path: Path) -> bool:
    """A working tree (``.git`` folder or gitdir file) or a bare repository (HEAD, objects/, refs/)."""
    if os.path.lexists(path / ".git"):
        return True
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _glob_repos(root: Path, pattern: str, where: str) -> list[Path]:
    """The repositories a glob matches, sorted. ``**`` is any depth of folders, but not inside a
    repository (a repository's own folders are not searched) nor through symbolic links (no loops, no
    leaving the tree the pattern names); hidden folders match only a part that starts with a dot."""
    parts = [p for p in Path(pattern).parts if p not in ("", ".")]
    literal = 0
    while literal < len(parts) and not _MAGIC.search(parts[literal]):
        literal += 1
    base = root.joinpath(*parts[:literal])
    found = {p.resolve() for p in _walk(base, parts[literal:]) if is_repository(p)}
    if not found:
        raise CptoError(f"{where}: '{pattern}' matches no git repository")
    return sorted(found)


def _walk(base: Path, parts: list[str]) -> Iterable[Path]:
    """Folders under ``base`` matching the glob ``parts``, one os.scandir per folder visited."""
    if not parts:
        yield base
        return
    head, rest = parts[0], parts[1:]
    if head == "**":
        yield from _walk(base, rest)
        if not is_repository(base):
            for sub in _folders(base, "*"):
                yield from _walk(sub, parts)
    elif _MAGIC.search(head):
        for sub in _folders(base, head):
            yield from _walk(sub, rest)
    elif (base / head).is_dir():
        yield from _walk(base / head, rest)


def _folders(base: Path, pattern: str) -> list[Path]:
    """The sub-folders of ``base`` (not symbolic links) whose names match ``pattern``."""
    try:
        with os.scandir(base) as entries:
            return [
                Path(e.path)
                for e in entries
                if e.is_dir(follow_symlinks=False)
                and fnmatch.fnmatchcase(e.name, pattern)
                and (not e.name.startswith(".") or pattern.startswith("."))
            ]
    except OSError:
        return []


MAX_LIST_BYTES = 10 * 1024 * 1024  # a list of 100,000 repository paths fits many times over


def _list_file(root: Path, entry: str, where: str) -> list[Path]:
    """``@repos.txt``: the repositories a list file inside the workspace names, one path or glob a line,
    each read as a repos entry (relative to the workspace, not to the list file)."""
    name = entry[1:].strip()
    if not name:
        raise CptoError(f"{where}: '@' names no file; write @repos.txt")
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise CptoError(f"{where}: '{entry}': the list file must be inside the workspace ({root})")
    if not path.is_file():
        raise CptoError(f"{where}: '{entry}': {path} is not a file")
    try:
        data = path.read_bytes()
        if len(data) > MAX_LIST_BYTES:
            raise CptoError(f"{path}: {len(data) // 1024} KiB is too large for a list of repositories")
        text = data.decode("utf-8")
    except OSError as exc:
        raise CptoError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CptoError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    out: list[Path] = []
    for number, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip()
        at = f"{path}:{number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            raise CptoError(f"{at}: '{line}': a list file cannot name another list file")
        if _MAGIC.search(line):
            out.extend(_glob_repos(root, line, at))
            continue
        repo = (root / line).resolve()
        if not is_repository(repo):
            raise CptoError(f"{at}: '{line}' is not a git repository ({repo})")
        out.append(repo)
    return out


def _services(section: dict[str, Any], where: str) -> dict[str, str]:
    """[services]: ``"services/api" = "api"``, a folder of a repository (a monorepo) -> its service.

    Prefixes are folders relative to a repository's root, written with ``/`` and without ``..``; they are
    kept longest first, so the most specific prefix of a file wins (``service_of``).
    """
    out: dict[str, str] = {}
    for prefix, service in section.items():
        clean = prefix.strip().rstrip("/")
        if not clean or clean.startswith("/") or ".." in clean.split("/") or "\\" in clean:
            raise CptoError(
                f'{where} "{prefix}": not a folder relative to a repository\'s root, like "services/api"'
            )
        out[clean] = _text(service, f'{where} "{prefix}"').strip()
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[0]), kv[0])))


def service_of(services: dict[str, str], path: str) -> str | None:
    """The service a repository file belongs to: the longest [services] prefix that is a folder of it."""
    return next((s for p, s in services.items() if path == p or path.startswith(p + "/")), None)


def _check_names(raw: dict[str, Any], where: Path) -> None:
    """Every table is one cpto knows and holds only settings it knows: a typo is named, with a guess."""
    for name, value in raw.items():
        if name not in SCHEMA:
            home = next((t for t, keys in SCHEMA.items() if keys and name in keys), None)
            if home is not None:
                raise CptoError(f"{where}: {name} belongs under [{home}] (write it below a [{home}] line)")
            raise CptoError(
                f"{where}: unknown table [{name}]{guess(name, SCHEMA)} (known: {', '.join(SCHEMA)})"
            )
        if not isinstance(value, dict):
            raise CptoError(f"{where}: [{name}] should be a table (a [{name}] header with keys under it)")
        known = SCHEMA[name]
        if known is None:
            continue
        for key in value:
            if key not in known:
                raise CptoError(
                    f"{where}: [{name}] {key}: unknown setting{guess(key, known)} (known: {', '.join(known)})"
                )


def guess(name: str, known: Iterable[str]) -> str:
    """``; did you mean repos?`` for the closest known name, or nothing when none is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def _records_path(root: Path, value: str, where: str, is_folder: bool) -> Path:
    """A records path: it need not exist yet (the writing commands create it), but if it does it must be
    a folder (decisions, incidents, alarms) or a file (roadmap, people, deploy log) as the setting says."""
    if not value.strip():
        raise CptoError(f"{where}: empty; give a path relative to the workspace")
    path = root / value
    if path.is_symlink() and not path.exists():
        raise CptoError(f"{where}: '{value}' is a symbolic link to something that does not exist")
    if is_folder and path.exists() and not path.is_dir():
        raise CptoError(f"{where}: '{value}' is a file; this setting names a folder of records")
    if not is_folder and path.is_dir():
        raise CptoError(f"{where}: '{value}' is a folder; this setting names a file")
    return path


def _text(value: Any, where: str) -> str:
    """A setting that must be a string: a number or a list there is a mistake worth naming."""
    if not isinstance(value, str):
        raise CptoError(f"{where}: expected text in quotes, got {_shown(value)}")
    if not value.strip():
        raise CptoError(f"{where}: empty; leave the setting out to use its default")
    return value


def _texts(value: Any, where: str) -> list[str]:
    """A setting that must be a list of strings, like repos = [".", "../api"]."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CptoError(
            f'{where}: expected a list of text in quotes, like [".", "../api"], got {_shown(value)}'
        )
    return value


def _shown(value: Any) -> str:
    """A wrong value in an error: as TOML wrote it, on one line, at most 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _code_kinds(section: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    """[code]: extra path globs per kind of file that is not product code (tests, docs, generated, vendored)."""
    return {kind: tuple(_texts(section[kind], f"{where} {kind}")) for kind in CODE_KINDS if kind in section}


def _deploy_source(section: dict[str, Any], where: str) -> str:
    """[deploys] source: one of DEPLOY_SOURCES; by default "log" when a log is set, else "tags" (so a
    workspace written before GitHub was a source reads its deploys as it did). A log beside another
    source would be ignored without a word, so that is refused."""
    has_log = "log" in section
    value = section.get("source", "log" if has_log else "tags")
    if not isinstance(value, str) or value.strip().lower() not in DEPLOY_SOURCES:
        raise CptoError(
            f"{where} source: {_shown(value)} is not one of {', '.join(DEPLOY_SOURCES)}{guess(str(value), DEPLOY_SOURCES)}"
        )
    source = value.strip().lower()
    if source == "log" and not has_log:
        raise CptoError(f'{where} source: "log" needs [deploys] log = "deploys.log" (the file to read)')
    if has_log and source != "log":
        raise CptoError(
            f'{where} source: "{source}" but [deploys] log is set too; remove log, or set source = "log"'
        )
    return source


def _github_labels(value: Any, where: str) -> dict[str, str]:
    """[github] labels: label = "bucket" pairs laid over DEFAULT_GITHUB_LABELS; labels lower-cased."""
    if not isinstance(value, dict):
        raise CptoError(
            f'{where}: expected a table like {{ bug = "fix", perf = "debt" }}, got {_shown(value)}'
        )
    out = dict(DEFAULT_GITHUB_LABELS)
    for label, bucket in value.items():
        if not isinstance(bucket, str) or bucket.strip().lower() not in BUCKETS:
            raise CptoError(
                f"{where} {label}: {_shown(bucket)} is not one of {', '.join(BUCKETS)}{guess(str(bucket), BUCKETS)}"
            )
        out[label.strip().lower()] = bucket.strip().lower()
    return out


def _flag(value: Any, where: str) -> bool:
    """A setting that must be true or false (unquoted)."""
    if not isinstance(value, bool):
        raise CptoError(f"{where}: expected true or false, got {_shown(value)}")
    return value


MAX_DURATION = timedelta(days=366)  # an SLA longer than a year is a typo, and a huge one overflows


def parse_duration(text: Any, where: str) -> timedelta:
    """``2d``, ``12h``, ``1w`` (``1.5d`` too): how SLAs are written in cpto.toml; more than 0, at most 366 days."""
    m = _DURATION.match(text) if isinstance(text, str) and len(text) <= 40 else None
    if not m:
        raise CptoError(f"{where}: {_shown(text)} is not a duration like 12h, 2d or 1w")
    hours = float(m.group(1)) * {"h": 1, "d": 24, "w": 168}[m.group(2)]
    if not 0 < hours <= MAX_DURATION.total_seconds() / 3600:
        raise CptoError(f"{where}: {_shown(text)} is not more than 0 and at most 366 days (52w)")
    return timedelta(hours=hours)


def _rate(value: Any, where: str) -> float:
    """A share written as 0.2 or "20%"."""
    text = str(value).strip()
    try:
        rate = float(text.removesuffix("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise CptoError(f"{where}: '{value}' is not a share like 0.2 or 20%") from None
    if not 0 <= rate <= 1:
        raise CptoError(f"{where}: '{value}' is not between 0 and 1 (0% and 100%)")
    return rate


def _weekdays(section: dict[str, Any], where: str) -> tuple[str, ...]:
    """The weekdays of recurring meetings: ``[meetings] joint_review = "thursday"`` (name = weekday).

    A weekday is its name or the first three letters or more of it (``thu``, ``thurs``), any case.
    """
    days = []
    for name, day in section.items():
        text = day.strip().lower().removesuffix("s") if isinstance(day, str) else ""
        match = next((w for w in WEEKDAYS if len(text) >= 3 and w.startswith(text)), None)
        if match is None:
            raise CptoError(f"{where} {name}: {_shown(day)} is not a weekday like thursday")
        days.append(match)
    return tuple(dict.fromkeys(days))


def parse_zone(name: Any, where: str) -> tzinfo:
    """An IANA time zone name (Europe/Berlin); absent (None) means UTC."""
    if name is None:
        return UTC
    if not isinstance(name, str) or not name.strip():
        raise CptoError(f"{where} {_shown(name)} is not a time zone like Europe/Berlin or UTC")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CptoError(f"{where} {_shown(name)} is not a time zone like Europe/Berlin or UTC") from None


def _severities(section: dict[str, Any], where: str) -> tuple[str, ...]:
    """Incident severities, most severe first: a non-empty list of distinct names."""
    value = section.get("severities", DEFAULT_SEVERITIES)
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
        or len(set(value)) != len(value)
    ):
        raise CptoError(
            f'{where}: expected a list of distinct names, most severe first, like ["SEV1", "SEV2", "SEV3"],'
            f" got {_shown(value)}"
        )
    return tuple(value)


def _thresholds(section: dict[str, Any], where: str) -> AlarmThresholds:
    """[alarms]: debt_floor, debt_weeks and the worst acceptable DORA band per metric."""
    defaults = AlarmThresholds()
    weeks = section.get("debt_weeks", defaults.debt_weeks)
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 4:
        raise CptoError(f"{where} debt_weeks: {_shown(weeks)} is not a whole number of weeks from 1 to 4")
    bands = dict(defaults.worst_band)
    for key, metric in _BAND_KEYS.items():
        if key in section:
            band = section[key].strip().lower() if isinstance(section[key], str) else ""
            if band not in BANDS:
                raise CptoError(f"{where} {key}: {_shown(section[key])} is not one of {', '.join(BANDS)}")
            bands[metric] = band
    return AlarmThresholds(
        debt_floor=_rate(section.get("debt_floor", defaults.debt_floor), f"{where} debt_floor"),
        debt_weeks=weeks,
        worst_band=bands,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse cpto.toml, or ``{}`` when there is none; anything else that cannot be read is a one-line error:
    a folder or a dangling symbolic link in its place, a file larger than 1 MiB, not UTF-8, invalid TOML."""
    if path.is_symlink() and not path.exists():
        raise CptoError(f"{path}: a symbolic link to something that does not exist")
    if not path.exists():
        return {}
    if not path.is_file():
        raise CptoError(f"{path}: is a folder (or other non-file); cpto.toml must be a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CptoError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise CptoError(f"{path}: {len(data) // 1024} KiB is too large for a settings file (limit 1 MiB)")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CptoError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CptoError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise CptoError(f"{path}: invalid TOML: nested too deeply") from None
