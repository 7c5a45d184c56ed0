"""Reports: one model every command fills, and one renderer per output format."""

from typing import Any

from cpto.report.model import (
    DETAIL,
    FORMATS,
    NARROW,
    WIDE,
    Block,
    Blocks,
    Chart,
    LazyRows,
    Link,
    Report,
    Table,
    Tag,
)


def __getattr__(name: str) -> Any:
    """``render_text``, imported on first use: Rich and the chart library stay out of start-up."""
    if name == "render_text":
        from cpto.report.render import render_text

        return render_text
    raise AttributeError(name)


__all__ = [
    "DETAIL",
    "FORMATS",
    "NARROW",
    "WIDE",
    "Block",
    "Blocks",
    "Chart",
    "LazyRows",
    "Link",
    "Report",
    "Table",
    "Tag",
    "render_text",
]
