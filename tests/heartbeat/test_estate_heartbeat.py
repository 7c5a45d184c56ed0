"""The heartbeat of an estate: every repository's deploys, effort and hotspots pooled, each named by its
repository; with one repository the heartbeat is what it always was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app

runner = CliRunner()
BODY = "def f(x):\n    if x:\n        for y in x:\n            if y:\n                return y\n    return None\n"


def make_estate(root: Path, repos: list[str]) -> dict[str, Repo]:
    """api (tags v1.0, v1.1), web (tag v2.0), infra (no tag): commits in 2026-W01."""
    made = {}
    for n, name in enumerate(("api", "web", "infra")):
        repo = Repo(root / name)
        repo.path.mkdir(parents=True)
        repo.git("init", "-q")
        for i in range(n + 2):
            repo.commit(f"feat: {name} change {i}", {f"src/{name}.py": BODY + f"# {i}\n" * (i + 1)})
            if name == "api" and i in (0, 1):
                repo.git("tag", f"v1.{i}")
            if name == "web" and i == 2:
                repo.git("tag", "v2.0")
        made[name] = repo
    (root / "cpto.toml").write_text(
        "[workspace]\nrepos = [" + ", ".join(f'"{r}"' for r in repos) + ']\n[deploys]\ntags = "v*"\n',
        encoding="utf-8",
    )
    return made


def beat(root: Path) -> dict[str, Any]:
    indexed = runner.invoke(app, ["index", "-w", str(root), "--json"])
    assert indexed.exit_code == 0, indexed.output
    result = runner.invoke(app, ["heartbeat", "-w", str(root), "--week", "2026-W01", "--no-trace", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_deploys_are_pooled_and_named_by_their_repository(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api", "web", "infra"])
    data = beat(tmp_path)
    deploys = data["delivery"]["metrics"]["deployment_frequency"]["deploys"]
    assert sorted(deploys) == ["api:v1.0", "api:v1.1", "web:v2.0"]
    assert data["delivery"]["metrics"]["deployment_frequency"]["value"] == 3.0
    assert "1 with no deploy" in data["deploy_source"] and "infra" in data["deploy_source"]
    leads = data["delivery"]["metrics"]["change_lead_time"]["commits"]
    assert {lead["deploy"] for lead in leads} == {"api:v1.0", "api:v1.1", "web:v2.0"}
    assert len(leads) == 2 + 3  # api's two commits, web's three: each change once, in its own repository


def test_effort_is_summed_and_each_repository_says_its_share(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api", "web", "infra"])
    data = beat(tmp_path)
    this_week = data["effort"][-1]
    assert sum(this_week["commits"].values()) == 2 + 3 + 4
    assert data["repositories"] == [
        {"name": "api", "commits": 2, "deploys": 2, "deploys_ever": 2},
        {"name": "web", "commits": 3, "deploys": 1, "deploys_ever": 1},
        {"name": "infra", "commits": 4, "deploys": 0, "deploys_ever": 0},
    ]


def test_hotspots_are_ranked_across_repositories_with_their_name(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api", "web", "infra"])
    data = beat(tmp_path)
    paths = [h["path"] for h in data["hotspots"]]
    assert paths[0] == "infra/src/infra.py"  # the most changed file of the estate
    assert set(paths) == {"api/src/api.py", "web/src/web.py", "infra/src/infra.py"}
    markers = data["debt"][-1]["markers"] if "debt" in data else None
    assert markers in (0, None)


def test_no_deploys_anywhere_stays_unknown_and_says_so(tmp_path: Path) -> None:
    make_estate(tmp_path, ["infra", "web"])
    (tmp_path / "cpto.toml").write_text(
        '[workspace]\nrepos = ["infra", "web"]\n[deploys]\ntags = "release-*"\n', encoding="utf-8"
    )
    data = beat(tmp_path)
    frequency = data["delivery"]["metrics"]["deployment_frequency"]
    assert frequency["value"] is None
    assert "no deploys in any of 2 repositories" in frequency["reason"]


def test_one_repository_is_reported_as_before(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api"])
    data = beat(tmp_path)
    assert "repositories" not in data
    assert data["delivery"]["metrics"]["deployment_frequency"]["deploys"] == ["v1.0", "v1.1"]
    assert [h["path"] for h in data["hotspots"]] == ["src/api.py"]
    assert data["deploy_source"] == "tags matching `v*`"
