"""The one Markdown reader: YAML front matter, then the body as lines, with clear errors.

PRDs, decision records and incident records are all Markdown with optional front matter; they all come
through here so that a binary file, a non-UTF-8 file or broken front matter is reported the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cpto.errors import CptoError

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """A Markdown file split into front matter and body; ``body_line`` is the body's first line number."""

    path: Path
    front_matter: dict[str, Any] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    body_line: int = 1


def read_text(path: Path, what: str = "Markdown") -> str:
    """The UTF-8 text of a record file, or a one-line error: missing, a folder, too large, binary, not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CptoError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CptoError(f"{path}: is a folder, not a {what} file") from None
    except OSError as exc:
        raise CptoError(f"{path}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise CptoError(f"{path}: {len(raw) // 1024} KiB is too large for a {what} record (limit 5 MiB)")
    if b"\0" in raw[:8192]:
        raise CptoError(f"{path}: binary file, not {what} text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CptoError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def read_document(path: Path) -> Document:
    """Read ``path`` as UTF-8 Markdown with optional ``---`` YAML front matter."""
    text = read_text(path)
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return Document(path=path, body=lines, body_line=1)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise CptoError(f"{path}:1: front matter opened with --- is never closed")
    return Document(
        path=path,
        front_matter=_parse_front_matter(path, "\n".join(lines[1:end])),
        body=lines[end + 1 :],
        body_line=end + 2,
    )


def yaml_error(path: Path, exc: yaml.YAMLError, what: str, first_line: int = 1) -> CptoError:
    """A YAML syntax error as ``file:line: invalid <what>: problem`` (``first_line``: where the YAML starts)."""
    mark = getattr(exc, "problem_mark", None)
    line = f":{mark.line + first_line}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return CptoError(f"{path}{line}: invalid {what}: {problem}")


def _parse_front_matter(path: Path, text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, "front matter", first_line=2) from None
    except ValueError as exc:  # a date YAML reads as one but the calendar has not: 2026-02-30
        raise CptoError(f"{path}: front matter: impossible date ({exc})") from None
    if not isinstance(data, dict):
        raise CptoError(f"{path}:2: front matter must be a mapping of keys to values")
    return data


_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def heading(line: str) -> tuple[int, str] | None:
    """``(level, title)`` of an ATX heading line (``## Timeline``); ``#42 is related`` is not one."""
    m = _HEADING.match(line.rstrip("\r\n"))
    return (len(m.group(1)), (m.group(2) or "").strip()) if m else None


def section_lines(lines: list[str], title: str) -> Iterator[tuple[int, str]]:
    """``(index, line)`` of every line under the heading named ``title`` (any level, case-insensitive)
    up to the next heading; headings inside fenced code blocks are text, and so are the block's lines."""
    inside = False
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        found = None if fenced else heading(line)
        if found is not None:
            inside = found[1].lower() == title.lower()
            continue
        if inside and not fenced:
            yield i, line


def section_span(lines: list[str], title: str) -> tuple[int, int] | None:
    """``(heading index, end index)`` of the first section named ``title`` in a whole file's lines; its
    front matter and fenced code blocks are skipped, and the section ends at the next heading."""
    start = 0
    if lines and lines[0].strip() == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    found: int | None = None
    fenced = False
    for i in range(start, len(lines)):
        if _FENCE.match(lines[i]):
            fenced = not fenced
            continue
        mark = None if fenced else heading(lines[i])
        if mark is None:
            continue
        if found is not None:
            return found, i
        if mark[1].lower() == title.lower():
            found = i
    return (found, len(lines)) if found is not None else None
