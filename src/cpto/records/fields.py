"""What a record field may hold when cpto writes it (text its own reader reads back as written), and
what a records folder must be when cpto reads it.

Records are read line by line: a title holding a line break and ``---`` would close the front matter
early, a remark starting a line with ``## `` would open a section, a NUL byte makes the whole file read as
binary. Every writer passes what people typed through these checks first, so a record cpto writes is
one it can read back to the same values, or the input is refused with one line and nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from cpto.errors import CptoError
from cpto.fsutil import Found
from cpto.records.ids import record_files
from cpto.workspace.markdown import _FENCE, heading

HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
HANDLE_RULE = "lower-case letters, digits, '.', '_' or '-'"
# Control characters (NUL, tab, ESC, ...), lone surrogates, unassigned code points and the Unicode line
# and paragraph separators: none of them is text a reader can be sure to read back.
_NOT_TEXT = ("Cc", "Cs", "Cn", "Zl", "Zp")


def _bad_char(value: str, allowed: str = "") -> str | None:
    """The first character of ``value`` that is not plain text (``allowed`` aside), as U+XXXX."""
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) in _NOT_TEXT:
            return f"U+{ord(ch):04X}"
    return None


def one_line(value: str, what: str, *, required: bool = True) -> str:
    """``value`` as one line of text (outer spaces stripped), or a one-line refusal naming ``what``.

    A line break is refused rather than joined: the person meant something, and cpto should not guess
    what. An empty value is refused when ``required``.
    """
    text = value.strip()
    if "\n" in text or "\r" in text:
        raise CptoError(f"{what}: must be one line; it holds a line break")
    bad = _bad_char(text)
    if bad is not None:
        raise CptoError(f"{what}: holds {bad}, a control character; write plain text")
    if required and not text:
        raise CptoError(f"{what}: must not be empty")
    return text


def body_text(value: str, what: str) -> str:
    """``value`` as text under a record's heading: lines, but none that would start a heading or a code
    block (``## Discussion`` in a context would become the record's own section). Line endings become
    ``\\n``; blank lines around it are dropped ("" for nothing)."""
    bad = _bad_char(value, allowed="\n\r")
    if bad is not None:
        raise CptoError(f"{what}: holds {bad}, a control character; write plain text")
    lines = value.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    for number, line in enumerate(lines, 1):
        if heading(line) is not None or _FENCE.match(line):
            raise CptoError(
                f"{what}: line {number} '{line.strip()[:40]}' would start a new section or code block;"
                " write it as a plain line"
            )
    return "\n".join(line.rstrip() for line in lines).strip()


def handle(value: str, what: str) -> str:
    """A person's handle as people.yaml spells them, or a one-line refusal."""
    text = one_line(value, what)
    if not HANDLE.match(text):
        raise CptoError(f"{what}: '{text}' is not a handle ({HANDLE_RULE})")
    return text


def folder_records(folder: Path | None, what: str) -> Found:
    """The record files of ``folder`` (:func:`cpto.records.ids.record_files`); a folder setting that
    names a file is an error, not "no records": every command and ``cpto check`` say so alike."""
    if folder is not None and folder.exists() and not folder.is_dir():
        raise CptoError(
            f"{folder}: is a file, not a folder of {what} records (check [workspace] in cpto.toml)"
        )
    return record_files(folder)
