"""Reports: one model every command fills, and one renderer per output format."""

from cpto.report.model import NARROW, WIDE, Block, Blocks, Chart, LazyRows, Report, Table, Tag
from cpto.report.render import FORMATS, render_text

__all__ = [
    "FORMATS",
    "NARROW",
    "WIDE",
    "Block",
    "Blocks",
    "Chart",
    "LazyRows",
    "Report",
    "Table",
    "Tag",
    "render_text",
]
