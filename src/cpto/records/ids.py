"""What every record folder shares: which files are records, unique IDs, the next ID, file-name slugs,
and a record's sections in document order.

Decisions and incidents are one Markdown file each in a folder; both number themselves after the
folder's own convention (D-0007, ADR-12, INC-3, 0002) and are found by id or by number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from cpto.errors import CptoError
from cpto.fsutil import Found, workspace_glob
from cpto.workspace.markdown import _FENCE, Document, heading

NOT_RECORDS = ("readme", "template", "index")
NUMBERED = re.compile(r"^(.*?)(\d+)$")


class Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def path(self) -> Path: ...


R = TypeVar("R", bound=Record)


def record_files(folder: Path | None, *, root: Path | None = None) -> Found:
    """The ``*.md`` records of ``folder`` in file-name order (its README, template and index are not).

    A record that links out of the workspace (``root``, else the one found above ``folder``) is not
    read, nor is a folder that does; ``skipped`` names them for the caller to show. A record linked
    twice in the folder is listed once.
    """
    if folder is None or not folder.is_dir():
        return Found()
    found = workspace_glob(folder, "*.md", root=root)
    return Found((p for p in found if p.stem.lower() not in NOT_RECORDS), found.skipped)


def duplicates(records: Sequence[R]) -> list[tuple[R, Path]]:
    """Each record whose id an earlier record already has, with that earlier record's file."""
    seen: dict[str, Path] = {}
    out = []
    for r in records:
        if r.id in seen:
            out.append((r, seen[r.id]))
        seen.setdefault(r.id, r.path)
    return out


def require_unique(records: Sequence[R], what: str) -> None:
    for r, other in duplicates(records)[:1]:
        raise CptoError(f"{r.path}:1: duplicate {what} id '{r.id}' (also in {other.name})")


def find(records: Sequence[R], wanted: str, what: str) -> R:
    """A record by id (``D-0007``), case-insensitively, or by its number alone (``7``)."""
    key = wanted.strip().lower()
    for r in records:
        if r.id.lower() == key:
            return r
    if key.isdigit():
        numbered = [r for r in records if (m := NUMBERED.match(r.id)) and int(m.group(2)) == int(key)]
        if len(numbered) == 1:
            return numbered[0]
    known = ", ".join(r.id for r in records[:12]) or "none yet"
    raise CptoError(f"no {what} '{wanted}' (known: {known})")


def next_id(ids: list[str], default_prefix: str, width: int = 4) -> str:
    """The next ID in the folder's own numbering (``D-0008`` after ``D-0007``; ``ADR-13`` after ``ADR-12``)."""
    numbered = [(m.group(1), m.group(2)) for i in ids if (m := NUMBERED.match(i))]
    if not numbered:
        return f"{default_prefix}{1:0{width}d}"
    prefix = max({p for p, _ in numbered}, key=lambda p: sum(q == p for q, _ in numbered))
    width = max(len(n) for p, n in numbered if p == prefix)
    top = max(int(n) for p, n in numbered if p == prefix)
    return f"{prefix}{top + 1:0{width}d}"


def slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:60].rstrip("-") or "decision"


# --------------------------------------------------------------------------------------------------
# A record's sections, in document order
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionLine:
    """One line of a section as written; ``code`` when it sits inside a fenced code block."""

    number: int
    text: str
    code: bool = False


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it up to the next heading, as the record has them.

    ``trail`` is the heading with the headings it sits under (``Decision Outcome / Consequences``; the
    record's ``#`` title is left out), so a subsection shown on its own still says where it is. ``line`` is the heading's line (0: the text
    before the first heading). Records are shown whole from these, and action items read from them.
    """

    title: str
    level: int
    line: int
    trail: str
    lines: tuple[SectionLine, ...] = ()

    @property
    def text(self) -> str:
        """The section's text as written, without the blank lines around it."""
        return "\n".join(ln.text for ln in self.lines)

    def chunks(self) -> list[tuple[int, str]]:
        """``(first line, text)`` of each paragraph (its lines joined), list item (with its continuation
        lines) and code block, in order: what a report shows as one row each."""
        out: list[tuple[int, str]] = []
        current: list[SectionLine] = []
        for ln in self.lines:
            text = ln.text.strip()
            starts = (
                not current
                or ln.code != current[-1].code
                or (not ln.code and (not text or bool(_LIST_ITEM.match(ln.text))))
            )
            if starts and current:
                out.append(_chunk(current))
                current = []
            if text or ln.code:
                current.append(ln)
        if current:
            out.append(_chunk(current))
        return out


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _chunk(lines: list[SectionLine]) -> tuple[int, str]:
    """One row: a code block keeps its lines as they are, prose is joined into one line."""
    if lines[0].code:
        return lines[0].number, "\n".join(ln.text.rstrip() for ln in lines)
    return lines[0].number, " ".join(ln.text.strip() for ln in lines)


def record_sections(doc: Document) -> tuple[Section, ...]:
    """Every section of a record's body in document order, fenced code kept as text.

    The text before the first heading is a section titled ``""`` when it holds anything; a heading
    inside a fenced code block is text, not a heading.
    """
    sections: list[Section] = []
    trail: list[tuple[int, str]] = []
    title, level, start = "", 0, 0
    lines: list[SectionLine] = []
    fenced = False

    def close() -> None:
        body = _trimmed(lines)
        if title or body:
            named = " / ".join(t for lv, t in trail if lv > 1 or lv == level)  # the # title is the record's
            sections.append(Section(title, level, start, named, tuple(body)))

    for offset, raw in enumerate(doc.body):
        number = doc.body_line + offset
        fence = bool(_FENCE.match(raw))
        found = None if fenced or fence else heading(raw)
        if found is None:
            lines.append(SectionLine(number, raw.rstrip("\r"), fenced or fence))
            if fence:
                fenced = not fenced
            continue
        close()
        level, title = found
        trail = [(lv, t) for lv, t in trail if lv < level] + [(level, title)]
        start, lines = number, []
    close()
    return tuple(sections)


def _trimmed(lines: list[SectionLine]) -> list[SectionLine]:
    first = next((i for i, ln in enumerate(lines) if ln.text.strip()), len(lines))
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].text.strip()), -1)
    return lines[first : last + 1]


def no_records(folder: Path | None, what: str) -> str:
    """Why a folder gave no records: it does not exist, or holds none (``README.md`` and such aside)."""
    if folder is None or not folder.exists():
        return f"no {what} records: {folder or 'the folder'} does not exist"
    if not folder.is_dir():
        return f"no {what} records: {folder} is a file, not a folder"
    return f"no {what} records in {folder}"
