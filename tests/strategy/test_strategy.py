"""cpto strategy over real git repositories: hotspots, knowledge concentration and roadmap reach."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpto.cli import app
from cpto.strategy.analysis import area_of, bus_factor

runner = CliRunner()
SINCE = "2025-12-01"  # the conftest clock starts 2026-01-01


def _as(repo, who: str, email: str, message: str, files: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """Commit as another author (the conftest identity is Dana K)."""
    old = {k: os.environ.get(k) for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL")}
    os.environ["GIT_AUTHOR_NAME"], os.environ["GIT_AUTHOR_EMAIL"] = who, email
    try:
        return str(repo.commit(message, files))
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _code(n: int) -> str:
    return "def f():\n" + "".join(f"    if x{i}:\n        y = {i}\n" for i in range(n))


@pytest.fixture
def workspace(make_repo):  # type: ignore[no-untyped-def]
    """One repository: Marco alone writes billing/ (two emails, joined by people.yaml); api/ is shared;
    a PRD whose requirement BIL-1 is named by the commits to the hot billing/dunning.py."""
    r = make_repo("acme")
    r.commit("start", {"README.md": "# Acme\n", "cpto.toml": '[workspace]\nrepos = ["."]\n'})
    for i in range(6):
        email = "marco@acme.example" if i % 2 else "marco.b@laptop.example"
        _as(
            r,
            "Marco B",
            email,
            f"feat(billing): BIL-1 dunning retry step {i}",
            {"billing/dunning.py": _code(10 + i)},
        )
    for who, email, file in [("Li Wei", "li@acme.example", "cart"), ("Sam O", "sam@acme.example", "tax")]:
        _as(r, who, email, f"feat(api): {file}", {f"api/{file}.py": _code(3)})  # equal shares of api/
    r.commit(
        "docs: PRD and people",
        {
            "docs/prd/billing.md": "---\ntitle: Billing\nstart: 2025-12-01\n---\n# Billing\n\n## Requirements\n\n"
            "- BIL-1: Failed card payments are retried with a dunning schedule.\n",
            "people.yaml": "people:\n  - handle: marco\n    name: Marco Bianchi\n    discipline: engineering\n"
            "    emails: [marco@acme.example, marco.b@laptop.example]\n",
        },
    )
    return r


def _roadmap(root: Path) -> None:
    (root / "roadmap.yaml").write_text(
        "items:\n"
        "  - id: RM-1\n    title: Dunning retries\n    horizon: month\n    prd: docs/prd/billing.md\n"
        "    requirements: [BIL-1]\n"
        "  - id: RM-2\n    title: Loyalty points\n    horizon: year\n"
    )


def _run(root: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["strategy", "-w", str(root), "--since", SINCE, "--json", "-q", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_bus_factor_and_area() -> None:
    assert bus_factor([90, 5, 5]) == 1
    assert bus_factor([50, 50]) == 2  # exactly half is not more than half
    assert bus_factor([40, 30, 30]) == 2
    assert bus_factor([]) == 0
    assert area_of("src/billing/core/x.py", 2) == "src/billing"
    assert area_of("api/cart.py", 2) == "api"
    assert area_of("setup.py", 2) == "(root)"


def test_concentration_one_person_with_two_emails(workspace) -> None:  # type: ignore[no-untyped-def]
    data = _run(workspace.path)
    repo = data["repos"][0]
    areas = {a["area"]: a for a in repo["areas"]}
    assert areas["billing"]["authors"] == 1  # two emails, one person by people.yaml
    assert areas["billing"]["top_author"] == "Marco Bianchi"
    assert areas["billing"]["bus_factor"] == 1 and areas["billing"]["concentrated"]
    assert areas["api"]["authors"] == 2 and areas["api"]["bus_factor"] == 2
    assert "docs/prd" not in areas  # only code counts
    assert repo["hotspots"][0]["path"] == "billing/dunning.py"
    assert data["window"]["since"].startswith(SINCE)
    assert repo["commits"] == 10 and repo["code_commits"] == 8
    assert data["items"] is None and "roadmap.yaml" in data["how_to_add"]


def test_no_roadmap_says_what_to_set_up(workspace) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["strategy", "-w", str(workspace.path), "--since", SINCE, "-q", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    assert "no roadmap" in result.stdout and "write roadmap.yaml" in result.stdout
    assert "billing/dunning.py" in result.stdout  # the hotspots are still there


def test_roadmap_item_next_to_its_hotspot(workspace) -> None:  # type: ignore[no-untyped-def]
    _roadmap(workspace.path)
    data = _run(workspace.path)
    items = {i["id"]: i for i in data["items"]}
    assert items["RM-1"]["known"] and items["RM-1"]["requirements"] == ["BIL-1"]
    assert {"repo": "acme", "path": "billing/dunning.py"} in items["RM-1"]["hotspots"]
    assert {"repo": "acme", "area": "billing"} in items["RM-1"]["concentrated_areas"]
    assert items["RM-1"]["commits"] >= 1
    assert not items["RM-2"]["known"] and items["RM-2"]["hotspots"] is None  # unknown, not zero
    assert "no PRD" in items["RM-2"]["reason"]
    text = runner.invoke(
        app, ["strategy", "-w", str(workspace.path), "--since", SINCE, "-q", "-f", "markdown"]
    )
    assert "RM-1" in text.stdout and "cannot tell what it touches" in text.stdout


def test_privacy_hides_names(workspace) -> None:  # type: ignore[no-untyped-def]
    toml = workspace.path / "cpto.toml"
    toml.write_text(toml.read_text() + "\n[privacy]\nperson_scores = false\n")
    for fmt in ("markdown", "json", "html"):
        out = runner.invoke(app, ["strategy", "-w", str(workspace.path), "--since", SINCE, "-q", "-f", fmt])
        assert out.exit_code == 0, out.output
        for name in ("Marco", "Li Wei", "Sam O", "marco@", "li@"):
            assert name not in out.stdout, (fmt, name)
    markdown = runner.invoke(
        app, ["strategy", "-w", str(workspace.path), "--since", SINCE, "-q", "-f", "markdown"]
    )
    assert "one person wrote 100%" in markdown.stdout
    data = _run(workspace.path)
    assert data["person_scores"] is False
    assert all(a["top_author"] is None for a in data["repos"][0]["areas"])


def test_bad_since_is_one_line(workspace) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["strategy", "-w", str(workspace.path), "--since", "last week"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_quiet_window_says_when_last_commit_was(workspace) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["strategy", "-w", str(workspace.path), "--weeks", "1", "-q", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    assert "no commit changed code" in result.stdout and "last commit is from 2026-01-01" in result.stdout


def test_demo_workspace(tmp_path: Path) -> None:
    demo = tmp_path / "acme"
    subprocess.run([sys.executable, "-m", "cpto", "demo", str(demo)], check=True, capture_output=True)
    data = _run(demo)
    assert data["repos"][0]["hotspots"] and data["repos"][0]["areas"]
    items = data["items"]
    assert items and any(i["known"] and i["hotspots"] for i in items)
    assert all(i["reason"] for i in items)
    assert set(data) >= {"window", "repos", "items", "rules", "person_scores", "warnings"}
