"""Unknown is not zero: "0 threshold breaches" only where the thresholds could be judged."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cpto.cli import app

runner = CliRunner()


def test_without_records_the_breach_count_says_what_it_could_not_judge(make_repo) -> None:  # type: ignore[no-untyped-def]
    r = make_repo()
    r.commit("feat: a", {"a.py": "x = 1\n"})
    r.commit("fix: b", {"a.py": "x = 2\n"})
    args = ["heartbeat", "-w", str(r.path), "--week", "2026-01-01", "--no-trace", "-q"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["threshold_breaches"]
    assert data["count"] == 0
    assert data["not_judged"] == ["change fail rate", "appeal rate", "decision SLAs"]
    page = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    assert "**threshold breaches:** 0 among what could be judged (not judged: change fail rate" in page
