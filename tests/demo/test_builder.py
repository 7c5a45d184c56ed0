"""The demo workspace: a deterministic, realistic git history plus the records cpto reads."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from cpto.demo import DemoSummary, build_demo
from cpto.demo.content import REQUIREMENT_STATUS


def git(repo: Path, *args: str) -> str:
    """Run git with no user or system configuration; return stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def front_matter(text: str) -> dict[str, object]:
    """YAML between the leading '---' lines."""
    assert text.startswith("---\n")
    block = text.split("---\n", 2)[1]
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return build_demo(tmp_path_factory.mktemp("demo") / "acme")


def test_summary_matches_repository(demo: DemoSummary) -> None:
    commits = int(git(demo.path, "rev-list", "--all", "--count"))
    assert demo.commits == commits
    assert 300 <= commits <= 420
    assert demo.tags == sorted(git(demo.path, "tag", "-l", "v*").split(), key=demo.tags.index)
    assert set(demo.tags) == set(git(demo.path, "tag", "-l", "v*").split())
    assert demo.prds == ["docs/prd/billing-dunning.md", "docs/prd/checkout.md", "docs/prd/onboarding.md"]
    people = yaml.safe_load((demo.path / "people.yaml").read_text())["people"]
    assert demo.people == len(people) >= 8


def test_same_seed_same_history(demo: DemoSummary, tmp_path: Path) -> None:
    target = tmp_path / "again"
    target.mkdir()  # an existing empty folder is fine
    again = build_demo(target)
    assert git(again.path, "rev-parse", "HEAD") == git(demo.path, "rev-parse", "HEAD")
    refs = "for-each-ref", "--format=%(refname) %(objectname)"
    assert git(again.path, *refs) == git(demo.path, *refs)
    recorded = sorted(p.relative_to(demo.path) for p in (demo.path / "github").rglob("*.json"))
    assert recorded and recorded == sorted(
        p.relative_to(again.path) for p in (again.path / "github").rglob("*.json")
    )
    assert all((demo.path / p).read_bytes() == (again.path / p).read_bytes() for p in recorded)
    other = build_demo(tmp_path / "other", seed=8)
    assert git(other.path, "rev-parse", "HEAD") != git(demo.path, "rev-parse", "HEAD")


def test_work_tree_is_clean_on_main_but_for_todays_alarm(demo: DemoSummary) -> None:
    # The stop cord pulled the day the demo is built stays uncommitted, as `cpto alarm raise` leaves it.
    # So does the recorded GitHub data (github/acme/shop/), for `cpto github import github`.
    assert git(demo.path, "status", "--porcelain") == "?? alarms/\n?? github/\n"
    assert git(demo.path, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert (demo.path / "README.md").read_text().count("generated demo data") == 1


def test_refuses_non_empty_or_file(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError):
        build_demo(tmp_path / "busy")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError):
        build_demo(tmp_path / "file")


def test_people_and_identities(demo: DemoSummary) -> None:
    people = yaml.safe_load((demo.path / "people.yaml").read_text())["people"]
    known = {email for person in people for email in person["emails"]}
    authors = set(git(demo.path, "log", "--all", "--format=%ae").split())
    assert len(authors) >= 8
    humans = {a for a in authors if "[bot]" not in a}
    assert humans <= known
    assert {"product", "design", "engineering", "data"} <= {p["discipline"] for p in people}
    assert [p["role"] for p in people].count("CEO") == 1
    two = [p for p in people if len(p["emails"]) > 1]
    assert two and set(two[0]["emails"]) <= authors
    # Product and design people commit too, not only docs.
    touched = git(demo.path, "log", "--all", "--author=aiko@", "--name-only", "--format=")
    assert "web/src/styles/" in touched


def test_timestamps_are_working_days_in_several_zones(demo: DemoSummary) -> None:
    rows = git(demo.path, "log", "--all", "--format=%H %P|%at|%aI|%ae").splitlines()
    when = {row.split("|")[0].split()[0]: int(row.split("|")[1]) for row in rows}
    zones = set()
    for row in rows:
        shas, epoch, iso, email = row.split("|")
        stamp = datetime.fromisoformat(iso)
        zones.add(iso[-6:])
        assert date(2026, 8, 24) <= stamp.date() <= date(2026, 11, 13)
        assert stamp.weekday() < 5
        if "[bot]" not in email:
            assert 9 <= stamp.hour <= 22
        for parent in shas.split()[1:]:
            assert when[parent] <= int(epoch)
    assert {"+05:30", "-05:00", "+01:00"} <= zones


def test_tags_point_at_commits(demo: DemoSummary) -> None:
    kinds = set()
    for tag in demo.tags:
        assert re.fullmatch(r"v\d+\.\d+\.\d+", tag)
        assert git(demo.path, "cat-file", "-t", f"{tag}^{{commit}}").strip() == "commit"
        kinds.add(git(demo.path, "cat-file", "-t", tag).strip())
    assert kinds == {"tag", "commit"}  # annotated releases and lightweight hotfix tags
    assert {"v1.0.0", "v1.3.1"} <= set(demo.tags)


def test_merges_and_branches(demo: DemoSummary) -> None:
    assert int(git(demo.path, "rev-list", "--all", "--merges", "--count")) >= 3
    branches = set(git(demo.path, "branch", "--format=%(refname:short)").split())
    assert {"main", "feature/gift-cards"} <= branches
    unmerged = subprocess.run(
        ["git", "merge-base", "--is-ancestor", "feature/gift-cards", "main"], cwd=demo.path, check=False
    )
    assert unmerged.returncode == 1
    subjects = git(demo.path, "log", "--format=%s", "main").splitlines()
    conventional = [
        s for s in subjects if re.match(r"^(feat|fix|refactor|chore|ci|docs|perf|test)(\(.+\))?: ", s)
    ]
    assert 0.4 < len(conventional) / len(subjects) < 0.9
    assert any(re.search(r"\(CHK-\d+\)", s) for s in subjects)
    assert any(re.search(r"#\d+", s) for s in subjects)


def test_renames_and_binary_files_in_history(demo: DemoSummary) -> None:
    numstat = git(demo.path, "log", "--all", "--numstat", "-M", "--format=").splitlines()
    assert any("=>" in line for line in numstat)
    assert any(line.startswith("-\t-\t") and line.endswith(".png") for line in numstat)
    lock_commits = git(demo.path, "log", "--format=%H", "--", "web/package-lock.json").split()
    assert len(lock_commits) >= 3  # dependency bumps move the lock file


def test_roadmap_has_its_own_history(demo: DemoSummary) -> None:
    shas = git(demo.path, "log", "--format=%H", "--", "roadmap.yaml").split()
    assert len(shas) >= 3
    first = yaml.safe_load(git(demo.path, "show", f"{shas[-1]}:roadmap.yaml"))["items"]
    last = yaml.safe_load(git(demo.path, "show", f"{shas[0]}:roadmap.yaml"))["items"]
    before = {item["id"]: item["horizon"] for item in first}
    after = {item["id"]: item["horizon"] for item in last}
    moved = [rid for rid in before if before[rid] != after[rid]]
    stuck = [rid for rid in before if before[rid] == after[rid]]
    assert moved and stuck
    assert all(item["prd"].startswith("docs/prd/") for item in last)


def test_prds_have_front_matter_and_requirements(demo: DemoSummary) -> None:
    for rel in demo.prds:
        text = (demo.path / rel).read_text()
        meta = front_matter(text)
        assert {"title", "owner", "status", "target"} <= set(meta)
    checkout = (demo.path / "docs/prd/checkout.md").read_text()
    assert {f"CHK-{i}" for i in range(1, 9)} <= set(re.findall(r"CHK-\d+", checkout))
    dunning = (demo.path / "docs/prd/billing-dunning.md").read_text()
    assert re.search(r"^\| DUN-1 \|", dunning, re.M)
    onboarding = (demo.path / "docs/prd/onboarding.md").read_text()
    assert "## User stories" in onboarding and "## Acceptance criteria" in onboarding


def test_ground_truth_covers_the_prd_ids(demo: DemoSummary) -> None:
    ids = set()
    for rel in demo.prds:
        ids |= set(re.findall(r"\b(?:CHK|DUN)-\d+\b", (demo.path / rel).read_text()))
    assert ids == {key for key in REQUIREMENT_STATUS if not key.startswith("onboarding")}
    assert set(REQUIREMENT_STATUS.values()) == {"shipped", "in-progress", "not-started"}


def test_decision_records(demo: DemoSummary) -> None:
    people = yaml.safe_load((demo.path / "people.yaml").read_text())["people"]
    emails = {p["handle"]: p["emails"][0] for p in people}
    files = sorted((demo.path / "decisions").glob("*.md"))
    assert 6 <= len(files) <= 8
    statuses = set()
    for path in files:
        text = path.read_text()
        meta = front_matter(text)
        statuses.add(meta["status"])
        assert meta["point"] in emails and "## Discussion" in text
        added_by = git(
            demo.path, "log", "--diff-filter=A", "--format=%ae", "--", f"decisions/{path.name}"
        ).split()
        assert added_by == [emails[str(meta["point"])]]
    assert {"decided", "appealed", "upheld", "overturned", "proposed"} <= statuses


def test_incidents_point_at_real_changes(demo: DemoSummary) -> None:
    files = sorted((demo.path / "incidents").glob("*.md"))
    assert 2 <= len(files) <= 3
    severities = tomllib.loads((demo.path / "cpto.toml").read_text())["incidents"]["severities"]
    for path in files:
        text = path.read_text()
        meta = front_matter(text)
        assert meta["severity"] in severities
        git(demo.path, "rev-parse", "--verify", "--quiet", f"{meta['caused_by']}^{{commit}}")
        for kind in ("started", "detected", "acknowledged", "mitigated", "resolved"):
            assert re.search(rf"^- 2026-\d\d-\d\d \d\d:\d\d {kind}: ", text, re.M)


def test_workspace_config(demo: DemoSummary) -> None:
    config = tomllib.loads((demo.path / "cpto.toml").read_text())
    assert config["workspace"]["name"] == "Acme"
    assert config["workspace"]["repos"] == ["."]
    assert config["deploys"]["tags"] == "v*"
    assert config["working_agreement"]["appeals_to"] == "ceo"
