"""Find the requirements in a PRD, in the shapes PRD templates actually use.

Recognised, in this order of precedence:

- a heading that starts with an ID (``### CHK-1: Guest checkout``); its text runs to the next heading of
  the same or a higher level;
- a bullet or numbered item that starts with an ID (``- R7: ...``, ``- [CHK-6] ...``, ``1. **UC1** ...``);
- a row of a Markdown table with an ID column (``| ID | Requirement | ... |``);
- a bullet without an ID under a heading named like Requirements, User stories, Acceptance criteria or
  Use cases; it gets a stable derived ID from the PRD's name and a hash of its text.

Fenced code blocks are skipped, and a line escaped with a leading backslash is plain text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from cpto.records.times import parse_date, parse_time
from cpto.workspace.markdown import Document, read_document

RECOGNISED_SHAPES = (
    "a heading that starts with an ID: '## R7: Export to CSV' or '### REQ-12 Export'",
    "a bullet that starts with an ID: '- R7: ...', '- [CHK-3] ...', '1. **UC1** ...'",
    "a table with an ID column: '| ID | Requirement |'",
    "bullets under a heading named Requirements, User stories, Acceptance criteria or Use cases",
)

_ID = r"[A-Z][A-Za-z]{0,11}(?:[-_.]?[A-Z]{1,6})?[-_.]?\d+(?:\.\d+)*[a-z]?"
_LEAD = re.compile(
    rf"""^(?:
        \[(?P<bracket>{_ID})\]\s*[:.\-\u2013\u2014]?\s*
      | (?:\*\*|__)(?P<bold>{_ID})(?:\*\*|__)\s*[:.\-\u2013\u2014]?\s*
      | (?:\*\*|__)(?P<boldsep>{_ID})\s*[:.\-\u2013\u2014]\s*(?:\*\*|__)\s*
      | (?P<plain>{_ID})\s*(?:[:)\-\u2013\u2014]|\.\s)\s*
      | (?P<dashed>[A-Z][A-Za-z]{{0,11}}[-_]\d+(?:\.\d+)*)\s+
    )(?P<rest>.*)$""",
    re.VERBOSE,
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_REQUIREMENT_SECTION = re.compile(
    r"\b(requirements?|user stor(y|ies)|acceptance criteri(a|on)|use cases?|stories)\b", re.IGNORECASE
)
_ID_COLUMNS = {"id", "req", "req.", "req id", "requirement id", "#", "key", "ref", "no", "no.", "number"}
_TITLE_COLUMNS = ("requirement", "title", "name", "summary", "user story", "story", "description", "feature")
_ESCAPED = re.compile(r"^\\(?=[#\-*+|>\d])")


@dataclass(frozen=True)
class Requirement:
    """One requirement, where it was found, and in which shape."""

    id: str
    title: str
    text: str
    path: Path
    line: int
    shape: str  # heading | bullet | table | section-item
    section: str = ""
    derived_id: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Prd:
    """A PRD: its front matter and the requirements found in it."""

    path: Path
    title: str
    owner: str | None
    status: str | None
    target: str | None
    requirements: list[Requirement]
    warnings: list[str] = field(default_factory=list)
    start: datetime | None = None  # front matter `start:`: when work for this PRD began


def read_prd(path: Path) -> Prd:
    """Read a PRD file and extract its requirements; duplicate IDs are kept, renamed and warned about."""
    doc = read_document(path)
    warnings: list[str] = []
    requirements = _dedupe(_extract(doc), warnings)
    meta = doc.front_matter
    return Prd(
        path=path,
        title=str(meta.get("title") or _first_h1(doc) or path.stem),
        owner=_opt(meta.get("owner")),
        status=_opt(meta.get("status")),
        target=_target(meta.get("target"), f"{path}: front matter target"),
        start=parse_time(meta.get("start"), f"{path}: front matter start"),
        requirements=requirements,
        warnings=warnings,
    )


def id_pattern(ids: Iterable[str]) -> re.Pattern[str] | None:
    """A regex finding any of ``ids`` as a whole token, any case (``CHK-1`` does not match ``CHK-12``)."""
    ordered = sorted(set(ids), key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(i) for i in ordered)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![0-9A-Za-z])", re.IGNORECASE)


def _target(value: object, where: str) -> str | None:
    """Front matter ``target:``: a date (checked: real, 1970 to 2099) or words such as "Q3 2027".

    A number is refused rather than read: ``target: 20270331`` is what YAML makes of a date typed
    without dashes, and reading it as a date, or as words, would be silently wrong.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if _DATE_LIKE.match(text):
            parse_date(text[:10], where)  # "2027-03-31 (stretch)" is due on a day that must exist
        return text or None
    day = parse_date(value, where)
    return None if day is None else day.isoformat()


_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # text that reads as a date is checked as one


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _first_h1(doc: Document) -> str | None:
    for line in doc.body:
        match = _HEADING.match(line)
        if match and len(match["hashes"]) == 1:
            return match["text"]
    return None


@dataclass
class _Line:
    number: int
    text: str
    escaped: bool


def _lines(doc: Document) -> list[_Line]:
    """Body lines with their file line numbers, fenced code blanked and backslash escapes undone."""
    out: list[_Line] = []
    fenced = False
    for offset, raw in enumerate(doc.body):
        if _FENCE.match(raw):
            fenced = not fenced
            out.append(_Line(doc.body_line + offset, "", False))
            continue
        escaped = bool(_ESCAPED.match(raw))
        text = "" if fenced else (raw[1:] if escaped else raw)
        out.append(_Line(doc.body_line + offset, text, escaped))
    return out


def _extract(doc: Document) -> list[Requirement]:
    lines = _lines(doc)
    found: list[Requirement] = []
    headings: list[tuple[int, str]] = []  # the open heading stack: (level, text)
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = None if line.escaped else _HEADING.match(line.text)
        if heading:
            level = len(heading["hashes"])
            headings = [h for h in headings if h[0] < level] + [(level, heading["text"])]
            lead = _LEAD.match(heading["text"])
            if lead:
                i = _heading_requirement(doc, lines, i, level, lead, found)
                continue
            i += 1
            continue
        if not line.escaped and _is_table_start(lines, i):
            i = _table(doc, lines, i, headings, found)
            continue
        bullet = None if line.escaped else _BULLET.match(line.text)
        if bullet:
            i = _bullet(doc, lines, i, bullet, headings, found)
            continue
        i += 1
    return found


def _heading_requirement(
    doc: Document, lines: list[_Line], i: int, level: int, lead: re.Match[str], found: list[Requirement]
) -> int:
    title = lead["rest"].strip()
    body: list[str] = []
    j = i + 1
    while j < len(lines):
        if not lines[j].escaped and _starts_requirement(lines[j].text, level):
            break
        body.append(lines[j].text.strip())
        j += 1
    text = _join([title, *body])
    found.append(
        Requirement(
            id=_lead_id(lead),
            title=title or _title_of(text),
            text=text or title,
            path=doc.path,
            line=lines[i].number,
            shape="heading",
            section=title,
        )
    )
    return j


def _starts_requirement(text: str, level: int) -> bool:
    """Whether a line inside a heading requirement's body ends it: a peer heading or an ID-led item."""
    heading = _HEADING.match(text)
    if heading:
        return len(heading["hashes"]) <= level or bool(_LEAD.match(heading["text"]))
    bullet = _BULLET.match(text)
    return bool(bullet and not bullet["indent"] and _LEAD.match(bullet["text"]))


def _bullet(
    doc: Document,
    lines: list[_Line],
    i: int,
    bullet: re.Match[str],
    headings: list[tuple[int, str]],
    found: list[Requirement],
) -> int:
    indent = len(bullet["indent"])
    parts = [bullet["text"].strip()]
    j = i + 1
    while j < len(lines):
        text = lines[j].text
        if not text.strip():
            break
        nested = None if lines[j].escaped else _BULLET.match(text)
        if nested and len(nested["indent"]) <= indent:
            break
        if not lines[j].escaped and _HEADING.match(text):
            break
        parts.append(text.strip())
        j += 1
    content = _join(parts)
    lead = _LEAD.match(content)
    if lead:
        rid, text, shape = _lead_id(lead), lead["rest"].strip(), "bullet"
    elif indent == 0 and any(_REQUIREMENT_SECTION.search(h) for _, h in headings):
        text = _strip_emphasis(content)
        rid, shape = _derived_id(doc.path, text), "section-item"
    else:
        return j
    found.append(
        Requirement(
            id=rid,
            title=_title_of(text),
            text=text,
            path=doc.path,
            line=lines[i].number,
            shape=shape,
            section=headings[-1][1] if headings else "",
            derived_id=lead is None,
        )
    )
    return j


def _is_table_start(lines: list[_Line], i: int) -> bool:
    return "|" in lines[i].text and i + 1 < len(lines) and bool(_TABLE_SEPARATOR.match(lines[i + 1].text))


def _table(
    doc: Document, lines: list[_Line], i: int, headings: list[tuple[int, str]], found: list[Requirement]
) -> int:
    header = _cells(lines[i].text)
    rows: list[tuple[int, list[str]]] = []
    j = i + 2
    while j < len(lines) and "|" in lines[j].text and lines[j].text.strip():
        rows.append((lines[j].number, _cells(lines[j].text)))
        j += 1
    id_col = _id_column(header, [cells for _, cells in rows])
    if id_col is None:
        return j
    title_col = _title_column(header, id_col)
    section = headings[-1][1] if headings else ""
    for number, cells in rows:
        if id_col >= len(cells) or not re.fullmatch(_ID, _strip_emphasis(cells[id_col])):
            continue
        title = cells[title_col] if title_col is not None and title_col < len(cells) else ""
        extra = [c for k, c in enumerate(cells) if k not in (id_col, title_col) and _is_prose(c)]
        found.append(
            Requirement(
                id=_strip_emphasis(cells[id_col]),
                title=_title_of(title),
                text=_join([title, *extra]),
                path=doc.path,
                line=number,
                shape="table",
                section=section,
            )
        )
    return j


def _cells(row: str) -> list[str]:
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", text)]


def _id_column(header: list[str], rows: list[list[str]]) -> int | None:
    for k, name in enumerate(header):
        if _strip_emphasis(name).lower() in _ID_COLUMNS:
            return k
    for k in range(len(header)):
        values = [r[k] for r in rows if k < len(r) and r[k]]
        if values and all(re.fullmatch(_ID, _strip_emphasis(v)) for v in values):
            return k
    return None


def _title_column(header: list[str], id_col: int) -> int | None:
    names = [_strip_emphasis(h).lower() for h in header]
    for wanted in _TITLE_COLUMNS:
        for k, name in enumerate(names):
            if k != id_col and wanted in name:
                return k
    return next((k for k in range(len(header)) if k != id_col), None)


def _is_prose(cell: str) -> bool:
    """Cells worth keeping as requirement text: sentences, not 'Must' or 'P1'."""
    return len(cell.split()) >= 3


def _lead_id(lead: re.Match[str]) -> str:
    for name in ("bracket", "bold", "boldsep", "plain", "dashed"):
        if lead[name]:
            return str(lead[name])
    raise ValueError("lead pattern matched without an ID")


def _derived_id(path: Path, text: str) -> str:
    """A stable ID for an item without one: the PRD's name and a hash of the normalised text."""
    prefix = re.sub(r"[^A-Z0-9]", "", path.stem.upper())[:12] or "REQ"
    digest = hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()[:6]
    return f"{prefix}-{digest}"


def _title_of(text: str, limit: int = 80) -> str:
    """The first sentence, shortened to ``limit`` characters on a word boundary."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def _strip_emphasis(text: str) -> str:
    return text.strip().strip("*_`").strip()


def _join(parts: list[str]) -> str:
    return " ".join(p for p in (part.strip() for part in parts) if p)


def _dedupe(requirements: list[Requirement], warnings: list[str]) -> list[Requirement]:
    """Keep every requirement; a repeated ID gets a ``~2`` suffix and a warning naming both places."""
    first_seen: dict[str, Requirement] = {}
    counts: dict[str, int] = {}
    out = []
    for req in requirements:
        if req.id in first_seen:
            counts[req.id] = counts.get(req.id, 1) + 1
            renamed = f"{req.id}~{counts[req.id]}"
            warnings.append(
                f"{req.where}: duplicate requirement ID {req.id} (first at {first_seen[req.id].where});"
                f" this one is reported as {renamed}"
            )
            req = replace(req, id=renamed)
        else:
            first_seen[req.id] = req
        out.append(req)
    return out
