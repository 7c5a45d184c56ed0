"""A real-looking repository with no cpto records, set up with ``cpto init``: every report either has
the data for a number or says it is unknown and why, in every format; never a zero or a DORA level
standing in for missing data. What issue 15 asks of pytest, black and httpx, on a repository built here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.cli.test_cli import cpto
from tests.conftest import Repo

from cpto.history.filekinds import CODE, kind_of

WEEK = "2026-01-01"  # the fixture clock's first week: every commit below falls in it


@pytest.fixture
def project(make_repo) -> Repo:  # type: ignore[no-untyped-def]
    """Tagged like pytest (9.1.0, a .dev0 on the way), with a lock file, CI config, docs and a test
    folder not called tests/ beside the code; no PRDs, decisions, incidents, roadmap or people."""
    repo: Repo = make_repo()
    code = "def fixture(request):\n    if request:\n        for x in request:\n            return x\n"
    repo.commit(
        "feat: fixtures",
        {
            "src/_lib/fixtures.py": code,
            "testing/python/fixtures.py": "def test_fixture():\n    assert True\n",
            "uv.lock": "version = 1\n" * 50,
            ".pre-commit-config.yaml": "repos:\n  - repo: local\n",
            "doc/en/index.rst": "Fixtures\n========\n",
        },
    )
    repo.git("tag", "9.1.0")
    repo.commit("chore: start 9.2", {"uv.lock": "version = 2\n" * 50})
    repo.git("tag", "9.2.0.dev0")
    repo.commit(
        "fix: fixture teardown order",
        {
            "src/_lib/fixtures.py": code + "\n\ndef teardown():\n    pass\n",
            "testing/python/fixtures.py": "x = 2\n",
        },
    )
    repo.git("tag", "9.1.1")
    init = cpto("init", "-w", str(repo.path))
    assert init.returncode == 0, init.stderr
    return repo


def run_json(repo: Repo, *args: str) -> Any:
    proc = cpto(*args, "-w", str(repo.path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def walk(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object in ``data`` with where it is."""
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from walk(value, f"{path}[{n}]")


def assert_no_level_without_a_value(data: Any) -> None:
    for where, obj in walk(data):
        if "level" in obj and "value" in obj and obj["value"] is None:
            assert obj["level"] is None, f"{where}: a level for an unknown value: {obj}"
        if obj.get("value") is None and "value" in obj and "reason" in obj:
            assert obj["reason"], f"{where}: unknown without a reason: {obj}"


def test_the_heartbeat_finds_the_deploys_init_detected_and_names_what_is_unknown(project: Repo) -> None:
    data = run_json(project, "heartbeat", "--week", WEEK, "--no-trace")
    assert_no_level_without_a_value(data)
    assert data["delivery"]["deploys"] == ["9.1.0", "9.1.1"]  # the tags init found, the .dev0 left out
    metrics = data["delivery"]["metrics"]
    assert metrics["deployment_frequency"]["value"] is not None
    assert metrics["change_lead_time"]["value"] is not None
    for name in ("change_fail_rate", "failed_deployment_recovery_time", "deployment_rework_rate"):
        assert metrics[name]["value"] is None and "cpto incident new" in metrics[name]["reason"]
    assert data["decisions_past_sla"] is None and data["open_action_items"] is None
    hotspots = [h["path"] for h in data["hotspots"]]
    assert hotspots == ["src/_lib/fixtures.py"]
    assert all(kind_of(p) == CODE for p in hotspots)
    terminal = cpto("heartbeat", "-w", str(project.path), "--week", WEEK, "--no-trace", "-q").stdout
    for path in ("uv.lock", ".pre-commit-config.yaml", "testing/python"):
        assert path not in terminal, path
    fail_rate = next(line for line in terminal.splitlines() if line.startswith("change fail rate"))
    assert "unknown" in fail_rate and "%" not in fail_rate


def test_people_and_history_say_disciplines_are_unknown_not_that_everyone_is_outside_engineering(
    project: Repo,
) -> None:
    people = run_json(project, "people")
    assert_no_level_without_a_value(people)
    history = run_json(project, "history")
    assert history["rules"] == people["rules"]  # one count rule, said in both
    text = cpto("people", "-w", str(project.path)).stdout
    assert "unknown: no discipline set in people.yaml" in text  # init's draft leaves disciplines to people
    assert "unknown: no manager set in people.yaml" in text


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (("decision", "list"), "cpto decision new"),
        (("incident", "list"), "cpto incident new"),
        (("actions",), "cpto incident new"),
        (("timeline",), "unknown"),
        (("precision", "--decisions"), "decision"),
    ],
)
def test_records_reports_say_what_is_missing_and_how_to_start_it(
    project: Repo, command: tuple[str, ...], reason: str
) -> None:
    proc = cpto(*command, "-w", str(project.path))
    assert proc.returncode == 0, proc.stderr
    assert reason in proc.stdout + proc.stderr
    assert_no_level_without_a_value(run_json(project, *command))


def test_check_lists_the_set_up_gaps_init_could_not_fill(project: Repo) -> None:
    data = run_json(project, "check")
    gaps = [p["message"] for p in data["problems"] if p["message"].startswith("set-up: ")]
    assert any("no PRDs" in g for g in gaps) and any("no incidents yet" in g for g in gaps)
    assert not any("no deploys" in g for g in gaps)  # init found the release tags
