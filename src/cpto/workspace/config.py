"""Read cpto.toml, filling every missing setting with its documented default.

Everything in cpto.toml is optional, so a plain git repository is already a workspace.
"""

from __future__ import annotations

import re
import tomllib
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
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def record_paths(self) -> list[Path]:
        """The leadership records (not work): decisions, incidents, roadmap and people files."""
        paths = (self.decisions, self.incidents, self.roadmap, self.people, self.alarms)
        return [p for p in paths if p is not None]

    @property
    def index_path(self) -> Path:
        """Where the embedded history index lives: a cache that can always be rebuilt."""
        return self.root / ".cpto" / "index.duckdb"


def load_workspace(root: Path) -> WorkspaceConfig:
    """Load the workspace at ``root``; a missing cpto.toml means all defaults."""
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise CptoError(f"{root}: workspace folder does not exist")
    raw = _read_toml(root / CONFIG_NAME)
    where = root / CONFIG_NAME
    tables = (
        "workspace",
        "deploys",
        "working_agreement",
        "sla",
        "meetings",
        "incidents",
        "alarms",
        "code",
        "privacy",
    )
    for name in tables:
        if not isinstance(raw.get(name, {}), dict):
            raise CptoError(f"{where}: [{name}] should be a table (a [{name}] header with keys under it)")
    section = raw.get("workspace", {})
    deploys = raw.get("deploys", {})
    agreement = raw.get("working_agreement", {})

    def text(table: dict[str, Any], key: str, default: str, header: str) -> str:
        return _text(table.get(key, default), f"{where}: [{header}] {key}")

    def path(key: str, default: str) -> Path:
        return root / text(section, key, default, "workspace")

    log = deploys.get("log")
    return WorkspaceConfig(
        root=root,
        name=text(section, "name", root.name, "workspace"),
        repos=[
            (root / p).resolve() for p in _texts(section.get("repos", ["."]), f"{where}: [workspace] repos")
        ],
        prds=_texts(section.get("prds", list(DEFAULT_PRD_GLOBS)), f"{where}: [workspace] prds"),
        decisions=path("decisions", "decisions"),
        incidents=path("incidents", "incidents"),
        roadmap=path("roadmap", "roadmap.yaml"),
        people=path("people", "people.yaml"),
        alarms=path("alarms", "alarms"),
        deploy_tags=text(deploys, "tags", "v*", "deploys"),
        working_agreement={
            domain: text(agreement, domain, discipline, "working_agreement")
            for domain, discipline in DEFAULT_AGREEMENT.items()
        },
        decision_sla=parse_duration(
            raw.get("sla", {}).get("decision", DEFAULT_DECISION_SLA), f"{where}: [sla] decision"
        ),
        appeals_to=text(agreement, "appeals_to", "ceo", "working_agreement"),
        max_appeal_rate=_rate(
            agreement.get("max_appeal_rate", DEFAULT_MAX_APPEAL_RATE),
            f"{where}: [working_agreement] max_appeal_rate",
        ),
        meeting_days=_weekdays(raw.get("meetings", {}), f"{where}: [meetings]"),
        zone=parse_zone(section.get("timezone"), f"{where}: [workspace] timezone"),
        severities=_severities(raw.get("incidents", {}), f"{where}: [incidents] severities"),
        thresholds=_thresholds(raw.get("alarms", {}), f"{where}: [alarms]"),
        deploy_log=root / _text(log, f"{where}: [deploys] log") if log is not None else None,
        code_kinds=_code_kinds(raw.get("code", {}), f"{where}: [code]"),
        person_scores=_flag(
            raw.get("privacy", {}).get("person_scores", True), f"{where}: [privacy] person_scores"
        ),
        raw=raw,
    )


def _text(value: Any, where: str) -> str:
    """A setting that must be a string: a number or a list there is a mistake worth naming."""
    if not isinstance(value, str):
        raise CptoError(f"{where}: expected text in quotes, got {value!r}")
    return value


def _texts(value: Any, where: str) -> list[str]:
    """A setting that must be a list of strings, like repos = [".", "../api"]."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CptoError(f'{where}: expected a list of text in quotes, like [".", "../api"], got {value!r}')
    return value


CODE_KINDS = ("tests", "docs", "generated", "vendored")


def _code_kinds(section: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    """[code]: extra path globs per kind of file that is not product code (tests, docs, generated, vendored)."""
    unknown = sorted(set(section) - set(CODE_KINDS))
    if unknown:
        raise CptoError(f"{where}: unknown setting {unknown[0]} (known: {', '.join(CODE_KINDS)})")
    return {kind: tuple(_texts(section[kind], f"{where} {kind}")) for kind in CODE_KINDS if kind in section}


def _flag(value: Any, where: str) -> bool:
    """A setting that must be true or false (unquoted)."""
    if not isinstance(value, bool):
        raise CptoError(f"{where}: expected true or false, got {value!r}")
    return value


def parse_duration(text: str, where: str) -> timedelta:
    """``2d``, ``12h``, ``1w``: how SLAs are written in cpto.toml."""
    m = _DURATION.match(str(text))
    if not m:
        raise CptoError(f"{where}: '{text}' is not a duration like 12h, 2d or 1w")
    amount, unit = float(m.group(1)), m.group(2)
    return timedelta(hours=amount) * {"h": 1, "d": 24, "w": 168}[unit]


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


def _weekdays(section: Any, where: str) -> tuple[str, ...]:
    """The weekdays of recurring meetings: ``[meetings] joint_review = "thursday"`` (name = weekday)."""
    days = []
    for name, day in dict(section).items():
        text = str(day).strip().lower()
        match = next((w for w in WEEKDAYS if text and w.startswith(text[:3])), None)
        if match is None:
            raise CptoError(f"{where} {name}: '{day}' is not a weekday like thursday")
        days.append(match)
    return tuple(dict.fromkeys(days))


def parse_zone(name: Any, where: str) -> tzinfo:
    """An IANA time zone name (Europe/Berlin); empty means UTC."""
    if not name:
        return UTC
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise CptoError(f"{where} '{name}' is not a time zone like Europe/Berlin or UTC") from None


def _severities(section: Any, where: str) -> tuple[str, ...]:
    """Incident severities, most severe first."""
    value = dict(section).get("severities", DEFAULT_SEVERITIES)
    if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
        raise CptoError(f'{where}: expected a list, most severe first, like ["SEV1", "SEV2", "SEV3"]')
    return tuple(value)


_BAND_KEYS = {
    "deployment_frequency_band": "deployment frequency",
    "lead_time_band": "lead time for changes",
    "change_failure_band": "change failure rate",
    "restore_band": "time to restore",
}


def _thresholds(section: Any, where: str) -> AlarmThresholds:
    """[alarms]: debt_floor, debt_weeks and the worst acceptable DORA band per metric."""
    if not isinstance(section, dict):
        raise CptoError(f"{where}: expected a table of thresholds")
    unknown = sorted(set(section) - {"debt_floor", "debt_weeks", *_BAND_KEYS})
    if unknown:
        known = ", ".join(["debt_floor", "debt_weeks", *_BAND_KEYS])
        raise CptoError(f"{where}: unknown setting {unknown[0]} (known: {known})")
    defaults = AlarmThresholds()
    weeks = section.get("debt_weeks", defaults.debt_weeks)
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 4:
        raise CptoError(f"{where} debt_weeks: '{weeks}' is not a whole number of weeks from 1 to 4")
    bands = dict(defaults.worst_band)
    for key, metric in _BAND_KEYS.items():
        if key in section:
            band = str(section[key]).strip().lower()
            if band not in BANDS:
                raise CptoError(f"{where} {key}: '{section[key]}' is not one of {', '.join(BANDS)}")
            bands[metric] = band
    return AlarmThresholds(
        debt_floor=_rate(section.get("debt_floor", defaults.debt_floor), f"{where} debt_floor"),
        debt_weeks=weeks,
        worst_band=bands,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax and encoding errors into a one-line CptoError."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CptoError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CptoError(f"{path}: invalid TOML: {exc}") from None
