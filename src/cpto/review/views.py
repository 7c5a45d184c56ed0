"""The product review as a report (terminal, Markdown, HTML) and as the ``cpto trace --json`` contract.

The report is read in wide terminals, in pipes at 80 columns, pasted as Markdown and opened as HTML,
so each part that a narrow screen would squeeze comes twice: a wide table, and blocks (one per
requirement, PRD or area) that wrap at words. The renderers pick the form that fits
(:mod:`cpto.report.render`). Requirement text is never cut, and paths are shown relative to the
workspace, not to the machine that ran the review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cpto.errors import CptoError
from cpto.report import NARROW, WIDE, Block, Blocks, LazyRows, Report, Table, Tag
from cpto.report import Link as Href
from cpto.report.model import Entry
from cpto.review.prd import Prd
from cpto.review.trace import (
    DEFERRED,
    DROPPED,
    IN_PROGRESS,
    NOT_STARTED,
    SHIPPED,
    STATUSES,
    UNCLEAR,
    AreaWork,
    Effort,
    Link,
    RequirementTrace,
    TraceResult,
)
from cpto.workspace.markdown import read_document

STATUS_LABEL = {
    SHIPPED: "shipped",
    IN_PROGRESS: "in progress",
    UNCLEAR: "unclear",
    NOT_STARTED: "not started",
    DEFERRED: "deferred",
    DROPPED: "dropped",
}
STATUS_TONE = {  # the colour a status shows in (see cpto.report.render.TONE_STYLE)
    SHIPPED: "good",
    IN_PROGRESS: "warn",
    UNCLEAR: "attention",
    NOT_STARTED: "bad",
    DEFERRED: "info",
    DROPPED: "muted",
}
SET_ASIDE = (DEFERRED, DROPPED)  # people decided; shown, but not counted in the share still to do
KIND_ORDER = {"pr": 0, "commit": 1, "file": 2}  # a pull request tells more than one of its commits
BEFORE_SHOWN = 2  # items of work from before the PRD named in a block; the rest are counted
REQUIREMENTS = "requirements"  # the anchors the headline counts link to
UNPLANNED = "unplanned"

Forge = Callable[[Link], str]  # where the forge shows a commit or pull request, "" when unknown


def trace_data(result: TraceResult, *, lazy: bool = False) -> dict[str, Any]:
    """The JSON of ``cpto trace --json`` (the shape docs/json.md gives), with extra detail keys.

    ``lazy``: each requirement's dict is made as the JSON is written, not all up front."""
    many = _spans_repos(result)  # once: it reads every link
    traces = result.requirements
    rows = (
        LazyRows(traces, lambda t: _requirement_data(t, many), sum(25 + 7 * len(t.links) for t in traces))
        if lazy
        else [_requirement_data(t, many) for t in traces]
    )
    return {
        "requirements": rows,
        "unplanned": [
            {
                "kind": "commit",
                "ref": c.sha,
                "title": c.subject,
                "author": c.author,
                "date": _iso(c.time),
                "lines": c.added + c.deleted,
                "paths": list(c.paths[:20]),
            }
            for c in result.unplanned
        ],
        "unplanned_since": _iso(result.since),
        "summary": result.counts(),
        "warnings": result.warnings,
        "subjects": result.subjects,
    }


def _spans_repos(result: TraceResult) -> bool:
    """Whether the links come from more than one repository (then each names its own)."""
    links = (link for t in result.requirements for link in (*t.links, *t.before))
    return len({link.repo for link in links if link.repo}) > 1


def _link_data(link: Link, with_repo: bool) -> dict[str, Any]:
    """Exactly the contract's link keys (docs/json.md), plus ``repo`` when the review spans several."""
    data = {
        "kind": link.kind,
        "ref": link.ref,
        "score": link.score,
        "linked": link.linked,
        "explicit": link.explicit,
        "why": link.why,
    }
    if with_repo:
        data["repo"] = link.repo
    if link.url:  # a pull request the forge's data names (only then: reviews without it stay the same)
        data["url"] = link.url
    return data


def _requirement_data(t: RequirementTrace, with_repo: bool = False) -> dict[str, Any]:
    r = t.requirement
    return {
        "id": r.id,
        "title": r.title,
        "text": r.text,
        "status": t.status,
        "links": [_link_data(link, with_repo) for link in t.links],
        "reason": t.reason,
        "prd": t.prd,
        "line": r.line,
        "effort": _effort_data(t.effort),
        "tests": t.tests,
        "releases": t.releases,
        "release": t.release,
        "confidence": t.confidence,
        "before": [_link_data(link, with_repo) for link in t.before],
    }


def _effort_data(e: Effort) -> dict[str, Any]:
    return {
        "commits": e.commits,
        "lines": e.lines,
        "people": list(e.people),
        "first": _iso(e.first),
        "last": _iso(e.last),
    }


@dataclass(frozen=True)
class _View:
    """What every part of the review needs to show things: where paths are relative to, and names."""

    bases: tuple[Path, ...]  # folders paths are shown relative to, first match wins
    subjects: dict[str, str]  # commit sha or "#N" -> first message line
    many_repos: bool  # links name their repository when the review spans several
    forge: Forge | None = None  # a commit's or pull request's page on the forge, when its remote is known

    def path(self, path: str) -> str:
        """``path`` relative to the workspace (or the current folder, or the repository) when inside it."""
        candidate = Path(path)
        for base in self.bases:
            try:
                relative = candidate.relative_to(base)
            except ValueError:
                continue
            return relative.as_posix() if relative.parts else base.name
        return path

    def repo(self, repo: str) -> str:
        """A repository by its path in the workspace, or by its folder name when it lives elsewhere."""
        shown = self.path(repo)
        return Path(repo).name if shown == repo and Path(repo).is_absolute() else shown

    def text(self, text: str) -> str:
        """``text`` (a warning) with the absolute paths in it made relative."""
        return _ABSOLUTE.sub(lambda m: self.path(m.group(0)), text)

    def evidence(self, link: Link) -> str:
        """A link as people name it: ``PR #12: title`` (with its page when the forge's data gives one),
        ``merge e419d50: branch``, ``abc1234 subject``, a path."""
        if link.kind == "commit":
            shown = f"{link.ref[:7]} {self.subjects.get(link.ref, '')}".strip()
        elif link.kind == "pr":  # "#N", or the merge commit of a branch merged without a PR number
            name = f"PR {link.ref}" if link.ref.startswith("#") else f"merge {link.ref[:7]}"
            subject = self.subjects.get(link.ref, "")
            shown = f"{name}: {subject}" if subject else name
            shown += f" ({link.url})" if link.url else ""
        else:
            shown = link.ref
        return f"{link.repo}: {shown}" if self.many_repos and link.repo else shown

    def linked(self, link: Link, text: str) -> str | Href:
        """``text`` (about ``link``) as a link to the commit's or pull request's page on the forge, when known."""
        url = self.forge(link) if self.forge is not None and link.kind in ("commit", "pr") else ""
        return Href(text, url) if url else text


_ABSOLUTE = re.compile(r"(?<![\w/.~-])/[^\s:,;()'\"]+")


@dataclass(frozen=True)
class _PrdInfo:
    title: str
    target: str


def review_report(
    result: TraceResult,
    *,
    repo: str,
    evidence: int = 4,
    root: Path | None = None,
    prds: Sequence[Prd] | None = None,
    today: date | None = None,
    data_only: bool = False,
    forge: Forge | None = None,
) -> Report:
    """The product review for people: where each PRD stands against its target, each requirement's
    status with its evidence and effort, and the unplanned work.

    ``root`` (the workspace folder; default the current folder) is what paths are shown relative to.
    ``prds`` gives each PRD's title and ``target:`` date; without it they are read from the PRD files'
    front matter. ``today`` is what "in N days" counts from. ``data_only`` (for ``--json``) leaves out
    the tables people read, which on a thousand requirements cost more than the review itself.
    ``forge`` (a commit or pull request to its page on the forge, "" when unknown) links the evidence
    there; the headline counts link to the requirements and the unplanned work (in HTML).
    """
    if data_only:
        return Report(title="Product review", data=trace_data(result, lazy=True))
    view = _make_view(result, repo, root, forge)
    infos = _prd_infos([t.prd for t in result.requirements], prds)
    when = today or date.today()
    requirement_blocks = [_requirement_block(t, view, evidence) for t in result.requirements]
    prd_paths = list(dict.fromkeys(t.prd for t in result.requirements))
    named = view.path(prd_paths[0]) if len(prd_paths) == 1 else f"{len(prd_paths)} PRDs"
    return Report(
        title="Product review",
        subtitle=f"{named} against {view.repo(repo)}",
        facts=_facts(result),
        tables=[
            _prd_section(result, view, infos, when),
            _requirement_table(result.requirements, requirement_blocks),
            _evidence_table(result.requirements, view, evidence),
            Blocks(
                "Requirements",
                requirement_blocks,
                caption=f"Up to {evidence} linked items per requirement, explicit references first.",
                show=NARROW,
                anchor=REQUIREMENTS,
            ),
            *_unplanned_sections(result),
        ],
        notes=[view.text(w) for w in result.warnings],
        data=trace_data(result),
    )


def _make_view(result: TraceResult, repo: str, root: Path | None, forge: Forge | None = None) -> _View:
    bases = (root or Path.cwd(), Path(repo))
    return _View(bases=bases, subjects=result.subjects, many_repos=_spans_repos(result), forge=forge)


def _facts(result: TraceResult) -> list[tuple[str, Any]]:
    counts = result.counts()
    lines = sum(c.added + c.deleted for c in result.unplanned)
    shown = [s for s in STATUSES if s not in SET_ASIDE or counts[s]]
    to = f"#{REQUIREMENTS}"
    return [
        ("requirements", Href(str(len(result.requirements)), to)),
        *((STATUS_LABEL[s], Href(str(counts[s]), to) if counts[s] else counts[s]) for s in shown),
        ("unplanned commits", Href(f"{len(result.unplanned)} ({lines} lines)", f"#{UNPLANNED}")),
    ]


def _prd_infos(paths: Iterable[str], prds: Sequence[Prd] | None) -> dict[str, _PrdInfo]:
    """Each PRD's title and target date, from ``prds`` or else from its front matter (if readable)."""
    if prds is not None:
        return {str(p.path): _PrdInfo(p.title, p.target or "") for p in prds}
    infos = {}
    for path in dict.fromkeys(paths):
        try:
            meta = read_document(Path(path)).front_matter
        except (CptoError, OSError):
            meta = {}
        infos[path] = _PrdInfo(str(meta.get("title") or ""), str(meta.get("target") or ""))
    return infos


def _prd_section(result: TraceResult, view: _View, infos: dict[str, _PrdInfo], today: date) -> Blocks:
    """Each PRD's requirements by status next to its target date.

    Blocks at every width: a PRD is a few words and a line of counts, which a table of eight mostly
    numeric columns squeezes below 120 columns without telling more.
    """
    by_prd: dict[str, list[RequirementTrace]] = {}
    for t in result.requirements:
        by_prd.setdefault(t.prd, []).append(t)
    blocks = []
    for path, traces in by_prd.items():
        info = infos.get(path, _PrdInfo("", ""))
        target = (
            Tag(f"target {info.target}", _target_tone(info.target, today, traces)) if info.target else None
        )
        entries: list[tuple[str, str | list[str]]] = [("status", _status_line(traces))]
        if info.title:
            entries.append(("file", view.path(path)))
        heading = info.title or view.path(path)
        blocks.append(Block(heading, tag=target, note=_due(info.target, today), entries=entries))
    return Blocks(
        "PRDs",
        blocks,
        caption=(
            "Shipped: of the requirements not deferred or dropped; a range while some are unclear"
            " (from none of them shipped to all of them)."
        ),
    )


def _status_line(traces: list[RequirementTrace]) -> str:
    """``4 of 8 shipped (50%), 3 in progress, 1 not started``: the share first, then the rest.

    Unclear requirements are unknown, not unshipped: with any, the share is the range from "none of
    them shipped" to "all of them did" (``2 of 10 shipped (20-60%), 4 unclear``).
    """
    planned = [t for t in traces if t.status not in SET_ASIDE]
    parts = [
        f"{sum(t.status == SHIPPED for t in planned)} of {len(planned)} shipped ({_shipped_share(planned)})"
    ]
    for status in STATUSES:
        count = sum(t.status == status for t in traces)
        if status != SHIPPED and count:
            parts.append(f"{count} {STATUS_LABEL[status]}")
    return ", ".join(parts[0 if planned else 1 :])


def _shipped_share(planned: list[RequirementTrace]) -> str:
    """Shipped over the requirements still meant to be built, as a range while some are unclear."""
    shipped = sum(t.status == SHIPPED for t in planned)
    unclear = sum(t.status == UNCLEAR for t in planned)
    low = round(100 * shipped / len(planned))
    if not unclear:
        return f"{low}%"
    return f"{low}-{round(100 * (shipped + unclear) / len(planned))}%"


AT_RISK_WITHIN = timedelta(days=14)  # a target this close, with requirements not shipped, is at risk


def at_risk(
    result: TraceResult, prds: Sequence[Prd], today: date
) -> list[tuple[Prd, date, list[RequirementTrace]]]:
    """PRDs whose target day has passed or is within :data:`AT_RISK_WITHIN`, each with its requirements
    not shipped and not set aside, in PRD and requirement order: what the forum and the digest flag."""
    out = []
    for prd in prds:
        when = target_date(prd.target)
        if when is None or when - today > AT_RISK_WITHIN:
            continue
        open_ = [
            t for t in result.requirements if t.prd == str(prd.path) and t.status not in (SHIPPED, *SET_ASIDE)
        ]
        if open_:
            out.append((prd, when, open_))
    return out


def target_date(target: str | None) -> date | None:
    """A PRD's ``target:`` as a day; None for words such as "Q3 2027" (no day to be late against)."""
    try:
        return date.fromisoformat(target.strip()[:10]) if target else None
    except ValueError:
        return None


def _due(target: str, today: date) -> str:
    """How far the target is from ``today`` in words; empty when the target is not a date."""
    when = target_date(target)
    if when is None:
        return ""
    days = (when - today).days
    if days == 0:
        return "today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"{-days} {unit} ago"


def _target_tone(target: str, today: date, traces: list[RequirementTrace]) -> str:
    """Red when the target has passed with planned requirements not shipped; plain otherwise."""
    when = target_date(target)
    open_items = any(t.status not in (SHIPPED, *SET_ASIDE) for t in traces)
    return "bad" if when is not None and when < today and open_items else ""


def _requirement_block(t: RequirementTrace, view: _View, evidence: int) -> Block:
    """One requirement told top to bottom: status, its whole text, why, the evidence, the effort."""
    r = t.requirement
    entries: list[tuple[str, Entry]] = []
    if t.reason:
        entries.append(("why", t.reason))
    top = _top_evidence(t, evidence)
    if top:
        entries.append(
            ("evidence", [view.linked(link, f"{view.evidence(link)} \u2014 {link.why}") for link in top])
        )
    if t.before:
        entries.append(("existed before this PRD", _before_line(t.before, view)))
    if t.effort.commits:
        entries.append(("effort", _effort_line(t.effort)))
    lead, rest = _lead_and_rest(r.title, r.text)
    note = " \u00b7 ".join(
        part for part in (f"in {t.release}" if t.release else "", _confidence(t.confidence)) if part
    )
    return Block(r.id, tag=_status_tag(t.status), note=note, lead=lead, text=rest, entries=entries)


def _lead_and_rest(title: str, text: str) -> tuple[str, str]:
    """The bold lead and the text after it, the requirement's words written once: a title shortened
    from the text ("Progress bars can…") is not repeated before the whole text."""
    if text.startswith(title):
        return title, text[len(title) :].strip()
    shortened = title.removesuffix("\u2026")
    if shortened != title and text.startswith(shortened):
        return "", text
    return title, text


def _status_tag(status: str) -> Tag:
    return Tag(STATUS_LABEL.get(status, status), STATUS_TONE.get(status, ""))


def _confidence(confidence: str) -> str:
    return f"{confidence} confidence" if confidence else ""


def _before_line(links: list[Link], view: _View) -> str:
    """The work that already matched before the PRD, in a line: it is context, not evidence."""
    shown = "; ".join(view.evidence(link) for link in links[:BEFORE_SHOWN])
    more = len(links) - BEFORE_SHOWN
    return f"{shown} (and {more} more)" if more > 0 else shown


def _effort_line(e: Effort) -> str:
    people = len(e.people)
    parts = [
        f"{e.commits} commit{'s' if e.commits != 1 else ''}",
        f"{e.lines} lines",
        f"{people} {'person' if people == 1 else 'people'}",
        _span(e),
    ]
    return ", ".join(p for p in parts if p)


def _requirement_table(traces: list[RequirementTrace], blocks: list[Block]) -> Table:
    """The wide overview: one row per requirement, its whole text in the row."""
    with_release = any(t.release for t in traces)
    with_confidence = any(t.confidence for t in traces)
    rows = []
    for t, block in zip(traces, blocks, strict=True):
        row: list[Any] = [t.requirement.id, block.paragraph, _status_tag(t.status)]
        row += [t.release or ""] if with_release else []
        row += [t.confidence] if with_confidence else []
        e = t.effort
        row += [e.commits, e.lines, len(e.people), f"{e.last:%Y-%m-%d}" if e.last else "", t.reason]
        rows.append(row)
    columns = ["id", "requirement", "status"]
    columns += ["release"] if with_release else []
    columns += ["confidence"] if with_confidence else []
    columns += ["commits", "lines", "people", "last", "why"]
    return Table("Requirements", columns, rows, show=WIDE, anchor=REQUIREMENTS)


def _evidence_table(traces: list[RequirementTrace], view: _View, evidence: int) -> Table:
    rows = [
        [t.requirement.id, link.kind, view.linked(link, view.evidence(link)), link.why]
        for t in traces
        for link in _top_evidence(t, evidence)
    ]
    rows += [
        [t.requirement.id, f"{link.kind}, before the PRD", view.linked(link, view.evidence(link)), link.why]
        for t in traces
        for link in t.before[:BEFORE_SHOWN]
    ]
    return Table(
        "Evidence",
        ["id", "kind", "evidence", "why linked"],
        rows,
        caption=f"Up to {evidence} linked items per requirement, explicit references first; work from"
        " before the PRD's period is context, not evidence.",
        show=WIDE,
    )


def _unplanned_sections(result: TraceResult) -> list[Table | Blocks]:
    """Commits no requirement explains, by area: a table, and blocks naming the latest in full."""
    caption = (
        f"Commits since {result.since.date().isoformat()} that trace to no requirement."
        if result.since
        else "Not counted: no PRD has a start (see the warnings)."
    )
    rows = [
        [
            a.area,
            a.effort.commits,
            a.effort.lines,
            len(a.effort.people),
            _span(a.effort),
            "; ".join(_short(c.subject, 40) for c in a.commits[-2:]),
        ]
        for a in result.unplanned_areas
    ]
    return [
        Table(
            "Unplanned work by area",
            ["area", "commits", "lines", "people", "dates", "latest"],
            rows,
            caption=caption,
            show=WIDE,
            anchor=UNPLANNED,
        ),
        Blocks(
            "Unplanned work by area",
            [_area_block(a) for a in result.unplanned_areas],
            caption,
            NARROW,
            anchor=UNPLANNED,
        ),
    ]


def _area_block(a: AreaWork) -> Block:
    latest: list[str] = [c.subject for c in reversed(a.commits[-2:])]
    return Block(a.area, note=_effort_line(a.effort), entries=[("latest", latest)] if latest else [])


def _short(text: str, limit: int) -> str:
    """Commit subjects in the unplanned table only; requirement text is never cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _top_evidence(t: RequirementTrace, n: int) -> list[Link]:
    linked = [link for link in t.links if link.linked]
    return sorted(
        linked, key=lambda link: (not link.explicit, KIND_ORDER.get(link.kind, len(KIND_ORDER)), -link.score)
    )[:n]


def _span(e: Effort) -> str:
    if e.first is None or e.last is None:
        return ""
    return (
        f"{e.first:%Y-%m-%d}"
        if e.first.date() == e.last.date()
        else f"{e.first:%Y-%m-%d} to {e.last:%Y-%m-%d}"
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
