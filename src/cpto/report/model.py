"""The shape every report takes, whatever the output format.

A command builds a ``Report``: a title, a few headline facts, tables, notes for things the reader should
know, and ``data``, the machine-readable payload that ``--json`` prints as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """A titled table; numbers are right-aligned by every renderer."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""


@dataclass
class Report:
    """What a command reports, independent of how it is shown."""

    title: str
    subtitle: str = ""
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
