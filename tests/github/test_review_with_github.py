"""The product review with GitHub's pull requests in the index: their text, the units git alone misses,
and requirements that cite issues linked to the pull requests that close them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpto.cli import app
from cpto.github import store as gh
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.review.prd import read_prd
from cpto.review.service import review
from cpto.review.trace import RequirementTrace, TraceResult

PRD = """\
---
start: 2025-12-01
---
# Billing

## Requirements

### BIL-1: Card retries
Renewals that fail are tried again later. Tracks #7.

### BIL-2: Receipts
Receipts reach the customer. See https://github.com/acme/shop/issues/8 for the report.

### BIL-3: Dunning emails
Customers hear about a failed payment. Mentioned in #9.

### BIL-4: Spreadsheet export
Finance exports the ledger as a spreadsheet.

### BIL-5: Foreign receipts
Receipts for another shop. See https://github.com/other/shop/issues/8.
"""

URL = "https://github.com/acme/shop"
WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def pull(repo_id: int, number: int, title: str, body: str, **kw: object) -> gh.PullRequest:
    """A merged pull request row as the sync stores it."""
    fields: dict[str, object] = {
        "repo_id": repo_id,
        "number": number,
        "title": title,
        "body": body,
        "author": "sam",
        "state": "closed",
        "draft": False,
        "created_at": WHEN,
        "updated_at": WHEN,
        "merged_at": WHEN,
        "closed_at": WHEN,
        "base_ref": "main",
        "head_ref": f"feature/{number}",
        "merge_commit_sha": None,
        "labels": (),
        "closes": (),
        "references": (),
        "url": f"{URL}/pull/{number}",
    }
    fields.update(kw)
    return gh.PullRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture
def shop(make_repo):  # type: ignore[no-untyped-def]
    """A repository with a merged pull request (#12), a rebase merge git cannot see (#14), a squash
    merge (#15) and a pull request whose commits say nothing (#16); returns (repo, shas)."""
    r = make_repo("shop")
    r.git("remote", "add", "origin", f"{URL}.git")
    shas: dict[str, str] = {}
    r.commit("chore: scaffold", {"app/__init__.py": "", "docs/prd/billing.md": PRD})
    r.git("checkout", "-q", "-b", "feature/attempts")
    shas["wip"] = r.commit("wip", {"app/attempts.py": "def attempt(charge):\n    return charge\n"})
    r.git("checkout", "-q", "main")
    shas["merge12"] = r.merge("feature/attempts", "Merge pull request #12 from acme/feature/attempts")
    shas["r1"] = r.commit("add mailer", {"app/mailer.py": "def send(to):\n    return to\n"})
    shas["r2"] = r.commit("template", {"app/templates.py": "BODY = 'thanks'\n"})
    shas["squash"] = r.commit("notify customers (#15)", {"app/notify.py": "def notify():\n    pass\n"})
    shas["x1"] = r.commit("more", {"app/tables.py": "def rows():\n    return []\n"})
    return r, shas


def traced(r, shas: dict[str, str], tmp_path: Path, with_github: bool) -> TraceResult:  # type: ignore[no-untyped-def]
    prd = r.path / "docs/prd/billing.md"
    with store.open_index(tmp_path / f"index-{with_github}.duckdb") as con:
        index_repository(con, r.path)
        if with_github:
            save_github(con, store.indexed_repo_id(con, r.path), shas)
        return review(con, r.path, [read_prd(prd)], records=[prd])


def save_github(con, repo_id: int, shas: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    gh.save(
        con,
        [
            pull(
                repo_id,
                12,
                "Retry failed card charges",
                "Closes #7",
                merge_commit_sha=shas["merge12"],
                closes=(7,),
            ),
            pull(
                repo_id,
                14,
                "Send receipts",
                f"Fixes {URL}/issues/8",
                merge_commit_sha=shas["r2"],
                closes=(8,),
            ),
            pull(
                repo_id,
                15,
                "Notify customers",
                "Related to #9",
                merge_commit_sha=shas["squash"],
                references=(9,),
            ),
            pull(
                repo_id,
                16,
                "Export ledger spreadsheet",
                "Finance exports the ledger",
                merge_commit_sha=shas["x1"],
            ),
        ],
    )
    # GitHub lists a rebase-merged pull request's commits as they were on the branch (other SHAs).
    gh.save(con, [gh.PullCommit(repo_id, 14, "a" * 40), gh.PullCommit(repo_id, 14, "b" * 40)])
    gh.save(
        con,
        [
            gh.Issue(
                repo_id,
                7,
                "Charges are never retried",
                "",
                "dana",
                "closed",
                (),
                WHEN,
                WHEN,
                WHEN,
                f"{URL}/issues/7",
            ),
        ],
    )


def by_id(result: TraceResult) -> dict[str, RequirementTrace]:
    return {t.requirement.id: t for t in result.requirements}


def prs(t: RequirementTrace) -> dict[str, object]:
    return {link.ref: link for link in t.links if link.kind == "pr"}


def test_a_requirement_citing_an_issue_links_the_pull_request_that_closes_it(shop, tmp_path):
    r, shas = shop
    without = by_id(traced(r, shas, tmp_path, with_github=False))
    assert "#12" not in prs(without["BIL-1"])  # git alone: nothing says #12 is about issue 7
    result = traced(r, shas, tmp_path, with_github=True)
    t = by_id(result)["BIL-1"]
    link = prs(t)["#12"]
    assert link.linked and link.explicit  # type: ignore[attr-defined]
    assert link.why.startswith("closes #7")  # type: ignore[attr-defined]
    assert link.url == f"{URL}/pull/12"  # type: ignore[attr-defined]
    commit = next(x for x in t.links if x.kind == "commit" and x.ref == shas["wip"])
    assert commit.explicit and commit.why == "pull request #12 closes #7"
    assert result.subjects["#12"] == "Retry failed card charges"  # GitHub's title, not the merge's


def test_a_rebase_merge_git_cannot_see_becomes_a_unit_and_an_issue_url_links_it(shop, tmp_path):
    r, shas = shop
    t = by_id(traced(r, shas, tmp_path, with_github=True))["BIL-2"]
    assert prs(t)["#14"].why.startswith("closes #8")  # type: ignore[attr-defined]
    linked = {x.ref for x in t.linked("commit") if x.explicit}
    assert {shas["r1"], shas["r2"]} <= linked  # the two commits the rebase put on main
    # The same number in another repository's URL is another issue.
    other = by_id(traced(r, shas, tmp_path / "x", with_github=True))["BIL-5"]
    assert not any(x.explicit for x in other.links)  # words may match; the citation does not


def test_a_pull_request_that_only_mentions_an_issue_is_a_weaker_explicit_link(shop, tmp_path):
    r, shas = shop
    t = by_id(traced(r, shas, tmp_path, with_github=True))["BIL-3"]
    commit = next(x for x in t.links if x.ref == shas["squash"])
    assert commit.explicit and commit.linked and commit.why == "pull request #15 references #9"
    closing = by_id(traced(r, shas, tmp_path / "y", with_github=True))["BIL-1"]
    closed = next(x for x in closing.links if x.ref == shas["wip"])
    assert commit.score >= 1.0 and commit.score - 1.0 <= closed.score - 1.0 + 1e-9


def test_a_pull_request_description_is_text_its_commits_are_found_by(shop, tmp_path):
    r, shas = shop
    before = by_id(traced(r, shas, tmp_path, with_github=False))["BIL-4"]
    assert not [x for x in before.links if x.ref == shas["x1"]]  # "more" shares no word
    t = by_id(traced(r, shas, tmp_path / "z", with_github=True))["BIL-4"]
    found = next(x for x in t.links if x.ref == shas["x1"])
    assert found.score > 0 and not found.explicit


def test_the_review_names_the_pull_request_with_its_page_in_every_format(shop, tmp_path):
    r, shas = shop
    (r.path / "cpto.toml").write_text('[workspace]\nprds = ["docs/prd/*.md"]\n')
    runner = CliRunner()
    assert runner.invoke(app, ["index", "-w", str(r.path)]).exit_code == 0
    with store.open_index(r.path / ".cpto" / "index.duckdb") as con:
        save_github(con, store.indexed_repo_id(con, r.path), shas)
    shown = f"PR #12: Retry failed card charges ({URL}/pull/12)"
    for fmt in ("markdown", "html"):
        out = runner.invoke(app, ["review", "-w", str(r.path), "--format", fmt])
        assert shown in out.output, out.output
    data = json.loads(runner.invoke(app, ["review", "-w", str(r.path), "--json"]).output)
    links = [x for t in data["requirements"] if t["id"] == "BIL-1" for x in t["links"] if x["kind"] == "pr"]
    assert links[0]["url"] == f"{URL}/pull/12"


def test_the_review_ships_in_the_github_deployment_the_heartbeat_counts(make_repo) -> None:  # type: ignore[no-untyped-def]
    """[deploys] source = "github-deployments": the review's 'shipped in' is a deployment, as the heartbeat's
    deploys are, not a tag; one deploy reader for every report."""
    repo = make_repo()
    repo.write(
        "docs/prd/export.md",
        "# Export\n\n## Requirements\n\n### EXP-1: Ledger export\nFinance exports the ledger.\n",
    )
    sha = repo.commit(
        "feat: ledger export for finance (EXP-1)", {"ledger/export.py": "def export_ledger():\n    pass\n"}
    )
    repo.git("tag", "v1.0.0")  # a tag the workspace does not count: deploys come from GitHub
    (repo.path / "cpto.toml").write_text('[deploys]\nsource = "github-deployments"\n')
    at = datetime(2026, 1, 2, tzinfo=UTC)
    with store.open_index(repo.path / ".cpto" / "index.duckdb") as con:
        index_repository(con, repo.path)
        repo_id = store.indexed_repo_id(con, repo.path.resolve())
        gh.save(con, [gh.Deployment(repo_id, 1, sha, "deploy-2026-01-02", "production", at, "success", at)])
        gh.save(
            con, [gh.SyncState(repo_id, "deployments", "acme/shop", "https://api.github.com", at, None, at)]
        )
    result = CliRunner().invoke(app, ["review", "-w", str(repo.path), "--json", "-q"])
    assert result.exit_code == 0, result.output
    requirement = json.loads(result.stdout)["requirements"][0]
    assert requirement["status"] == "shipped" and requirement["release"] == "deploy-2026-01-02"
