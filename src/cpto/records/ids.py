"""What every record folder shares: which files are records, unique IDs, the next ID, file-name slugs.

Decisions and incidents are one Markdown file each in a folder; both number themselves after the
folder's own convention (D-0007, ADR-12, INC-3, 0002) and are found by id or by number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from cpto.errors import CptoError

NOT_RECORDS = ("readme", "template", "index")
NUMBERED = re.compile(r"^(.*?)(\d+)$")


class Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def path(self) -> Path: ...


R = TypeVar("R", bound=Record)


def record_files(folder: Path | None) -> list[Path]:
    """The ``*.md`` records of ``folder`` in file-name order (its README, template and index are not)."""
    if folder is None or not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob("*.md")) if p.stem.lower() not in NOT_RECORDS]


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
