"""Incident records: a typed timeline, the times that matter, and the change that caused it.

Every time is measured from when impact started, not from when someone noticed: time to detect,
acknowledge, mitigate and restore. The causing change (a commit or a deploy tag) is what makes change
failure rate computable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from cpto.errors import CptoError
from cpto.records.fields import folder_records, handle, one_line
from cpto.records.ids import Section, find, next_id, record_sections, require_unique, slug
from cpto.records.times import check_time, stamp
from cpto.workspace.config import DEFAULT_SEVERITIES, WorkspaceConfig, parse_zone
from cpto.workspace.edit import append_to_section, render_key, set_front_matter
from cpto.workspace.markdown import read_document, read_text, section_lines
from cpto.workspace.yamlfile import text_list, text_value

KINDS = ("started", "detected", "acknowledged", "mitigated", "resolved")
NOTE = "note"
# "- 2026-11-02 14:03 detected: alert fired", time zone optional ("14:03+01:00", "14:03Z", "14:03 UTC").
_EVENT = re.compile(
    r"^\s*[-*]\s+(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?\s+(.*)$"
)
_KIND = re.compile(r"^([A-Za-z]+)\s*:\s*(.*)$")
_DATED = re.compile(r"^\s*[-*]\s+\d")


@dataclass(frozen=True)
class Event:
    """One line of an incident's timeline."""

    at: datetime
    kind: str  # one of KINDS, or "note"
    text: str
    line: int


@dataclass(frozen=True)
class Incident:
    path: Path
    id: str
    title: str
    severity: str
    services: tuple[str, ...]
    commander: str
    caused_by: str
    events: tuple[Event, ...]
    sections: tuple[Section, ...] = ()  # the whole body, heading by heading: what `show` prints

    def first(self, kind: str) -> Event | None:
        return next((e for e in self.events if e.kind == kind), None)

    @property
    def started(self) -> datetime | None:
        event = self.first("started")
        return event.at if event else None

    @property
    def is_open(self) -> bool:
        return self.first("resolved") is None

    def time_to(self, kind: str) -> timedelta | None:
        """From impact start to the first ``kind`` event (detected, acknowledged, mitigated, resolved)."""
        event = self.first(kind)
        return event.at - self.started if event and self.started else None


def read_incident(path: Path, severities: tuple[str, ...] = DEFAULT_SEVERITIES) -> Incident:
    """One incident record: front matter, then a ``## Timeline`` of dated, typed events.

    An empty file is an error, and so is a value of the wrong kind (``services: {a: 1}``, a title that
    is a list): each names the file and the key's line.
    """
    doc = read_document(path)
    if not doc.front_matter and not any(line.strip() for line in doc.body):
        raise CptoError(f"{path}:1: empty incident record: write its front matter or delete the file")
    fm = doc.front_matter
    for key in ("id", "title", "commander", "caused_by", "timezone"):
        text_value(fm.get(key), f"{path}:{_key_line(path, key)}: {key}")  # caused_by: 0123 is a number
    if isinstance(fm.get("severity"), (dict, list, bool)):  # numbered severities (severity: 1) are fine
        text_value(fm["severity"], f"{path}:{_key_line(path, 'severity')}: severity")
    services = text_list(fm.get("services"), f"{path}:{_key_line(path, 'services')}: services")
    severity = str(fm.get("severity") or "").strip()
    if severity and severity not in severities:
        raise CptoError(
            f"{path}:{_key_line(path, 'severity')}: severity '{severity}' is not one of"
            f" {', '.join(severities)} ([incidents] severities in cpto.toml)"
        )
    zone = parse_zone(fm.get("timezone"), f"{path}: timezone")
    return Incident(
        path=path,
        id=str(fm.get("id") or path.stem),
        title=str(
            fm.get("title") or next((ln.lstrip("# ") for ln in doc.body if ln.startswith("# ")), path.stem)
        ),
        severity=severity,
        services=tuple(str(s) for s in services),
        commander=str(fm.get("commander") or ""),
        caused_by=str(fm.get("caused_by") or ""),
        events=tuple(_timeline(path, doc.body, doc.body_line, zone)),
        sections=record_sections(doc),
    )


def _key_line(path: Path, key: str) -> int:
    """The line a front-matter key is on, for error messages (the file was just read, so it reads again)."""
    lines = read_text(path).splitlines()
    return next((n for n, line in enumerate(lines, 1) if re.match(rf"^{re.escape(key)}\s*:", line)), 1)


def _timeline(path: Path, body: list[str], first_line: int, zone: tzinfo) -> list[Event]:
    events = []
    for offset, raw in section_lines(body, "timeline"):
        if not _DATED.match(raw):
            continue
        line = first_line + offset
        m = _EVENT.match(raw)
        if m is None:
            raise CptoError(
                f"{path}:{line}: not a timeline event like '- 2026-11-02 14:03 detected: alert fired'"
            )
        day, clock, offset_text, rest = m.groups()
        at = _moment(path, line, day, clock, offset_text, zone)
        kind_match = _KIND.match(rest)
        kind = kind_match.group(1).lower() if kind_match else ""
        if kind in KINDS and kind_match:
            events.append(Event(at, kind, kind_match.group(2).strip(), line))
        else:
            events.append(Event(at, NOTE, rest.removeprefix("note:").strip(), line))
    return sorted(events, key=lambda e: e.at)


def _moment(path: Path, line: int, day: str, clock: str, offset: str | None, zone: tzinfo) -> datetime:
    """A timeline line's time, within the dates cpto reads (records.times.check_time)."""
    where, written = f"{path}:{line}", f"{day} {clock}"
    return check_time(_clock_time(path, line, day, clock, offset, zone), where, written)


def _clock_time(path: Path, line: int, day: str, clock: str, offset: str | None, zone: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(f"{day}T{clock.zfill(5) if len(clock) < 5 else clock}")
    except ValueError:
        raise CptoError(f"{path}:{line}: '{day} {clock}' is not a real date and time") from None
    if offset in ("Z", "UTC"):
        return moment.replace(tzinfo=UTC)
    if offset:
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if delta >= timedelta(hours=24):
            raise CptoError(f"{path}:{line}: '{offset}' is not a UTC offset (under 24 hours)")
        return moment.replace(tzinfo=timezone(sign * delta))
    return moment.replace(tzinfo=zone)


def incidents_folder(config: WorkspaceConfig) -> Path:
    """Where incident records live: ``[workspace] incidents``, else ``incidents/``."""
    return config.incidents or config.root / "incidents"


def read_incidents(folder: Path, severities: tuple[str, ...] = DEFAULT_SEVERITIES) -> list[Incident]:
    """Every incident record in ``folder``, by impact start; IDs are unique."""
    incidents = [read_incident(p, severities) for p in folder_records(folder, "incident")]
    require_unique(incidents, "incident")
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(incidents, key=lambda i: (i.started or far, i.id))


def check_incident(incident: Incident, known: set[str] | None = None) -> list[str]:
    """What makes an incident's numbers doubtful: no start, events before the start, an unknown commander."""
    problems = []
    start = incident.started
    if start is None:
        problems.append("no 'started' event: times cannot be measured from impact start")
    for kind in KINDS[1:]:
        event = incident.first(kind)
        if event and start and event.at < start:
            problems.append(f"line {event.line}: {kind} before impact started")
    if not incident.severity:
        problems.append("no severity")
    if known is not None and incident.commander and incident.commander not in known:
        problems.append(f"commander '{incident.commander}' is not in people.yaml")
    return problems


def find_incident(incidents: list[Incident], wanted: str) -> Incident:
    return find(incidents, wanted, "incident")


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def event_line(at: datetime, kind: str, text: str) -> str:
    """A timeline line as cpto writes it: UTC, to the minute."""
    label = f"{kind}: "  # notes too: a note starting "resolved: ..." must not read back as an event
    return f"- {at.astimezone(UTC):%Y-%m-%d %H:%M}Z {label}{' '.join(text.split())}"


def new_incident_text(
    iid: str,
    title: str,
    *,
    severity: str,
    commander: str,
    services: list[str],
    started: datetime,
    what: str,
    caused_by: str = "",
) -> str:
    """A new incident record with its first event: when impact started.

    Every value is checked first (:mod:`cpto.records.fields`): the text returned reads back through
    :func:`read_incident` to the same title, severity, services, commander, cause and first event.
    """
    title = one_line(title, "title")
    severity = one_line(severity, "--severity")
    services = [one_line(s, "--services") for s in services]
    commander = handle(commander, "--commander")
    caused_by = one_line(caused_by, "--caused-by", required=False)
    what = one_line(what, "what happened", required=False) or "impact started"
    lines = [
        "---",
        render_key("id", iid),
        render_key("title", title),
        render_key("severity", severity),
        render_key("services", services),
        render_key("commander", commander),
    ]
    if caused_by:
        lines.append(render_key("caused_by", caused_by))
    lines += [
        "---",
        "",
        f"# {title}",
        "",
        "## Summary",
        "",
        "What happened, to whom, and how badly.",
        "",
        "## Timeline",
        "",
        event_line(started, "started", what),
        "",
        "## Root cause",
        "",
        "## Action items",
        "",
    ]
    return "\n".join(lines) + "\n"


def new_incident_path(folder: Path, started: datetime, title: str) -> Path:
    """``incidents/2026-11-03-checkout-500s.md``: dated file names sort by when it happened."""
    return folder / f"{started.astimezone(UTC):%Y-%m-%d}-{slug(title)}.md"


def next_incident_id(incidents: list[Incident]) -> str:
    return next_id([i.id for i in incidents], "INC-", width=1)


def log_edit(
    incident: Incident, kind: str, text: str, at: datetime, severities: tuple[str, ...] = DEFAULT_SEVERITIES
) -> Callable[[str], str]:
    """The edit that adds one event to the timeline; each typed event happens once, none before the start.

    The rules are checked now and again inside the writer's lock, against the record as it is then.
    """
    kind = kind.lower()
    if kind not in (*KINDS, NOTE):
        raise CptoError(f"event '{kind}' is not one of {', '.join((*KINDS, NOTE))}")
    _may_log(incident, kind, at)
    line = event_line(at, kind, one_line(text, "event text", required=False) or kind)

    def change(current: str) -> str:
        _may_log(read_incident(incident.path, severities), kind, at)
        return append_to_section(current, "Timeline", line)

    return change


def _may_log(incident: Incident, kind: str, at: datetime) -> None:
    earlier = incident.first(kind) if kind != NOTE else None
    if earlier is not None:
        raise CptoError(f"{incident.path}:{earlier.line}: {incident.id} already has a {kind} event")
    if kind != "started" and incident.started and at < incident.started:
        raise CptoError(
            f"{incident.id}: {kind} at {stamp(at)} would be before impact started ({stamp(incident.started)})"
        )


def cause_edit(incident: Incident, caused_by: str) -> Callable[[str], str]:
    caused_by = one_line(caused_by, "--caused-by")
    return lambda text: set_front_matter(text, {"caused_by": caused_by}, where=str(incident.path))
