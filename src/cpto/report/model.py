"""The shape every report takes, whatever the output format.

A command builds a ``Report``: a title, a few headline facts, sections (tables, or blocks for items
whose text a table would squeeze), notes for things the reader should know, and ``data``, the
machine-readable payload that ``--json`` prints as it is.

A section can be meant for one width only (``show``): a wide table and the same content as blocks, so
every renderer can pick what reads well where it is read (a terminal by its width; Markdown, pasted
into pull requests and chat where tables render, the wide form; HTML both, switched by the reader's
screen width).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

ALWAYS = ""
WIDE = "wide"  # only where a wide table fits (a terminal of 120 columns or more, Markdown, a wide page)
NARROW = "narrow"  # only where it does not (a narrow terminal, a pipe at 80 columns, a phone)
# only where a reader can click through to it (HTML): what a figure was computed from, item by item
# (the deploys, commits and incidents behind a DORA metric). The terminal and Markdown leave it out:
# the figure's "based on" text summarises it there, and JSON carries it in ``data``.
DETAIL = "detail"

TONES = ("good", "warn", "attention", "bad", "info", "muted")

FORMATS = ("terminal", "markdown", "json", "html")  # what every reporting command can write

# Characters that steer a terminal or reorder text instead of being read: C0 controls but line feed and
# tab (ESC opens every CSI colour, OSC 8 link and OSC 0 window-title sequence; CR overwrites a line),
# DEL, C1 controls (0x9b and 0x9d are one-byte CSI and OSC) and the bidirectional embeddings, overrides
# and isolates that make code or text read in another order than it is stored ("Trojan Source").
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character that could steer a terminal or reorder text made visible.

    Commit messages, PRDs, records and file names are other people's text: a remark holding
    ``ESC ] 0 ;`` would retitle the reader's window, ``ESC [ 2 J`` clear it, ``ESC ] 8 ;;`` hide a link
    behind harmless words, U+202E print the rest of a line backwards. Each such character becomes one
    that shows it (``␛`` for ESC, ``␍`` for a lone CR, ``<U+202E>`` where Unicode has no picture), so
    the sequence is printed as text and a reader still sees that something was there. A CR before a
    line feed (text written on Windows) is dropped. Every renderer and every message the CLI prints
    goes through here; JSON keeps the exact text, with these characters written as ``\\u`` escapes.
    """
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return UNSAFE_CHARACTERS.sub(_shown_as, text)


def _shown_as(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: U+241B SYMBOL FOR ESCAPE is ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


@dataclass(frozen=True)
class Tag:
    """A short label with a tone (``good``, ``warn``, ``attention``, ``bad``, ``info``, ``muted``).

    It is a value like any other (a table cell, a block's tag); renderers that can show colour do,
    the others show the text, so the meaning never rests on colour alone.
    """

    text: str
    tone: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Link:
    """A value that leads somewhere: a figure to the section listing what it was computed from
    (``#deploys``), a commit or pull request to its page on the forge (``https://github.com/…``).

    A value like any other (a fact, a table cell, a block entry); only the HTML renderer makes it a
    link, and only to an ``http(s)``, relative or ``#`` address (:func:`safe_href`); Markdown links
    ``http(s)`` addresses (a ``#`` section of a page is not in the Markdown); the terminal and JSON show
    the text alone, so no address is noise where it cannot be followed.
    """

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


_HREF_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\\u202a-\u202e\u2066-\u2069]")


def safe_href(href: str) -> str:
    """``href`` when a page may link to it: ``http://`` or ``https://``, a path (``/review``,
    ``heartbeat-2026-W45.html#x``) or a ``#`` section; "" for anything else (``javascript:``, ``data:``,
    an address with spaces, controls or backslashes, which browsers read in surprising ways)."""
    if not href or _HREF_UNSAFE.search(href):
        return ""
    scheme, colon, _ = href.partition(":")
    if colon and "/" not in scheme and "?" not in scheme and "#" not in scheme:
        return href if scheme.lower() in ("http", "https") and href[len(scheme) :].startswith("://") else ""
    return href


def slug(text: str) -> str:
    """``text`` as a section's anchor: lower case, runs of anything but letters and digits as one ``-``
    (``Delivery (DORA 2024)`` is ``delivery-dora-2024``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass
class Table:
    """A titled table; numbers are right-aligned by every renderer.

    ``anchor``: the section's id in HTML (default: a :func:`slug` of the title), what a :class:`Link`
    points at with ``#anchor``; a wide table and its narrow blocks share one.
    """

    title: str
    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    show: str = ALWAYS
    anchor: str = ""

    def __post_init__(self) -> None:
        self.anchor = self.anchor or slug(self.title)


Entry = str | Link | Sequence[str | Link]  # a block entry's value: one value, or a list of items


@dataclass
class Block:
    """One item told in lines rather than a table row, so its full text reads at any width.

    Shown as: ``heading``, ``tag`` and ``note`` on one line; then a paragraph, ``lead`` (emphasised)
    and ``text``; then ``entries``, each a label with a value, or with a list of items (bullets).
    ``note`` and the entries' values may be a :class:`Link`.
    """

    heading: str
    tag: Tag | None = None
    note: str | Link = ""
    lead: str = ""
    text: str = ""
    entries: Sequence[tuple[str, Entry]] = field(default_factory=list)

    @property
    def joiner(self) -> str:
        """What goes between ``lead`` and ``text``: a colon, or a space when the lead ends a sentence."""
        if not (self.lead and self.text):
            return ""
        return " " if self.lead[-1] in ".:;!?" else ": "

    @property
    def paragraph(self) -> str:
        """``lead`` and ``text`` as one plain line, for a renderer or a table cell without emphasis."""
        return f"{self.lead}{self.joiner}{self.text}"


@dataclass
class Blocks:
    """A titled run of blocks: the narrow form of a table, or items with too much text for one.

    ``anchor`` as :class:`Table`'s."""

    title: str
    blocks: list[Block]
    caption: str = ""
    show: str = ALWAYS
    anchor: str = ""

    def __post_init__(self) -> None:
        self.anchor = self.anchor or slug(self.title)


@dataclass
class Chart:
    """A picture of numbers a table also carries; only the HTML renderer draws it.

    ``kind`` is ``bars`` (stacked bars, one per label, one segment per series), ``lines`` (one line per
    series over the labels) or ``treemap`` (one box per label, area from series ``size``, colour from
    series ``heat``).
    """

    title: str
    kind: str
    labels: list[str]
    series: dict[str, list[float]]
    caption: str = ""


@dataclass
class Report:
    """What a command reports, independent of how it is shown.

    ``tables`` holds the sections in reading order: tables and blocks.
    """

    title: str
    subtitle: str = ""
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: Sequence[Table | Blocks] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


class LazyRows(Sequence[Any]):
    """A list of JSON rows made one at a time, as the JSON is written: the rows of a large review (a
    thousand requirements, hundreds of links each) would otherwise sit in memory twice, as objects and
    as dicts. ``values`` estimates how many values the rows hold, so renderers can tell it is large
    without making them."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Any], values: int) -> None:
        self._items = items
        self._make = make
        self.values = values

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._make(item) for item in self._items[index]]
        return self._make(self._items[index])
