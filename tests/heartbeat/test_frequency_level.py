"""A deployment-frequency band needs deploys to be read from: a repository that has not shipped in
the five weeks the band is read over gets no band, and says why (it used to read "low")."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app


def test_no_deploy_in_five_weeks_gives_no_band(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "svc")
    repo.path.mkdir()
    repo.git("init", "-q")
    repo.commit("feat: first", {"app.py": "x = 1\n"})
    repo.git("tag", "v1.0.0")
    repo._clock += 90 * 86400  # three months later, still working, nothing shipped
    repo.commit("fix: later", {"app.py": "x = 2\n"})
    (repo.path / "cpto.toml").write_text('[deploys]\ntags = "v*"\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["heartbeat", "-w", str(repo.path), "--week", "2026-04-01", "--json", "-q"]
    )
    assert result.exit_code == 0, result.output
    frequency = json.loads(result.stdout)["delivery"]["metrics"]["deployment_frequency"]
    assert frequency["level"] is None
    assert "no level: no deploy in the last 5 weeks" in frequency["basis"]
