"""Decision records (MADR-compatible Markdown with front matter) under the working agreement.

The working agreement names which discipline is on point for each kind of decision (outcomes and
priorities: product; experience: design; how it is built: engineering). A decision whose point person
belongs to another discipline is flagged, and every decision is timed against the personal SLA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cpto.errors import CptoError
from cpto.records.people import People
from cpto.workspace.config import DEFAULT_AGREEMENT
from cpto.workspace.markdown import read_document

STATUSES = ("proposed", "decided", "appealed", "upheld", "overturned", "superseded")
OPEN = ("proposed", "appealed")
# MADR's status words: "accepted" is cpto's decided; rejected and deprecated records are kept as they are.
MADR_STATUSES = {"accepted": "decided", "rejected": "rejected", "deprecated": "deprecated"}
_DISCUSSION = re.compile(r"^\s*[-*]\s+([A-Za-z0-9._-]+)\s*,\s*(\d{4}-\d{2}-\d{2})[^:]*:\s*(.+)$")


@dataclass(frozen=True)
class Remark:
    """One line of a decision's Discussion: who said what, when."""

    handle: str
    day: date
    text: str
    line: int


@dataclass(frozen=True)
class Decision:
    path: Path
    id: str
    title: str
    status: str
    domain: str
    point: str
    raised: datetime | None
    decided: datetime | None
    consulted: tuple[str, ...] = ()
    appeal: dict[str, Any] = field(default_factory=dict)
    discussion: tuple[Remark, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def waited(self, now: datetime) -> timedelta | None:
        """Raised to decided, or raised to ``now`` while still open."""
        if self.raised is None:
            return None
        end = self.decided if self.decided is not None else (now if self.is_open else None)
        return end - self.raised if end is not None else None


def parse_time(value: Any, where: str) -> datetime | None:
    """A record's timestamp: ISO 8601 text or a YAML date/datetime; times without a zone are UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise CptoError(f"{where}: '{value}' is not a date or time like 2026-11-02T10:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_decision(path: Path) -> Decision:
    """One decision record; a missing id falls back to the file name, a missing title to the first heading."""
    doc = read_document(path)
    fm = doc.front_matter
    where = f"{path}:1"
    status = str(fm.get("status") or "proposed").strip().lower()
    status = MADR_STATUSES.get(status, status)
    if status not in STATUSES and status not in MADR_STATUSES.values():
        raise CptoError(f"{where}: status '{status}' is not one of {', '.join(STATUSES)}")
    heading = next((line.lstrip("# ").strip() for line in doc.body if line.startswith("# ")), "")
    makers = fm.get("decision-makers") or []
    point = str(fm.get("point") or (makers[0] if isinstance(makers, list) and makers else "")).strip()
    return Decision(
        path=path,
        id=str(fm.get("id") or path.stem),
        title=str(fm.get("title") or heading or path.stem),
        status=status,
        domain=str(fm.get("domain") or "").strip().lower(),
        point=point,
        raised=parse_time(fm.get("raised") or fm.get("date"), where),
        decided=parse_time(fm.get("decided"), where),
        consulted=tuple(str(c) for c in (fm.get("consulted") or []) if c),
        appeal=_mapping(fm.get("appeal")),
        discussion=tuple(_remarks(doc.body, doc.body_line)),
    )


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _remarks(body: list[str], first_line: int) -> list[Remark]:
    out = []
    in_discussion = False
    for offset, line in enumerate(body):
        if line.startswith("#"):
            in_discussion = line.lstrip("#").strip().lower() == "discussion"
            continue
        m = _DISCUSSION.match(line) if in_discussion else None
        if m:
            out.append(
                Remark(m.group(1), date.fromisoformat(m.group(2)), m.group(3).strip(), first_line + offset)
            )
    return out


def read_decisions(folder: Path) -> list[Decision]:
    """Every ``*.md`` decision in ``folder`` (not its README/template), in file-name order; IDs are unique."""
    if not folder.is_dir():
        return []
    decisions = [
        read_decision(p)
        for p in sorted(folder.glob("*.md"))
        if p.stem.lower() not in ("readme", "template", "index")
    ]
    seen: dict[str, Path] = {}
    for d in decisions:
        if d.id in seen:
            raise CptoError(f"{d.path}:1: duplicate decision id '{d.id}' (also in {seen[d.id].name})")
        seen[d.id] = d.path
    return decisions


@dataclass(frozen=True)
class Finding:
    """Something a decision does against the working agreement or the SLA."""

    decision: Decision
    problem: str


def check_decisions(
    decisions: list[Decision],
    people: People,
    *,
    agreement: dict[str, str] | None = None,
    sla: timedelta = timedelta(days=2),
    now: datetime,
) -> list[Finding]:
    """Point people outside the discipline the agreement names, unknown handles, and open decisions past SLA."""
    agreement = agreement or DEFAULT_AGREEMENT
    findings = []
    for d in decisions:
        person = people.by_handle.get(d.point)
        if d.point and people.people and person is None:
            findings.append(Finding(d, f"point '{d.point}' is not in people.yaml"))
        expected = agreement.get(d.domain)
        if person is not None and expected and person.discipline != expected:
            findings.append(
                Finding(
                    d,
                    f"{d.domain} is {expected}'s call, but the point person {d.point} is {person.discipline}",
                )
            )
        waited = d.waited(now)
        if d.is_open and waited is not None and waited > sla:
            findings.append(Finding(d, f"open {days(waited):.1f}d (SLA {days(sla):.1f}d)"))
    return findings


def days(span: timedelta) -> float:
    """A span in days, as decision reports show waiting times."""
    return span.total_seconds() / 86400
