"""The one Markdown reader: YAML front matter, then the body as lines, with clear errors.

PRDs, decision records and incident records are all Markdown with optional front matter; they all come
through here so that a binary file, a non-UTF-8 file or broken front matter is reported the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
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
    data, _ = load_yaml(text, path, "front matter", first_line=2)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CptoError(f"{path}:2: front matter must be a mapping of keys to values")
    return data


# How many values aliases may add to a YAML file once expanded. Anchors and aliases (``&defaults``,
# ``*defaults``) are fine for sharing a few values; a kilobyte of nested aliases ("billion laughs") expands
# to billions of values, which took a linter gigabytes, so past this bound the file is refused.
MAX_ALIAS_VALUES = 100_000
# A YAML number longer than this is refused: Python cannot print a decimal of more than 4300 digits, and
# reading a long sexagesimal number (1:30:00:...) takes time quadratic in its length.
MAX_NUMBER_CHARS = 100
_SIZE_CAP = 2**62  # far past any file's distinct values (a 5 MiB file has a few million)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader (plain data only) with numbers of bounded length."""

    def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of more than {MAX_NUMBER_CHARS} characters", node.start_mark
            )
        return int(super().construct_yaml_int(node))

    def construct_real_timestamp(self, node: yaml.ScalarNode) -> date:
        try:
            value: date = super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is an impossible date or time", node.start_mark
            ) from None
        return value


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_bounded_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_real_timestamp)


def load_yaml(text: str, path: Path, what: str, first_line: int = 1) -> tuple[Any, yaml.Node | None]:
    """The values of the YAML document ``text`` and its node tree (whose marks give line numbers).

    The one place cpto parses YAML, so every record gets the same limits and one-line errors naming
    ``path`` and the line (``first_line``: where the YAML starts in the file): aliases may add at most
    :data:`MAX_ALIAS_VALUES` values and may not refer to themselves, nesting is bounded by Python's
    stack, numbers by :data:`MAX_NUMBER_CHARS`, and dates must exist (no 2026-02-30, no offset +25:00).
    Empty text is ``(None, None)``.
    """
    if not text.strip():
        return None, None
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # checks the characters already: a control character is an error here
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_aliases(root, path, what, first_line)
        return loader.construct_document(root), root
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, what, first_line) from None
    except RecursionError:
        raise CptoError(f"{path}: invalid {what}: nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # a safety net: the constructors above name the line
        raise CptoError(f"{path}: invalid {what}: {_first_line(exc)}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_aliases(root: yaml.Node, path: Path, what: str, first_line: int) -> None:
    """Refuse an alias inside the value it names (``&a [*a]``), or aliases expanding past MAX_ALIAS_VALUES.

    The composed tree shares one node per anchor, so it stays small however far the aliases expand; the
    expanded size is counted per node (once each, without recursion), so the check costs the file's size.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            sizes[key] = min(total, _SIZE_CAP)  # a bomb's count would grow to thousands of digits
            continue
        if key in sizes:
            continue
        distinct += 1
        open_nodes.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                line = child.start_mark.line + first_line
                raise CptoError(
                    f"{path}:{line}: invalid {what}: an alias inside the value it names (&name ... *name)"
                )
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes[id(root)] - distinct > MAX_ALIAS_VALUES:
        raise CptoError(
            f"{path}: invalid {what}: aliases (*name) expand to more than {MAX_ALIAS_VALUES:,} values"
        )


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
