"""``cpto init`` driven like a user: set up a repository, then the heartbeat and the review find its deploys."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import assert_clean_error, cpto
from tests.conftest import Repo

PRD = """---
title: Tax
owner: dana
start: 2025-12-01
---
# Tax

## Requirements
### TAX-1: Tax summary
The order summary shows the tax of the order.

### TAX-2: Tax exemption
Exempt customers pay no tax on the order.
"""


def _pytest_like(make_repo) -> Repo:  # type: ignore[no-untyped-def]
    """Releases tagged like pytest's (9.1.0), a .dev0 tag on the way, and a PRD in docs/prd."""
    repo: Repo = make_repo()
    repo.commit("docs: tax prd", {"docs/prd/tax.md": PRD})
    repo.commit("feat: tax summary TAX-1", {"api/tax.py": "def tax_summary(order):\n    return order.tax\n"})
    repo.git("tag", "9.1.0")
    repo.commit("chore: start 9.2", {"setup.cfg": "[metadata]\n"})
    repo.git("tag", "9.2.0.dev0")
    repo.commit("fix: tax summary rounding TAX-1", {"api/tax.py": "def tax_summary(order):\n    return 1\n"})
    repo.git("tag", "9.1.1")
    return repo


def test_init_then_heartbeat_and_review_find_the_deploys(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _pytest_like(make_repo)
    proc = cpto("init", "-w", str(repo.path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # what it did goes to standard error
    assert f"wrote {repo.path / 'cpto.toml'}" in proc.stderr
    assert 'deploys: tags = "[0-9]*.[0-9]" matches 2 of 3 tags' in proc.stderr
    assert "PRDs: 1 found (docs/prd/**/*.md)" in proc.stderr
    assert "no incidents yet (incidents/)" in proc.stderr and "cpto incident new" in proc.stderr
    assert (repo.path / "people.yaml").read_text().count("- handle:") == 1

    week = "2026-01-01"  # the fixture's clock starts here
    data = json.loads(cpto("heartbeat", "-w", str(repo.path), "--week", week, "--json", "--no-trace").stdout)
    assert data["delivery"]["deploys"] == ["9.1.0", "9.1.1"]  # not the .dev0 tag
    assert data["delivery"]["metrics"]["change_lead_time"]["value"] is not None

    review = cpto("review", "-w", str(repo.path), "--json")
    assert review.returncode == 0, review.stderr
    requirements = {r["id"]: r for r in json.loads(review.stdout)["requirements"]}
    assert requirements["TAX-1"]["status"] == "shipped" and requirements["TAX-1"]["release"] == "9.1.1"

    check = cpto("check", "-w", str(repo.path))
    assert "Traceback" not in check.stderr


def test_an_existing_cpto_toml_is_kept_unless_forced(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _pytest_like(make_repo)
    (repo.path / "cpto.toml").write_text('[deploys]\ntags = "v*"\n')
    proc = cpto("init", "--workspace", str(repo.path))
    assert_clean_error(proc, "cpto.toml: already exists; nothing was written (--force replaces it)")
    assert (repo.path / "cpto.toml").read_text() == '[deploys]\ntags = "v*"\n'
    (repo.path / "people.yaml").write_text("people:\n  - handle: li\n")
    proc = cpto("init", "-w", str(repo.path), "--force")
    assert proc.returncode == 0, proc.stderr
    assert 'tags = "[0-9]*.[0-9]"' in (repo.path / "cpto.toml").read_text()
    assert (repo.path / "people.yaml").read_text() == "people:\n  - handle: li\n"  # never replaced
    assert "people.yaml" not in proc.stderr.split("\n")[1]  # no "wrote people.yaml" line


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    proc = cpto("init", "-w", str(tmp_path / "nowhere"))
    assert_clean_error(proc, "nowhere: workspace folder does not exist")
    assert not (tmp_path / "nowhere").exists()


def test_a_folder_of_repositories_lists_them(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api: Repo = make_repo("api")
    api.commit("feat: a", {"a.py": "a = 1\n"})
    api.git("tag", "v1.0.0")
    web: Repo = make_repo("web")
    web.commit("feat: b", {"b.py": "b = 1\n"})
    proc = cpto("init", "-w", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "cpto.toml").read_text()
    assert 'repos = ["api", "web"]' in text and 'tags = "v[0-9]*"' in text
    index = cpto("index", "-w", str(tmp_path), "--json")
    assert index.returncode == 0, index.stderr


def test_help_teaches_with_one_example_per_line() -> None:
    proc = cpto("init", "--help")
    assert proc.returncode == 0
    for example in ("cpto init", "cpto init --workspace ../pytest", "cpto init -w acme --force"):
        assert any(line.strip() == example for line in proc.stdout.splitlines()), example
    assert "--force" in proc.stdout and "never replaced" in proc.stdout
