"""cpto github sync and import against a local GitHub (tests/github/server.py): what is stored, what
it costs in requests, how it waits, and how it fails (one line, the index as it was)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Repo
from tests.github.server import GitHubServer, read_all, record, serve, stamp, write_pages

from cpto.errors import CptoError
from cpto.github.client import GitHubClient, find_token
from cpto.github.importer import import_folder
from cpto.github.shapes import issue_refs
from cpto.github.store import TABLES, Deployment, PullCommit, PullRequest, Review, ReviewRequest, load
from cpto.github.sync import SyncResult, resolve_targets, sync_repository
from cpto.history import store

TOKEN = "ghp_s3cretTokenValue0123456789"


@pytest.fixture
def workspace(make_repo: Any) -> Repo:
    """A workspace whose one repository's remote is github.com/acme/shop."""
    repo: Repo = make_repo("shop")
    repo.commit("feat: cart", {"cart.py": "x = 1\n"})
    repo.git("remote", "add", "origin", "git@github.com:acme/shop.git")
    return repo


def index_of(repo: Repo) -> Path:
    from cpto.cli.history import run_index

    path = repo.path / ".cpto" / "index.duckdb"
    run_index(path, [repo.path], jobs=None, quiet=True)
    return path


def sync(
    index: Path, server: GitHubServer, *, timeline: bool = False, waits: list[float] | None = None
) -> SyncResult:
    sleeps = [] if waits is None else waits
    with (
        store.open_index(index) as con,
        GitHubClient(api_url=server.url, sleep=sleeps.append, backoff=0.0) as client,
    ):
        (target,) = resolve_targets(con, ["acme/shop"], server.url)
        return sync_repository(con, client, target, timeline=timeline)


def rows(index: Path) -> dict[str, list[Any]]:
    """Every GitHub row but the sync state, per table."""
    with store.open_index(index) as con:
        return {table: load(con, kind) for table, (kind, _key) in TABLES.items() if table != "gh_sync"}


def test_first_sync_stores_everything_and_a_second_one_with_nothing_new_costs_three_requests(
    workspace: Repo, tmp_path: Path
) -> None:
    folder = record(tmp_path / "rec", pulls=5, issues=3)
    index = index_of(workspace)
    with serve(folder) as server:
        first = sync(index, server)
        # issues, pulls, 5 x (commits, reviews), releases, deployments, 2 statuses
        assert first.requests == 1 + 1 + 5 * 2 + 1 + 1 + 2
        assert (first.pulls, first.issues, first.releases, first.deployments) == (5, 3, 1, 2)
        second = sync(index, server)
        assert second.requests == 3 and second.pulls == 0
    stored = rows(index)
    pulls = {p.number: p for p in stored["gh_pulls"]}
    assert pulls[1001].closes == (1, 2) and pulls[1001].references == (3,) and pulls[1001].merged_at
    assert pulls[1003].state == "open" and pulls[1003].merged_at is None
    assert len(stored["gh_pull_commits"]) == 10
    assert {(r.number, r.reviewer, r.state) for r in stored["gh_reviews"]} >= {(1001, "li", "APPROVED")}
    assert all(r.reviewer != "sam" for r in stored["gh_reviews"])  # a pending review is not submitted
    assert {r.reviewer for r in stored["gh_review_requests"]} == {"li", "team:web"}
    assert {(d.deployment_id, d.status) for d in stored["gh_deployments"]} == {
        (701, "success"),
        (702, "failure"),
    }
    assert [i.number for i in stored["gh_issues"]] == [1, 2, 3]  # pull requests of the issues list left out


def test_an_updated_pull_request_costs_its_own_requests_only(workspace: Repo, tmp_path: Path) -> None:
    folder = record(tmp_path / "rec", pulls=250, issues=0, deployments=0, releases=0)
    index = index_of(workspace)
    with serve(folder) as server:
        sync(index, server)
        root = folder / "acme/shop"
        pulls = read_all(root / "pulls.json")
        changed = next(p for p in pulls if p["number"] == 1010)
        changed["updated_at"] = stamp(9999)
        changed["title"] = "Guest checkout, reworked"
        write_pages(root / "pulls.json", pulls)
        issues = read_all(root / "issues.json")
        next(i for i in issues if i["number"] == 1010)["updated_at"] = stamp(9999)
        write_pages(root / "issues.json", issues)
        write_pages(root / "pulls/1010/commits.json", [{"sha": "f" * 40}])
        server.paths.clear()
        result = sync(index, server)
    # the issues feed (one page), one pulls page, the pull request's commits and reviews, 2 x 304
    assert result.requests == 6 and result.pulls == 1, server.paths
    with store.open_index(index) as con:
        assert [c.sha for c in load(con, PullCommit) if c.number == 1010] == ["f" * 40]  # force-pushed
        assert next(p for p in load(con, PullRequest) if p.number == 1010).title == "Guest checkout, reworked"


def test_rate_limits_and_a_server_error_are_waited_out(workspace: Repo, tmp_path: Path) -> None:
    folder = record(tmp_path / "rec")
    index = index_of(workspace)
    waits: list[float] = []
    with serve(folder) as server:
        server.fail("/repos/acme/shop/issues", "primary")
        server.fail("/repos/acme/shop/pulls/1002/reviews", "secondary")
        server.fail("/repos/acme/shop/releases", "5xx", times=2)
        result = sync(index, server, waits=waits)
    assert result.pulls == 3 and result.releases == 1
    assert len(waits) == 4 and 0 < waits[0] <= 3 and waits[1] == 1.0  # until the reset, then Retry-After


def test_an_interrupted_sync_keeps_its_pages_and_the_next_one_resumes(
    workspace: Repo, tmp_path: Path
) -> None:
    folder = record(tmp_path / "rec", pulls=150)
    index = index_of(workspace)
    with serve(folder) as server:
        server.fail("/repos/acme/shop/pulls/1020/commits", "404")  # on the second page of pulls
        with pytest.raises(CptoError, match="404"):
            sync(index, server)
        kept = len(rows(index)["gh_pulls"])
        assert kept == 100  # the first page, written whole
        server.paths.clear()
        result = sync(index, server)
    assert result.pulls == 50 and len(rows(index)["gh_pulls"]) == 150
    assert not any("/pulls/1150/" in p for p in server.paths)  # stored ones are not asked for again


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("401", "refused the token (401 Bad credentials)"),
        ("404", "not found (404)"),
        ("403", "lacks a scope"),
        ("nonjson", "not JSON (text/html"),
        ("redirect", "redirected to another host (elsewhere.example)"),
    ],
)
def test_each_failure_is_one_line_without_the_token_and_the_index_is_unchanged(
    workspace: Repo, tmp_path: Path, fault: str, says: str
) -> None:
    folder = record(tmp_path / "rec")
    index_of(workspace)
    with serve(folder) as server:
        server.fail("/repos/acme/shop/issues", fault)
        proc = subprocess.run(
            [sys.executable, "-m", "cpto", "github", "sync", "acme/shop", "-w", str(workspace.path), "--api-url", server.url],
            capture_output=True, text=True, timeout=60, env={**os.environ, "GITHUB_TOKEN": TOKEN},
        )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cpto: error: GET /repos/acme/shop/issues"), proc.stderr
    assert says in lines[0] and TOKEN not in proc.stderr + proc.stdout
    assert all(v == [] for v in rows(workspace.path / ".cpto" / "index.duckdb").values())


def test_a_response_cut_short_is_retried_then_one_error(workspace: Repo, tmp_path: Path) -> None:
    folder = record(tmp_path / "rec")
    index = index_of(workspace)
    with serve(folder) as server:
        server.fail("/repos/acme/shop/pulls", "truncated", times=4)
        with pytest.raises(CptoError, match="cut short 4 times"):
            sync(index, server)
    assert rows(index)["gh_pulls"] == []


def test_import_of_a_recording_stores_what_a_sync_of_the_same_data_stores(
    make_repo: Any, tmp_path: Path
) -> None:
    folder = record(tmp_path / "rec", pulls=120, issues=5, deployments=3, releases=2)
    synced, imported = make_repo("a"), make_repo("b")
    for repo in (synced, imported):
        repo.commit("feat: cart", {"cart.py": "x = 1\n"})
        repo.git("remote", "add", "origin", "https://github.com/acme/shop.git")
    with serve(folder) as server:
        sync(index_of(synced), server, timeline=True)
    index = index_of(imported)
    with store.open_index(index) as con:
        (result,) = import_folder(con, folder)
    assert result.pulls == 120 and result.issues == 5
    assert rows(index) == rows(synced.path / ".cpto" / "index.duckdb")
    with store.open_index(index) as con:
        asked = {(r.number, r.reviewer): r.requested_at for r in load(con, ReviewRequest)}
    assert asked[(1001, "li")] is not None  # the timeline's request, kept after the review came in


def test_a_bad_recorded_file_is_one_line_and_nothing_is_imported(workspace: Repo, tmp_path: Path) -> None:
    folder = record(tmp_path / "rec")
    (folder / "acme/shop/releases.json").write_text('[{"id": 1, "tag_name": "v1"}]\n[{"id": "two"')
    index = index_of(workspace)
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "github", "import", str(folder), "-w", str(workspace.path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "releases.json:2: not JSON" in proc.stderr
    (folder / "acme/shop/releases.json").write_text('[{"id": "two", "tag_name": "v1"}]')
    with (
        store.open_index(index) as con,
        pytest.raises(CptoError, match=r'releases.json, page 1, item 1: "id" should be a number'),
    ):
        import_folder(con, folder)
    assert all(v == [] for v in rows(index).values())


def test_the_cli_syncs_the_workspace_remotes_and_reports_json(workspace: Repo, tmp_path: Path) -> None:
    folder = record(tmp_path / "rec")
    with serve(folder) as server:
        workspace.git("remote", "set-url", "origin", "http://127.0.0.1/acme/shop")  # the local server's host
        proc = subprocess.run(
            [sys.executable, "-m", "cpto", "github", "sync", "-w", str(workspace.path), "--api-url", server.url, "--json"],
            capture_output=True, text=True, timeout=60, env={**os.environ, "GITHUB_TOKEN": ""},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (repo,) = json.loads(proc.stdout)["repos"]
    assert repo["full_name"] == "acme/shop" and repo["pulls"] == 3 and repo["requests"] == 12


def test_closing_keywords_close_and_other_mentions_reference() -> None:
    assert issue_refs("Fix #4", "Resolves acme/shop#5, closes other/repo#6, see #7 and #4", "acme/shop") == (
        (4, 5),
        (7,),
    )
    assert issue_refs("x", "Closes https://github.com/acme/shop/issues/9 &#12;", "acme/shop") == ((9,), ())


def test_the_token_comes_from_the_environment_first() -> None:
    assert find_token({"GITHUB_TOKEN": " t1 "}) == "t1"


def test_deployments_keep_their_latest_status(workspace: Repo, tmp_path: Path) -> None:
    folder = record(tmp_path / "rec", deployments=1)
    root = folder / "acme/shop"
    write_pages(
        root / "deployments/701/statuses.json", [{"id": 1, "state": "in_progress", "created_at": stamp(3)}]
    )
    index = index_of(workspace)
    with serve(folder) as server:
        sync(index, server)
        write_pages(
            root / "deployments/701/statuses.json",
            [{"id": 2, "state": "success", "created_at": stamp(4)}, {"id": 1, "state": "in_progress", "created_at": stamp(3)}],
        )  # fmt: skip
        result = sync(index, server)
    with store.open_index(index) as con:
        assert [(d.status, d.status_at) for d in load(con, Deployment)] == [
            ("success", load(con, Deployment)[0].status_at)
        ]
        assert load(con, Deployment)[0].status == "success"
    assert result.requests == 4  # 3 x 304 and the moving deployment's status
    assert load is not None and Review is not None
