"""The demo's recorded GitHub data: consistent with its history, and what makes the review name the pull
requests that close the issues its requirements cite."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cpto.demo import DemoSummary, build_demo
from cpto.github import shapes
from cpto.github import store as gh
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.review.service import load_prds, review
from cpto.review.trace import TraceResult
from cpto.workspace import load_workspace


def git(repo: Path, *args: str) -> str:
    """Run git with no user or system configuration; return stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout


FULL_NAME = "acme/shop"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return build_demo(tmp_path_factory.mktemp("demo") / "acme")


def recorded(demo: DemoSummary, name: str) -> Any:
    return json.loads((demo.path / "github" / "acme" / "shop" / name).read_text())


def save_recorded(con: Any, repo_id: int, folder: Path) -> None:
    """The recorded files as rows, through the one parser sync and import share (not the importer)."""

    def page(name: str) -> list[shapes.Item]:
        path = folder / name
        return shapes.items(json.loads(path.read_text()), str(path))

    pulls = [shapes.pull_request(repo_id, item, FULL_NAME) for item in page("pulls.json")]
    gh.save(con, pulls)
    for p in pulls:
        gh.save(
            con, [shapes.pull_commit(repo_id, p.number, i) for i in page(f"pulls/{p.number}/commits.json")]
        )
        reviews = [shapes.review(repo_id, p.number, i) for i in page(f"pulls/{p.number}/reviews.json")]
        gh.save(con, [r for r in reviews if r is not None])
    gh.save(con, [shapes.issue(repo_id, i) for i in page("issues.json") if not shapes.is_pull(i)])
    gh.save(con, [shapes.release(repo_id, i) for i in page("releases.json")])
    gh.save(
        con,
        [
            shapes.deployment(repo_id, i, page(f"deployments/{i.int('id')}/statuses.json"))
            for i in page("deployments.json")
        ],
    )


def test_the_repository_has_the_remote_its_data_belongs_to(demo: DemoSummary) -> None:
    assert git(demo.path, "remote", "get-url", "origin").strip() == "https://github.com/acme/shop.git"


def test_pull_requests_match_the_merges_and_squash_merges(demo: DemoSummary) -> None:
    pulls = recorded(demo, "pulls.json")
    numbers = [p["number"] for p in pulls]
    merges = git(demo.path, "log", "--merges", "--format=%H %s", "main").splitlines()
    by_merge = {line.split()[0]: line for line in merges if "Merge pull request #" in line}
    assert len(by_merge) == 3
    landed = {p["merge_commit_sha"]: p for p in pulls}
    for sha, line in by_merge.items():
        assert f"#{landed[sha]['number']} " in line  # the merge's number is the pull request's
    squashes = git(demo.path, "log", "--no-merges", "--format=%H %s", "main").splitlines()
    assert sum(1 for s in squashes if s.endswith(")") and "(#" in s) == len(pulls) - 3
    assert len(set(numbers)) == len(numbers) and min(numbers) > 100
    for p in pulls:
        shas = [c["sha"] for c in recorded(demo, f"pulls/{p['number']}/commits.json")]
        assert shas and all(git(demo.path, "cat-file", "-t", s).strip() == "commit" for s in shas)
        assert p["created_at"] <= p["merged_at"]


def test_reviews_are_by_people_of_the_workspace_and_not_by_the_author(demo: DemoSummary) -> None:
    handles = {p["handle"] for p in yaml.safe_load((demo.path / "people.yaml").read_text())["people"]}
    for p in recorded(demo, "pulls.json"):
        reviews = recorded(demo, f"pulls/{p['number']}/reviews.json")
        assert reviews
        for r in reviews:
            assert r["user"]["login"] in handles and r["user"]["login"] != p["user"]["login"]
            assert p["created_at"] <= r["submitted_at"] <= p["merged_at"]


def test_issues_releases_and_deployments(demo: DemoSummary) -> None:
    issues = recorded(demo, "issues.json")
    incidents = [i for i in issues if {"name": "incident"} in i["labels"]]
    assert len(incidents) == len(list((demo.path / "incidents").glob("*.md"))) == 3
    pull_numbers = {p["number"] for p in recorded(demo, "pulls.json")}
    assert not {i["number"] for i in issues} & pull_numbers  # one sequence of numbers
    assert {12, 19, 23, 31} <= {i["number"] for i in issues}
    tags = set(demo.tags)
    assert {r["tag_name"] for r in recorded(demo, "releases.json")} == tags
    deployments = recorded(demo, "deployments.json")
    assert {d["ref"] for d in deployments} == tags and {d["environment"] for d in deployments} == {
        "production"
    }
    for d in deployments:
        assert git(demo.path, "rev-parse", f"{d['ref']}^{{commit}}").strip() == d["sha"]
        assert recorded(demo, f"deployments/{d['id']}/statuses.json")[0]["state"] == "success"


def reviewed(demo: DemoSummary, index: Path, with_github: bool) -> TraceResult:
    config = load_workspace(demo.path)
    prds = load_prds(sorted(demo.path.glob("docs/prd/*.md")))
    with store.open_index(index) as con:
        index_repository(con, demo.path)
        if with_github:
            save_recorded(con, store.indexed_repo_id(con, demo.path), demo.path / "github" / "acme" / "shop")
        return review(con, demo.path, prds, records=config.record_paths)


def test_the_review_links_requirements_citing_issues_to_the_pull_requests_closing_them(
    demo: DemoSummary, tmp_path: Path
) -> None:
    pulls = {p["head"]["ref"]: p for p in recorded(demo, "pulls.json")}
    expected = {"DUN-1": ("feature/dunning-retries", 12), "CHK-3": ("feature/saved-cards", 23)}
    expected["CHK-4"] = ("feature/wallets", 31)  # cited by its URL
    result = reviewed(demo, tmp_path / "with.duckdb", with_github=True)
    by_id = {t.requirement.id: t for t in result.requirements}
    for rid, (branch, issue) in expected.items():
        ref = f"#{pulls[branch]['number']}"
        link = next(x for x in by_id[rid].links if x.kind == "pr" and x.ref == ref)
        assert link.explicit and link.linked and link.why.startswith(f"closes #{issue}"), link
        assert link.url == pulls[branch]["html_url"]
    # DUN-2's issue (#19) is closed by a squash merge and only mentioned by the retries pull request.
    dun2 = {x.ref: x for x in by_id["DUN-2"].links if x.kind == "pr"}
    assert any(x.why.startswith("closes #19") for x in dun2.values())
    retries = f"#{pulls['feature/dunning-retries']['number']}"
    assert dun2[retries].why.startswith("references #19")
    # Without the data, none of those pull requests is an explicit link.
    without = {t.requirement.id: t for t in reviewed(demo, tmp_path / "without.duckdb", False).requirements}
    for rid in expected:
        assert not any(x.why.startswith("closes #") for x in without[rid].links)
