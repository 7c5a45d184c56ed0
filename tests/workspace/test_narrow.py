"""Narrowing reports to a team: the commits its people authored, wherever they landed (issue 19)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app

runner = CliRunner()

PEOPLE = """people:
  - handle: ana
    name: Ana Silva
    discipline: engineering
    team: Payments
    emails: [ana@acme.example]
  - handle: bo
    name: Bo Chen
    discipline: engineering
    team: Search
    emails: [bo@acme.example]
    aliases: [bo-laptop]
"""


def commit_as(repo: Repo, name: str, email: str, message: str, files: dict[str, str]) -> None:
    saved = {k: os.environ.get(k) for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL")}
    os.environ.update({"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email})
    try:
        repo.commit(message, files)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def estate(make_repo) -> Path:  # type: ignore[no-untyped-def]
    api = make_repo("api")
    commit_as(api, "Ana Silva", "ana@acme.example", "feat: charge cards", {"pay.py": "x = 1\n"})
    commit_as(api, "Ana Silva", "ANA@acme.example", "fix: refunds", {"pay.py": "x = 2\n"})
    commit_as(api, "bo-laptop", "bo@home.example", "feat: search box", {"search.py": "y = 1\n"})
    web = make_repo("web")
    commit_as(web, "Bo Chen", "bo@acme.example", "feat: results page", {"page.py": "z = 1\n"})
    commit_as(web, "Ana Silva", "ana@acme.example", "fix: card form", {"form.py": "w = 1\n"})
    commit_as(web, "Stranger", "who@else.example", "docs: readme", {"README.md": "hi\n"})
    root = api.path.parent
    (root / "cpto.toml").write_text('[workspace]\nrepos = ["api", "web"]\n', encoding="utf-8")
    (root / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    return root


def history(root: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["history", "-w", str(root), "--json", "-q", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def commits(data: dict[str, object]) -> dict[str, int]:
    return {Path(r["path"]).name: r["commits"] for r in data["repos"]}  # type: ignore[attr-defined]


def test_a_team_sees_its_peoples_commits_in_every_repository(estate: Path) -> None:
    assert commits(history(estate)) == {"api": 3, "web": 3}
    payments = history(estate, "--team", "payments")  # the team's name without case
    assert commits(payments) == {"api": 2, "web": 1}  # Ana's, by her email in any case
    assert payments["narrowed_to"] == "team payments"
    assert commits(history(estate, "--team", "Search")) == {"api": 1, "web": 1}  # Bo by alias, then email


def test_a_team_within_one_repository(estate: Path) -> None:
    assert commits(history(estate, "--team", "Search", "--only", "web")) == {"web": 1}


def test_a_narrowed_report_says_so_where_people_read_it(estate: Path) -> None:
    result = runner.invoke(
        app, ["history", "-w", str(estate), "--team", "Search", "--format", "markdown", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "narrowed to team Search: these figures are that part of the workspace" in result.stdout


def test_an_unknown_team_is_one_line_naming_the_teams(estate: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "history", "-w", str(estate), "--team", "Payment", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "did you mean Payments?" in proc.stderr and "Search" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_the_heartbeat_counts_the_teams_effort(estate: Path) -> None:
    def effort(*args: str) -> int:
        result = runner.invoke(
            app, ["heartbeat", "-w", str(estate), "--week", "2026-01-01", "--json", "-q", "--no-trace", *args]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return int(sum(data["effort"][-1]["commits"].values()))

    assert effort() == 6
    assert effort("--team", "Payments") == 3


def test_a_team_keeps_the_releases_tagged_by_someone_else(estate: Path) -> None:
    """Tags, releases and what reaches what are the repository's whole graph: a release tagged on a
    commit outside the team still ships the team's commits before it."""
    api = Repo(estate / "api")
    api.git("tag", "v1.0")  # on Bo's commit, after Ana's
    full = history(estate)
    payments = history(estate, "--team", "Payments")
    assert [r["tag"] for r in payments["releases"]] == [r["tag"] for r in full["releases"]] == ["v1.0"]  # type: ignore[index]
    beat = runner.invoke(
        app,
        [
            "heartbeat",
            "-w",
            str(estate),
            "--week",
            "2026-01-01",
            "--json",
            "-q",
            "--no-trace",
            "--team",
            "Payments",
        ],
    )
    assert beat.exit_code == 0, beat.output
    deploys = json.loads(beat.stdout)["delivery"]
    assert "v1.0" in json.dumps(deploys)
