"""Decision records (MADR-compatible Markdown with front matter) under the working agreement.

The working agreement names which discipline is on point for each kind of decision (outcomes and
priorities: product; experience: design; how it is built: engineering). A decision whose point person
belongs to another discipline is flagged, and every decision is timed against the personal SLA.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from cpto.errors import CptoError
from cpto.records.ids import NUMBERED, Section, find, record_files, record_sections, require_unique, slug
from cpto.records.people import People
from cpto.records.times import days, parse_time, stamp
from cpto.workspace.config import DEFAULT_AGREEMENT, WEEKDAYS, WorkspaceConfig
from cpto.workspace.edit import append_to_section, render_key, set_front_matter
from cpto.workspace.markdown import read_document, section_lines

STATUSES = ("proposed", "decided", "appealed", "upheld", "overturned", "superseded")
OPEN = ("proposed", "appealed")
# MADR's status words: "accepted" is cpto's decided; rejected and deprecated records are kept as they are.
MADR_STATUSES = {
    "accepted": "decided",
    "rejected": "rejected",
    "deprecated": "deprecated",
    "superseded": "superseded",
    "draft": "proposed",  # log4brains
}
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
    ready: datetime | None = None
    sections: tuple[Section, ...] = ()  # the whole body, heading by heading: what `show` prints

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def waited(self, now: datetime) -> timedelta | None:
        """Raised to decided, or raised to ``now`` while still open."""
        if self.raised is None:
            return None
        end = self.decided if self.decided is not None else (now if self.is_open else None)
        return end - self.raised if end is not None else None


def read_decision(path: Path) -> Decision:
    """One decision record: cpto's or MADR 3's front matter, or an adr-tools / log4brains (MADR 2) body.

    A missing id falls back to the file's number (``0007-use-x.md``) or name, a missing title to the first
    heading. Records without front matter keep their facts in the body (``Date:``, ``## Status``,
    ``- Status: accepted``, ``- Deciders: ...``); they carry one date, read as when it was decided.
    """
    doc = read_document(path)
    fm = doc.front_matter
    legacy = _body_meta(doc.body)  # adr-tools / MADR 2 facts; front matter written later wins
    where = f"{path}:1"
    status = _status(fm.get("status") or legacy.get("status"), where)
    made_before = _status(legacy.get("status"), where) not in OPEN  # the body's one date: decided or raised
    heading = next((line.lstrip("# ").strip() for line in doc.body if line.startswith("# ")), "")
    makers = fm.get("decision-makers") or fm.get("deciders") or legacy.get("deciders") or []
    if isinstance(makers, str):
        makers = [m.strip() for m in makers.split(",") if m.strip()]
    point = str(fm.get("point") or (makers[0] if isinstance(makers, list) and makers else "")).strip()
    legacy_date = parse_time(legacy.get("date"), where)
    number = re.match(r"^(\d{1,5})-", path.stem)  # 0007-x.md; log4brains' 20201026-x.md keeps its stem
    return Decision(
        path=path,
        id=str(fm.get("id") or (number.group(1) if number else path.stem)),
        title=str(fm.get("title") or re.sub(r"^\d+\.\s+", "", heading) or path.stem),
        status=status,
        domain=str(fm.get("domain") or "").strip().lower(),
        point=point,
        raised=parse_time(fm.get("raised") or fm.get("date"), where)
        or (None if made_before else legacy_date),
        decided=parse_time(fm.get("decided"), where) or (legacy_date if made_before else None),
        consulted=_handles(fm.get("consulted")),
        appeal=_mapping(fm.get("appeal")),
        discussion=tuple(_remarks(path, doc.body, doc.body_line)),
        ready=parse_time(fm.get("ready"), where),
        sections=record_sections(doc),
    )


def _status(value: Any, where: str) -> str:
    text = str(value or "proposed").strip().lower()
    status = MADR_STATUSES.get(text.split()[0] if text else text, text)
    if status not in STATUSES and status not in MADR_STATUSES.values():
        raise CptoError(f"{where}: status '{status}' is not one of {', '.join(STATUSES)}")
    return status


_LEGACY_BULLET = re.compile(r"^\s*[-*]\s+(status|deciders|date)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_LEGACY_DATE = re.compile(r"^date\s*:\s*(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


def _body_meta(body: list[str]) -> dict[str, str]:
    """adr-tools (``Date: 2016-02-12``, a ``## Status`` section) and MADR 2 / log4brains bullets."""
    meta: dict[str, str] = {}
    status = next((line.strip() for _, line in section_lines(body, "status") if line.strip()), "")
    if status:
        meta["status"] = status.split()[0].strip(".,:")
    for line in body:
        if m := _LEGACY_BULLET.match(re.sub(r"<!--.*?-->", "", line)):
            meta.setdefault(m.group(1).lower(), m.group(2))
        elif m := _LEGACY_DATE.match(line.strip()):
            meta.setdefault("date", m.group(1))
    return meta


def _handles(value: Any) -> tuple[str, ...]:
    """A list of handles, or MADR 3's comma-separated string of them."""
    items = value.split(",") if isinstance(value, str) else (value or [])
    return tuple(str(c).strip() for c in items if str(c).strip())


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _remarks(path: Path, body: list[str], first_line: int) -> list[Remark]:
    out = []
    for offset, line in section_lines(body, "discussion"):
        m = _DISCUSSION.match(line)
        if not m:
            continue
        try:
            day = date.fromisoformat(m.group(2))
        except ValueError:
            raise CptoError(f"{path}:{first_line + offset}: '{m.group(2)}' is not a real date") from None
        out.append(Remark(m.group(1), day, m.group(3).strip(), first_line + offset))
    return out


def decisions_folder(config: WorkspaceConfig) -> Path:
    """Where decision records live: ``[workspace] decisions``, else ``decisions/``."""
    return config.decisions or config.root / "decisions"


def read_decisions(folder: Path) -> list[Decision]:
    """Every decision record in ``folder``, in file-name order; IDs are unique."""
    decisions = [read_decision(p) for p in record_files(folder)]
    require_unique(decisions, "decision")
    return decisions


@dataclass(frozen=True)
class Finding:
    """Something a decision does against the working agreement or the SLA."""

    decision: Decision
    problem: str


def check_under(
    config: WorkspaceConfig, decisions: list[Decision], people: People, now: datetime
) -> list[Finding]:
    """:func:`check_decisions` under the workspace's agreement, SLA and meetings."""
    return check_decisions(
        decisions,
        people,
        agreement=config.working_agreement,
        sla=config.decision_sla,
        meeting_days=config.meeting_days,
        zone=config.zone,
        now=now,
    )


def check_decisions(
    decisions: list[Decision],
    people: People,
    *,
    agreement: dict[str, str] | None = None,
    sla: timedelta = timedelta(days=2),
    meeting_days: tuple[str, ...] = (),
    zone: tzinfo = UTC,
    now: datetime,
) -> list[Finding]:
    """Point people outside the discipline the agreement names, unknown handles, open decisions past SLA,
    and decisions that sat ready until a recurring meeting."""
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
        quiet = waited_for_meeting(d, meeting_days, zone)
        if quiet is not None and d.decided is not None:
            weekday = WEEKDAYS[d.decided.astimezone(zone).weekday()].capitalize()
            findings.append(Finding(d, f"ready {quiet}d before it was decided at {weekday}'s meeting"))
    return findings


# --------------------------------------------------------------------------------------------------
# Personal SLAs, appeals and meetings
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointStats:
    """How fast one point person decides: decided count, how many of those can be timed (a raised
    time is recorded), median and slowest days (None: none can be timed), open now, past SLA."""

    handle: str
    decided: int
    median_days: float | None
    slowest_days: float | None
    open: int
    past_sla: int
    timed: int = 0


def point_stats(decisions: list[Decision], sla: timedelta, now: datetime) -> list[PointStats]:
    """Time to decision (raised to decided) per point person, slowest median first.

    A decision with a decided date but no raised time (adr-tools and MADR 2 records carry one date)
    counts as decided but not timed: its wait is unknown, not zero.
    """
    by_point: dict[str, list[Decision]] = {}
    for d in decisions:
        by_point.setdefault(d.point or "(nobody)", []).append(d)
    out = []
    for handle, mine in by_point.items():
        spans = sorted(days(w) for d in mine if d.decided and (w := d.waited(now)) is not None)
        open_now = [d for d in mine if d.is_open]
        late = sum(1 for d in open_now if (w := d.waited(now)) is not None and w > sla)
        out.append(
            PointStats(
                handle,
                sum(d.decided is not None for d in mine),
                round(_median(spans), 2) if spans else None,
                round(spans[-1], 2) if spans else None,
                len(open_now),
                late,
                len(spans),
            )
        )
    return sorted(out, key=lambda p: (-(p.median_days or 0), p.handle))


def _median(values: list[float]) -> float:
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


@dataclass(frozen=True)
class QuarterAppeals:
    """Decisions made in a quarter and how many of them were appealed, against the agreed ceiling."""

    quarter: str
    decided: int
    appealed: int
    rate: float
    over: bool


def quarter_of(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def appeal_rates(decisions: list[Decision], max_rate: float) -> list[QuarterAppeals]:
    """Per quarter of the decision date: the share of decisions appealed, flagged over ``max_rate``."""
    made: dict[str, int] = {}
    appealed: dict[str, int] = {}
    for d in decisions:
        if d.decided is None:
            continue
        q = quarter_of(d.decided)
        made[q] = made.get(q, 0) + 1
        if d.appeal:
            appealed[q] = appealed.get(q, 0) + 1
    out = []
    for q in sorted(made):
        rate = appealed.get(q, 0) / made[q]
        out.append(QuarterAppeals(q, made[q], appealed.get(q, 0), round(rate, 3), rate > max_rate))
    return out


def waited_for_meeting(decision: Decision, meeting_days: tuple[str, ...], zone: tzinfo = UTC) -> int | None:
    """Days a decision sat ready before being made on a recurring meeting's day, or None if it did not.

    Ready is the ``ready:`` time if recorded, else the last discussion remark before the decision day
    (else when it was raised). Two or more quiet days that end on a meeting day mean it waited for the
    meeting instead of being made when ready. Days are the workspace's (``zone``), where meetings happen.
    """
    if decision.decided is None or not meeting_days:
        return None
    decided = decision.decided.astimezone(zone)
    if WEEKDAYS[decided.weekday()] not in meeting_days:
        return None
    day = decided.date()
    if decision.ready is not None:
        ready = decision.ready.astimezone(zone).date()
    else:
        earlier = [r.day for r in decision.discussion if r.day < day]
        ready = (
            max(earlier) if earlier else (decision.raised.astimezone(zone).date() if decision.raised else day)
        )
    quiet = (day - ready).days
    return quiet if quiet >= 2 else None


# --------------------------------------------------------------------------------------------------
# Writing: every change is a small edit of the record's text (see cpto.workspace.edit)
# --------------------------------------------------------------------------------------------------

DOMAINS = ("outcomes", "experience", "implementation")
PLACEHOLDER = "Not decided yet."


def new_decision_text(
    did: str,
    title: str,
    *,
    domain: str,
    point: str,
    raised: datetime,
    consulted: list[str],
    context: str = "",
) -> str:
    """A new MADR-style record in cpto's front matter, with the sections people fill in."""
    lines = [
        "---",
        render_key("id", did),  # quoted where YAML would misread it (0007 is octal 7)
        render_key("title", title),
        "status: proposed",
        render_key("domain", domain),
        render_key("point", point),
        f"raised: {stamp(raised)}",
        render_key("decision-makers", [point]),
        render_key("consulted", consulted),
        "---",
        "",
        f"# {title}",
        "",
        "## Context and Problem Statement",
        "",
        context or "What is being decided, and why now?",
        "",
        "## Considered Options",
        "",
        "- ",
        "",
        "## Decision Outcome",
        "",
        PLACEHOLDER,
        "",
        "## Discussion",
        "",
    ]
    return "\n".join(lines) + "\n"


def _require(decision: Decision, allowed: tuple[str, ...], action: str) -> None:
    if decision.status not in allowed:
        raise CptoError(
            f"{decision.path}: {decision.id} is {decision.status}; only a {' or '.join(allowed)}"
            f" decision can be {action}"
        )


def _current(decision: Decision, allowed: tuple[str, ...], action: str) -> Decision:
    """The record as it is now, inside the writer's lock: another writer may have changed it meanwhile."""
    now = read_decision(decision.path)
    _require(now, allowed, action)
    return now


def decide_edit(decision: Decision, at: datetime, outcome: str = "") -> Callable[[str], str]:
    """The edit that records a decision as made at ``at`` (and its outcome, if given)."""
    _require(decision, ("proposed",), "decided")

    def change(text: str) -> str:
        _current(decision, ("proposed",), "decided")
        text = set_front_matter(text, {"status": "decided", "decided": stamp(at)}, where=str(decision.path))
        if not outcome:
            return text
        if PLACEHOLDER in text:  # the line `cpto decision new` wrote under Decision Outcome
            return text.replace(PLACEHOLDER, outcome, 1)
        return append_to_section(text, "Decision Outcome", outcome)

    return change


def appeal_edit(decision: Decision, by: str, reason: str, to: str, at: datetime) -> Callable[[str], str]:
    """The edit that appeals a made decision to ``to`` (the CEO or whoever ``appeals_to`` names)."""
    _require(decision, ("decided",), "appealed")
    if not reason.strip():
        raise CptoError("an appeal needs a reason: what is wrong with the decision, specifically")
    appeal = {"by": by, "at": stamp(at), "reason": " ".join(reason.split()), "to": to}

    def change(text: str) -> str:
        _current(decision, ("decided",), "appealed")
        return set_front_matter(text, {"status": "appealed", "appeal": appeal}, where=str(decision.path))

    return change


def resolve_edit(decision: Decision, outcome: str, by: str, at: datetime) -> Callable[[str], str]:
    """The edit that closes an appeal: ``upheld`` keeps the decision, ``overturned`` reverses it."""
    _require(decision, ("appealed",), "resolved")
    if outcome not in ("upheld", "overturned"):
        raise CptoError(f"an appeal is resolved as upheld or overturned, not '{outcome}'")

    def change(text: str) -> str:
        now = _current(decision, ("appealed",), "resolved")
        appeal = {**now.appeal, "resolved": stamp(at), "outcome": outcome, "resolver": by}
        appeal = {k: (stamp(v) if isinstance(v, datetime) else v) for k, v in appeal.items()}
        return set_front_matter(text, {"status": outcome, "appeal": appeal}, where=str(decision.path))

    return change


def comment_edit(
    decision: Decision, by: str, remark: str, at: datetime, zone: tzinfo = UTC
) -> Callable[[str], str]:
    """The edit that adds ``- by, YYYY-MM-DD: remark`` (the workspace's date) to the Discussion."""
    if not remark.strip():
        raise CptoError("nothing to add: the remark is empty")
    line = f"- {by}, {at.astimezone(zone):%Y-%m-%d}: {' '.join(remark.split())}"
    return lambda text: append_to_section(text, "Discussion", line)


def find_decision(decisions: list[Decision], wanted: str) -> Decision:
    return find(decisions, wanted, "decision")


def new_decision_path(folder: Path, did: str, title: str) -> Path:
    """``decisions/0009-use-stripe.md``: MADR's numbered file names."""
    m = NUMBERED.match(did)
    number = m.group(2) if m else did
    return folder / f"{number}-{slug(title)}.md"
