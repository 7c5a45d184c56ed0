"""Reports: one model every command fills, and one renderer per output format."""

from cpto.report.model import Chart, Report, Table
from cpto.report.render import FORMATS, render_text

__all__ = ["FORMATS", "Chart", "Report", "Table", "render_text"]
