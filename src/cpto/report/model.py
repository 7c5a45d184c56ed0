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
    """What a command reports, independent of how it is shown."""

    title: str
    subtitle: str = ""
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
