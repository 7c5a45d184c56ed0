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
from cpto.records.fields import body_text, folder_records, handle, one_line
from cpto.records.ids import NUMBERED, Section, find, record_sections, require_unique, slug
from cpto.records.people import People
from cpto.records.times import check_day, days, parse_time, stamp
from cpto.workspace.config import DEFAULT_AGREEMENT, WEEKDAYS, WorkspaceConfig
from cpto.workspace.edit import append_to_section, render_key, set_front_matter
from cpto.workspace.markdown import read_document, read_text, section_lines, section_span
from cpto.workspace.yamlfile import mapping_value, text_list, text_value

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


UNKNOWN = "unknown"  # no status anywhere in the record: shown and warned about, never counted


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
    problems: tuple[tuple[int, str], ...] = ()  # (line, doubt) found while reading: warnings, not errors
    key_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> its line

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def waited(self, now: datetime) -> timedelta | None:
        """Raised to decided, or raised to ``now`` while still open; None when it cannot be told.

        A negative span (decided before it was raised, raised after ``now``) is not a wait, nor is one
        that ends after ``now`` (decided in 2099): it is None, so it never moves a median, and the
        reader or :func:`check_decisions` warns about its dates.
        """
        if self.raised is None or self.status == UNKNOWN or (self.decided and self.decided > now):
            return None
        end = self.decided if self.decided is not None else (now if self.is_open else None)
        span = end - self.raised if end is not None else None
        return span if span is not None and span >= timedelta(0) else None


def read_decision(path: Path) -> Decision:
    """One decision record: cpto's or MADR 3's front matter, or an adr-tools / log4brains (MADR 2) body.

    A missing id falls back to the file's number (``0007-use-x.md``) or name, a missing title to the first
    heading. Records without front matter keep their facts in the body (``Date:``, ``## Status``,
    ``- Status: accepted``, ``- Deciders: ...``); they carry one date, read as when it was decided.
    An empty file is an error; a record that says nothing of its status, or whose dates contradict each
    other, is read with a warning (``problems``) and left out of every statistic.
    """
    doc = read_document(path)
    if not doc.front_matter and not any(line.strip() for line in doc.body):
        raise CptoError(f"{path}:1: empty decision record: write its front matter or delete the file")
    fm = doc.front_matter
    lines = _key_lines(path, fm)
    legacy = _body_meta(doc.body)  # adr-tools / MADR 2 facts; front matter written later wins

    def where(key: str) -> str:
        return f"{path}:{lines.get(key, 1)}"

    problems: list[tuple[int, str]] = []
    said = _scalar(fm, "status", where) or legacy.get("status")
    if said:
        status = _status(said, where("status"))
    else:
        status = UNKNOWN
        problems.append(
            (
                lines.get("status", 1),
                "no status (front matter status:, a Status line or section):"
                " not counted as proposed or decided",
            )
        )
    made_before = _status(legacy.get("status"), where("status")) not in OPEN  # the body's one date
    heading = next((line.lstrip("# ").strip() for line in doc.body if line.startswith("# ")), "")
    makers = _handle_list(fm, "decision-makers", where) or _handle_list(fm, "deciders", where)
    if not makers and legacy.get("deciders"):
        makers = _handles(legacy["deciders"], where("deciders"))
    point = _scalar(fm, "point", where) or (makers[0] if makers else "")
    legacy_date = parse_time(legacy.get("date"), where("date"))
    number = re.match(r"^(\d{1,5})-", path.stem)  # 0007-x.md; log4brains' 20201026-x.md keeps its stem
    raised_key = "raised" if fm.get("raised") else "date"
    raised = parse_time(fm.get(raised_key), where(raised_key)) or (None if made_before else legacy_date)
    decided = parse_time(fm.get("decided"), where("decided")) or (legacy_date if made_before else None)
    if raised is not None and decided is not None and decided < raised:
        problems.append(
            (
                lines.get("decided", 1),
                f"decided {stamp(decided)} is before it was raised ({stamp(raised)}):"
                " not a wait; fix one of the dates",
            )
        )
    return Decision(
        path=path,
        id=_scalar(fm, "id", where) or (number.group(1) if number else path.stem),
        title=_scalar(fm, "title", where) or re.sub(r"^\d+\.\s+", "", heading) or path.stem,
        status=status,
        domain=_scalar(fm, "domain", where).lower(),
        point=point,
        raised=raised,
        decided=decided,
        consulted=_handle_list(fm, "consulted", where),
        appeal=_appeal(fm.get("appeal"), where("appeal")),
        discussion=tuple(_remarks(path, doc.body, doc.body_line)),
        ready=parse_time(fm.get("ready"), where("ready")),
        sections=record_sections(doc),
        problems=tuple(problems),
        key_lines=lines,
    )


def _key_lines(path: Path, fm: dict[str, Any]) -> dict[str, int]:
    """The line each top-level front-matter key is on, so an error points at it."""
    if not fm:
        return {}
    out: dict[str, int] = {}
    for number, line in enumerate(read_text(path).splitlines()[1:], 2):
        if line.strip() in ("---", "..."):
            break
        m = re.match(r"""^["']?([A-Za-z0-9_][A-Za-z0-9_.-]*)["']?\s*:""", line)
        if m:
            out.setdefault(m.group(1), number)
    return out


def _scalar(fm: dict[str, Any], key: str, where: Callable[[str], str]) -> str:
    """A front-matter value that must be text (``id: 0007`` unquoted is the number 7: an error)."""
    return text_value(fm.get(key), f"{where(key)}: {key}").strip()


def _handle_list(fm: dict[str, Any], key: str, where: Callable[[str], str]) -> tuple[str, ...]:
    return _handles(fm.get(key), f"{where(key)}: {key}")


def _appeal(value: Any, where: str) -> dict[str, Any]:
    """The appeal mapping, its times checked now: a report reading them later must not be the first to fail."""
    appeal = mapping_value(value if value != "" else None, f"{where}: appeal")
    for key in ("at", "resolved"):
        parse_time(appeal.get(key), f"{where}: appeal {key}")
    for key, item in appeal.items():
        if isinstance(item, (dict, list)):
            raise CptoError(f"{where}: appeal {key} must be one value, not a {type(item).__name__}")
    return dict(appeal)


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


def _handles(value: Any, where: str) -> tuple[str, ...]:
    """A list of handles, or MADR 3's comma-separated string of them; anything else is an error."""
    items = value.split(",") if isinstance(value, str) else text_list(value, where)
    return tuple(c.strip() for c in items if c.strip())


def _remarks(path: Path, body: list[str], first_line: int) -> list[Remark]:
    out = []
    for offset, line in section_lines(body, "discussion"):
        m = _DISCUSSION.match(line)
        if not m:
            continue
        try:
            day = check_day(date.fromisoformat(m.group(2)), f"{path}:{first_line + offset}")
        except ValueError:
            raise CptoError(f"{path}:{first_line + offset}: '{m.group(2)}' is not a real date") from None
        out.append(Remark(m.group(1), day, m.group(3).strip(), first_line + offset))
    return out


def decisions_folder(config: WorkspaceConfig) -> Path:
    """Where decision records live: ``[workspace] decisions``, else ``decisions/``."""
    return config.decisions or config.root / "decisions"


def read_decisions(folder: Path) -> list[Decision]:
    """Every decision record in ``folder``, in file-name order; IDs are unique."""
    decisions = [read_decision(p) for p in folder_records(folder, "decision")]
    require_unique(decisions, "decision")
    return decisions


@dataclass(frozen=True)
class Finding:
    """Something a decision does against the working agreement or the SLA."""

    decision: Decision
    problem: str
    line: int = 1  # the record's line the problem is on (1: the record as a whole)

    @property
    def where(self) -> str:
        return f"{self.decision.path}:{self.line}"


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
        findings += [Finding(d, problem, line) for line, problem in d.problems]
        for key, moment in (("raised", d.raised), ("decided", d.decided)):
            if moment is not None and moment > now:
                findings.append(
                    Finding(
                        d,
                        f"{key} {stamp(moment)} is in the future: not counted; fix the date",
                        d.key_lines.get(key, 1),
                    )
                )
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
        if d.status == UNKNOWN:  # warned about; counting it as open or decided would be a guess
            continue
        by_point.setdefault(d.point or "(nobody)", []).append(d)
    out = []
    for who, mine in by_point.items():
        spans = sorted(days(w) for d in mine if d.decided and (w := d.waited(now)) is not None)
        open_now = [d for d in mine if d.is_open]
        late = sum(1 for d in open_now if (w := d.waited(now)) is not None and w > sla)
        out.append(
            PointStats(
                who,
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
        if d.decided is None or d.status == UNKNOWN:
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
    """A new MADR-style record in cpto's front matter, with the sections people fill in.

    Every value is checked first (:mod:`cpto.records.fields`): the text returned reads back through
    :func:`read_decision` to the same title, point, consulted and context, or nothing is returned.
    """
    title = one_line(title, "title")
    if domain not in DOMAINS:
        raise CptoError(f"--domain: '{domain}' is not one of {', '.join(DOMAINS)}")
    point = handle(point, "--point")
    consulted = [handle(c, "--consulted") for c in consulted]
    context = body_text(context, "--context")
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
    outcome = body_text(outcome, "--outcome")

    def change(text: str) -> str:
        _current(decision, ("proposed",), "decided")
        text = set_front_matter(text, {"status": "decided", "decided": stamp(at)}, where=str(decision.path))
        if not outcome:
            return text
        return _fill_outcome(text, outcome)

    return change


def _fill_outcome(text: str, outcome: str) -> str:
    """The outcome in place of the placeholder line `cpto decision new` wrote under Decision Outcome (that
    line only: a title or context quoting the placeholder stays as it is), else after the section."""
    lines = text.splitlines(keepends=True)
    span = section_span(lines, "Decision Outcome")
    for i in range(span[0] + 1, span[1]) if span else ():
        if lines[i].strip() == PLACEHOLDER:
            ending = lines[i][len(lines[i].rstrip("\r\n")) :]
            lines[i] = (ending or "\n").join(outcome.split("\n")) + ending
            return "".join(lines)
    return append_to_section(text, "Decision Outcome", outcome)


def appeal_edit(decision: Decision, by: str, reason: str, to: str, at: datetime) -> Callable[[str], str]:
    """The edit that appeals a made decision to ``to`` (the CEO or whoever ``appeals_to`` names)."""
    _require(decision, ("decided",), "appealed")
    if not reason.strip():
        raise CptoError("an appeal needs a reason: what is wrong with the decision, specifically")
    appeal = {
        "by": handle(by, "--by"),
        "at": stamp(at),
        "reason": one_line(reason, "--reason"),
        "to": handle(to, "appeal to"),
    }

    def change(text: str) -> str:
        _current(decision, ("decided",), "appealed")
        return set_front_matter(text, {"status": "appealed", "appeal": appeal}, where=str(decision.path))

    return change


def resolve_edit(decision: Decision, outcome: str, by: str, at: datetime) -> Callable[[str], str]:
    """The edit that closes an appeal: ``upheld`` keeps the decision, ``overturned`` reverses it."""
    _require(decision, ("appealed",), "resolved")
    if outcome not in ("upheld", "overturned"):
        raise CptoError(f"an appeal is resolved as upheld or overturned, not '{outcome}'")
    by = handle(by, "--by")

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
    line = f"- {handle(by, '--by')}, {at.astimezone(zone):%Y-%m-%d}: {one_line(remark, 'remark')}"
    return lambda text: append_to_section(text, "Discussion", line)


def find_decision(decisions: list[Decision], wanted: str) -> Decision:
    return find(decisions, wanted, "decision")


def new_decision_path(folder: Path, did: str, title: str) -> Path:
    """``decisions/0009-use-stripe.md``: MADR's numbered file names."""
    m = NUMBERED.match(did)
    number = m.group(2) if m else did
    return folder / f"{number}-{slug(title)}.md"
