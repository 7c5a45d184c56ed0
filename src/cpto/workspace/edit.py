"""The one record writer: change a few keys or lines of a hand-kept file and leave every other byte alone.

People review records in pull requests, so a command that rewrites a whole file (reordering keys,
dropping comments, changing quotes or line endings) makes every change look bigger than it is. These
functions edit text surgically: a front-matter key's line(s), a YAML list item's key, one line appended
under a heading. Every edit is checked by parsing the result, and files are written under a folder lock
with a temporary file and a rename, so two writers never lose a change and a killed writer never leaves a
torn file.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from cpto.errors import CptoError
from cpto.fsutil import atomic_write_text, inside_workspace
from cpto.history.git import commit_files
from cpto.workspace.markdown import read_text, section_span

try:  # POSIX; elsewhere writes are still atomic, only not serialised between processes
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

LOCK_WAIT_S = 10.0
BOM = b"\xef\xbb\xbf"
_KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*:(.*)$")
# A quoted key, "status": or 'status': (YAML reads it as a key only if a space or the line end follows)
_QUOTED_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?=[ \t]|$)""")


@contextmanager
def locked(folder: Path, *, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that read-change-write runs one process at a time.

    The lock is taken on the folder itself (no lock file is left behind) and released by the kernel if the
    process dies. A writer that cannot get it within ``wait_s`` refuses with a clear error.
    """
    try:
        Path(os.path.realpath(folder)).mkdir(parents=True, exist_ok=True)  # through a link to nothing yet
        fd = os.open(folder, os.O_RDONLY) if fcntl is not None else -1
    except OSError as exc:
        raise CptoError(f"{folder}: cannot use the folder: {exc.strerror or exc}") from None
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise CptoError(
                        f"{folder}: another cpto process has been writing here for {wait_s:.0f}s;"
                        " nothing was changed, try again"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


def update_file(
    path: Path, change: Callable[[str], str], *, commit: str | None = None, root: Path | None = None
) -> str:
    """Apply ``change`` to the current text of ``path`` under the folder lock and write it atomically.

    The text is read inside the lock, so a change made by another writer a moment earlier is kept.
    With ``commit`` (a message), the file alone is then recorded in git. A record that is a symbolic
    link is edited where it lives, and stays a link, only when that is inside the workspace (``root``,
    else the one found above ``path``); a link out of it is refused before anything is read or written.
    """
    real = inside_workspace(path, root)
    bound = real.parent  # checked: the write below goes to this real file, not through the link again
    with locked(bound):
        text = read_text(real, "record")  # a one-line error for a folder, a binary file, a missing one
        with real.open("rb") as handle:
            bom = handle.read(3) == BOM
        new = change(text)
        if new == text:
            return new  # nothing to write, nothing to commit
        atomic_write_text(real, ("\ufeff" if bom else "") + new, workspace=bound)
        if commit:
            _commit(real, commit)
        return new


def create_file(
    folder: Path,
    make: Callable[[], tuple[Path, str]],
    *,
    commit: Callable[[Path], str] | None = None,
    root: Path | None = None,
) -> Path:
    """Write a new record in ``folder``; ``make`` names it and writes its text while the folder is locked.

    ``make`` runs inside the lock so that two writers numbering new records never take the same number.
    A file of the chosen name that already exists, or a link there (even one to nothing), is refused and
    nothing is written; so is a folder that links out of the workspace (``root``, else the one found
    above ``folder``).
    """
    inside_workspace(folder, root)  # before the lock, which would make the folder
    with locked(folder):
        path, text = make()
        if path.exists() or path.is_symlink():
            raise CptoError(f"{path}: already exists; nothing was written")
        real = inside_workspace(path, root)
        atomic_write_text(real, text, workspace=real.parent)
        if commit:
            _commit(path, commit(path))
        return path


def _commit(path: Path, message: str) -> None:
    try:
        commit_files([path], message)
    except CptoError as exc:
        raise CptoError(f"{path}: the change is written but not committed: {exc.message}") from None


# --------------------------------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------------------------------


def set_front_matter(text: str, updates: Mapping[str, Any], *, where: str = "record") -> str:
    """Set (or, with ``None``, remove) top-level front-matter keys; every other line stays as it was.

    A replaced key keeps its place and its trailing ``# comment``; a new key goes last. A file without
    front matter gets some.
    """
    nl = _newline(text)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        lines = [f"---{nl}", f"---{nl}", *lines]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise CptoError(f"{where}:1: front matter opened with --- is never closed")
    head = lines[1:end]
    for key, value in updates.items():
        head = _set_key(head, key, value, nl)
    result = "".join([lines[0], *head, *lines[end:]])
    _check_front_matter(result, updates, where)
    return result


def set_yaml_keys(text: str, updates: Mapping[str, Any], *, where: str = "YAML") -> str:
    """Set top-level keys of a plain YAML file (roadmap.yaml's ``reviewed:``), as :func:`set_front_matter` does."""
    nl = _newline(text)
    lines = text.splitlines(keepends=True)
    for key, value in updates.items():
        lines = _set_key(lines, key, value, nl)
    result = "".join(lines)
    try:
        data = yaml.safe_load(result) or {}
    except yaml.YAMLError:
        raise CptoError(f"{where}: the file would not parse after the change; nothing was written") from None
    for key, value in updates.items():
        if data.get(key) != _plain(value):
            raise CptoError(f"{where}: could not set '{key}' without reformatting the file")
    return result


def set_list_item(
    text: str, list_key: str, item_id: str, updates: Mapping[str, Any], *, where: str = "YAML"
) -> str:
    """Set keys of the item whose ``id`` is ``item_id`` in the block list under ``list_key`` (roadmap.yaml)."""
    nl = _newline(text)
    lines = text.splitlines(keepends=True)
    start, stop = _item_span(lines, list_key, item_id)
    if start is None:
        raise CptoError(f"{where}: no item with id '{item_id}' under '{list_key}:'")
    item = lines[start:stop]
    first = item[0]
    dash = first.index("-")
    indent = " " * (len(first) - len(first[dash + 1 :].lstrip(" ")))
    item[0] = first[:dash] + " " + first[dash + 1 :]  # the dash as a space: the item is a plain mapping
    for key, value in updates.items():
        item = _set_key(item, key, value, nl, indent)
    rebuilt = [item[0][:dash] + "-" + item[0][dash + 1 :], *item[1:]]
    result = "".join([*lines[:start], *rebuilt, *lines[stop:]])
    data = _safe_load(result)
    items = data.get(list_key) if isinstance(data, dict) else None
    found = next((i for i in items or [] if isinstance(i, dict) and str(i.get("id")) == item_id), None)
    if found is None or any(found.get(k) != _plain(v) for k, v in updates.items()):
        raise CptoError(
            f"{where}: could not change {item_id} without reformatting the file; nothing was written"
        )
    return result


def _item_span(lines: list[str], list_key: str, item_id: str) -> tuple[int | None, int]:
    """Line range of the list item ``- id: item_id`` (or whose ``id:`` key appears among its lines)."""
    in_list = False
    start: int | None = None
    dash_col = -1
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            if start is not None:
                return start, _trim_blank(lines, start, i)
            in_list = _key_at(line, "") == list_key
            continue
        if not in_list:
            continue
        stripped = line.lstrip(" ")
        col = len(line) - len(stripped)
        if stripped.startswith("-") and (dash_col < 0 or col == dash_col):
            dash_col = col
            if start is not None:
                return start, _trim_blank(lines, start, i)
            start = i if _item_id(stripped[1:]) == item_id else None
        elif start is None and dash_col >= 0 and col == dash_col + 2 and _item_id(stripped) == item_id:
            start = next(
                j for j in range(i, -1, -1) if lines[j].startswith(" " * dash_col + "-")
            )  # the item's own dash, not a nested list's
    return (start, _trim_blank(lines, start, len(lines))) if start is not None else (None, 0)


def _item_id(fragment: str) -> str | None:
    """The value of an ``id:`` (or quoted ``"id":``) key on one line of a list item, else None."""
    m = re.match(r"""^\s*(?:id|"id"|'id')\s*:\s*(.+?)\s*(#.*)?$""", fragment.rstrip("\r\n"))
    value = _safe_load(m.group(1)) if m else _UNREADABLE
    return None if value is _UNREADABLE or value is None else str(value)


def _trim_blank(lines: list[str], start: int, stop: int) -> int:
    while stop > start + 1 and (not lines[stop - 1].strip() or lines[stop - 1].lstrip().startswith("#")):
        stop -= 1
    return stop


def _set_key(head: list[str], key: str, value: Any, nl: str, indent: str = "") -> list[str]:
    """Replace the lines of ``key`` (at ``indent``) in ``head`` or append them; ``None`` removes the key.

    A replaced key is written as it was spelled (``"status":`` stays quoted), so only its value changes.
    """
    start, spelled = _find_key(head, key, indent)
    if start is None:
        if value is None:
            return head
        at = len(head)
        while at > 0 and not head[at - 1].strip():
            at -= 1
        if at > 0 and not head[at - 1].endswith(("\n", "\r")):
            head = [*head[: at - 1], head[at - 1] + nl, *head[at:]]
        return [*head[:at], indent + render_key(key, value) + nl, *head[at:]]
    stop = start + 1
    while stop < len(head) and _continues(head[stop], indent):
        stop += 1
    if value is None:
        return [*head[:start], *head[stop:]]
    comment = _trailing_comment(head[start]) if stop == start + 1 else ""
    ending = nl if head[stop - 1].endswith(("\n", "\r")) else ""
    return [*head[:start], indent + render_key(spelled, value) + comment + ending, *head[stop:]]


def _find_key(head: list[str], key: str, indent: str) -> tuple[int | None, str]:
    """The line where ``key`` is set at ``indent`` and the key as spelled there (``key`` itself if absent)."""
    for i, line in enumerate(head):
        found = _key_spelling(line, indent)
        if found and found[0] == key:
            return i, found[1]
    return None, key


def render_key(key: str, value: Any) -> str:
    """``key: value`` on one line in YAML flow style (lists as ``[a, b]``, mappings as ``{k: v}``).

    ``key`` is written as given, so a caller may pass it already quoted (``"status"``).
    """
    dumped = yaml.safe_dump(
        _plain(value), default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**9
    )
    return f"{key}: {dumped.strip().removesuffix('...').strip()}"


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _key_at(line: str, indent: str) -> str | None:
    """The key a ``key: value`` line at exactly ``indent`` sets, else None."""
    found = _key_spelling(line, indent)
    return found[0] if found else None


def _key_spelling(line: str, indent: str) -> tuple[str, str] | None:
    """The key a ``key: value`` line at exactly ``indent`` sets and the key as written there, else None.

    Hand-kept files (and JSON-minded editors) quote keys: ``"status": x`` and ``'status': x`` set
    ``status`` just as ``status: x`` does, and an edit that missed them would add a duplicate key.
    """
    if not line.startswith(indent) or len(line) <= len(indent) or line[len(indent)] in " \t#-\r\n":
        return None
    rest = line[len(indent) :].rstrip("\r\n")
    m = _KEY.match(rest)
    if m:
        return m.group(1), m.group(1)
    m = _QUOTED_KEY.match(rest)
    name = _safe_load(m.group(1)) if m else None  # YAML unquotes it: 'it''s' is it's, "a\"b" is a"b
    return (name, m.group(1)) if m and isinstance(name, str) else None


def _continues(line: str, indent: str) -> bool:
    """Whether ``line`` still belongs to the value of the key above it (deeper, or a ``-`` item at its level)."""
    if not line.strip():
        return False
    rest = line[len(indent) :] if line.startswith(indent) else None
    return rest is not None and (rest[:1] in (" ", "\t") or rest.startswith("-"))


def _trailing_comment(line: str) -> str:
    """The ``  # comment`` after a one-line value, if YAML reads it as a comment (not inside quotes)."""
    body = line.rstrip("\r\n")
    full = _safe_load(body)
    for m in re.finditer(r"\s+#", body):
        if _safe_load(body[: m.start()]) == full and full is not _UNREADABLE:
            return body[m.start() :]
    return ""


_UNREADABLE = object()


def _safe_load(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return _UNREADABLE


def _check_front_matter(text: str, updates: Mapping[str, Any], where: str) -> None:
    lines = text.splitlines()
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError:
        raise CptoError(
            f"{where}: front matter would not parse after the change; nothing was written"
        ) from None
    for key, value in updates.items():
        if (data.get(key) if value is not None else key in data) != (
            _plain(value) if value is not None else False
        ):
            raise CptoError(f"{where}: could not set '{key}' without reformatting the front matter")


# --------------------------------------------------------------------------------------------------
# Body
# --------------------------------------------------------------------------------------------------


def append_to_section(text: str, title: str, line: str) -> str:
    """Add ``line`` after the last non-blank line of the section named ``title`` (or a new ``## title``
    section at the end). Line breaks inside ``line`` take the file's own line ending."""
    nl = _newline(text)
    line = nl.join(line.splitlines())
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    span = section_span(lines, title)
    if span is None:
        blank = [nl] if lines and lines[-1].strip() else []
        return "".join([*lines, *blank, f"## {title}{nl}", nl, line + nl])
    start, at = span
    while at > start + 1 and not lines[at - 1].strip():
        at -= 1
    insert = [line + nl] if at > start + 1 else [nl, line + nl]
    return "".join([*lines[:at], *insert, *lines[at:]])


def _newline(text: str) -> str:
    """The file's own line ending, so an edit does not mix ``\\r\\n`` into a ``\\n`` file or the reverse."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
