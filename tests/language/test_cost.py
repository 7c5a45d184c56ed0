"""Cost of long input: a line of a megabyte is read in seconds, not minutes (issue 16).

Identifiers and -ly/-ful words used to be checked against every earlier one, so a long line of them took
time quadratic in its length (a 1 MB line: minutes in ``cpto precision --json``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from cpto.language.precision import assess
from cpto.language.views import MAX_FINDING_ROWS, text_report
from cpto.report import Table

LINE = "see api/cart.py and ABC-12 quickly, "  # a path, a ticket and a manner adverb: every kind of span


def test_a_long_line_costs_linear_time() -> None:
    short, long = LINE * 2_000, LINE * 16_000  # 70 KB and 560 KB
    started = time.perf_counter()
    small = assess(short)
    middle = time.perf_counter()
    large = assess(long)
    ended = time.perf_counter()
    assert len(large.findings) == 8 * len(small.findings) and len(large.markers) == 8 * len(small.markers)
    # Eight times the text: linear is about 8x the time; the quadratic checks were 64x (and 30 s here).
    assert ended - middle < 25 * max(middle - started, 0.01) and ended - middle < 10


def test_the_findings_table_is_capped_and_says_so_but_json_has_all() -> None:
    text = "\n".join(["it is quickly done"] * (MAX_FINDING_ROWS + 20))
    result = assess(text)
    report = text_report("notes.md", text, result)
    table = report.tables[0]
    assert isinstance(table, Table)
    lines = [f"notes.md:{text.count(chr(10), 0, f.start) + 1}" for f in result.findings]
    assert len(lines) > MAX_FINDING_ROWS and [row[0] for row in table.rows] == lines[:MAX_FINDING_ROWS]
    assert f"The first {MAX_FINDING_ROWS} of {len(lines)} findings" in table.caption
    assert len(report.data["findings"]) == len(lines)


def test_precision_json_on_a_megabyte_line(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    source.write_text(json.dumps({"id": "big", "text": (LINE * 28_000)[:1_000_000]}) + "\n")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "precision", "--json", str(source)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "big" and time.perf_counter() - started < 30
