"""The heartbeat reads GitHub: deployments and releases as deploys, lead time from a pull request's first
commit, labelled issues as incidents, review SLAs per reviewer and team, label-decided effort buckets;
and with no GitHub data, each of those is unknown with the command that would fetch it.

A real git repository and the real index; the GitHub rows are built here and stored with
``cpto.github.store.save``, as a sync would store them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.test_cli import cpto

from cpto.github.store import (
    Deployment,
    Issue,
    PullCommit,
    PullRequest,
    Release,
    Review,
    ReviewRequest,
    SyncState,
    save,
)
from cpto.heartbeat.dora import commit_times, delivery
from cpto.heartbeat.evidence import pull_starts
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.records.deploys import workspace_releases
from cpto.review.graph import load_graph

T0 = datetime(2026, 1, 1, tzinfo=UTC)  # the test repository's clock: one commit an hour from here
WEEK = "2026-W01"  # Monday 2025-12-29 to Sunday 2026-01-04


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def ok(*args: str) -> str:
    proc = cpto(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def pull(
    number: int,
    sha: str | None,
    *,
    labels: tuple[str, ...] = (),
    closes: tuple[int, ...] = (),
    state: str = "closed",
    draft: bool = False,
    opened: datetime = T0 + timedelta(minutes=30),
) -> PullRequest:
    merged = at(4.5) if sha else None
    return PullRequest(
        1, number, f"PR {number}", "", "dana", state, draft, opened, opened, merged, merged, "main", "f",
        sha, labels, closes, (), f"https://github.com/acme/shop/pull/{number}",
    )  # fmt: skip


def deployment(n: int, sha: str, environment: str, status: str, hours: float) -> Deployment:
    return Deployment(1, n, sha, "main", environment, at(hours - 0.5), status, at(hours))


def synced_state() -> SyncState:
    return SyncState(1, "pulls", "acme/shop", "https://api.github.com", None, None, at(100))


def workspace(make_repo, toml: str = "") -> tuple[Path, list[str]]:  # type: ignore[no-untyped-def]
    """A workspace that is its own repository: c1, c2 (PR #1), c3 (PR #2), c4 (pushed directly)."""
    repo = make_repo("ws")
    shas = [
        repo.commit("tidy a", {"a.txt": "a"}),  # 01:00
        repo.commit("tidy b", {"b.txt": "b"}),  # 02:00
        repo.commit("feat: add thing", {"c.py": "c = 1\n"}),  # 03:00; PR #2 is labelled bug
        repo.commit("chore: bump deps", {"requirements.txt": "x==1\n"}),  # 04:00
    ]
    repo.git("tag", "v1.0", shas[1])
    repo.git("tag", "v1.1", shas[3])
    (repo.path / "cpto.toml").write_text(toml)
    (repo.path / "people.yaml").write_text(
        "people:\n"
        "  - {handle: li, name: Li, discipline: engineering, team: platform}\n"
        "  - {handle: samuel, name: Sam, discipline: engineering, team: web, github: sam}\n"
    )
    return repo.path, shas


def store_github(ws: Path, shas: list[str]) -> None:
    c1, c2, c3, c4 = shas
    with store.open_index(ws / ".cpto" / "index.duckdb") as con:
        index_repository(con, ws)
        assert store.indexed_repo_id(con, ws) == 1
        save(con, [synced_state()])
        save(
            con,
            [
                pull(1, c2, closes=(11,)),  # its issue is an enhancement: feature
                pull(2, c3, labels=("bug",)),  # labelled bug: fix, whatever the message says
                pull(3, None, state="open", opened=at(24)),  # waiting on li and on team web
                pull(4, None, state="open", draft=True, opened=at(24)),  # a draft waits on nobody
                pull(5, None, state="open", opened=at(24)),  # sam reviewed it: waits on nobody
            ],
        )
        save(con, [PullCommit(1, 1, c1), PullCommit(1, 1, c2), PullCommit(1, 2, c3)])
        save(
            con,
            [
                ReviewRequest(1, 1, "li", at(1)),
                ReviewRequest(1, 3, "li", at(25)),
                ReviewRequest(1, 3, "team:web", at(25)),
                ReviewRequest(1, 4, "li", at(25)),
                ReviewRequest(1, 5, "sam", at(25)),
            ],
        )
        save(
            con,
            [
                Review(1, 1, 101, "li", "COMMENTED", at(3)),  # 2h after li was asked
                Review(1, 1, 102, "li", "APPROVED", at(5)),  # 4h: over the 3h SLA
                Review(1, 1, 103, "sam", "APPROVED", at(2.5)),  # never asked: 2h from opening
                Review(1, 1, 104, "dana", "COMMENTED", at(1.5)),  # the author's own: not a review
                Review(1, 5, 105, "sam", "COMMENTED", at(26)),
            ],
        )
        save(
            con,
            [
                Issue(
                    1, 10, "Checkout down", "", "li", "closed", ("Incident",), at(5.5), at(8), at(7.5), "u"
                ),
                Issue(1, 11, "Wishlist", "", "li", "closed", ("enhancement",), at(0), at(8), at(8), "u"),
            ],
        )
        save(
            con,
            [
                deployment(1, c2, "production", "success", 5),  # PR #1: first commit 01:00 -> 4h
                deployment(2, c4, "staging", "success", 6),  # another environment: not a deploy
                deployment(3, c4, "production", "failure", 6),  # failed: never shipped
                deployment(4, c4, "production", "inactive", 7),  # live, since replaced: a deploy
            ],
        )
        save(
            con,
            [
                Release(1, 1, "v1.0", "1.0", False, False, at(2), at(5), "u"),
                Release(1, 2, "v1.1", "1.1", False, True, at(4), at(6), "u"),  # a pre-release
                Release(1, 3, "v0.9", "0.9", True, False, at(1), None, "u"),  # a draft
                Release(1, 4, "v2.0", "2.0", False, False, at(8), at(9), "u"),  # its tag is not fetched
            ],
        )


def beat(ws: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(ok("heartbeat", "-w", str(ws), "--week", WEEK, "--json", "--no-trace"))


DEPLOYMENTS = '[deploys]\nsource = "github-deployments"\n[sla]\napproval = "3h"\n'


def test_deployments_that_went_live_to_production_are_the_deploys(make_repo):
    ws, shas = workspace(make_repo, DEPLOYMENTS)
    store_github(ws, shas)
    data = beat(ws)
    assert data["deploy_source"] == "GitHub deployments to `production` that went live"
    assert data["delivery"]["deploys"] == ["main#1", "main#4"]  # not staging, not the failed one
    lead = data["delivery"]["metrics"]["change_lead_time"]
    # PR #1 from its first commit (01:00) to 05:00: 4h; PR #2 (03:00) to 07:00: 4h; c4 pushed
    # directly, committed 04:00, deployed 07:00: 3h
    assert sorted((c["pull"] or 0, c["hours"]) for c in lead["commits"]) == [(0, 3.0), (1, 4.0), (2, 4.0)]
    assert lead["value"] == 4.0
    assert "2 pull requests from their first commit, 1 commit pushed directly" in lead["basis"]


def test_environment_setting_chooses_the_deployments(make_repo):
    ws, shas = workspace(make_repo, '[deploys]\nsource = "github-deployments"\nenvironment = "Staging"\n')
    store_github(ws, shas)
    assert beat(ws)["delivery"]["deploys"] == ["main"]  # the one to staging, case aside


def test_without_pull_requests_lead_time_runs_from_each_commit(make_repo, tmp_path):
    ws, shas = workspace(make_repo)
    with store.open_index(tmp_path / "i.duckdb") as con:
        index_repository(con, ws)
        save(con, [deployment(1, shas[1], "production", "success", 5)])
        releases = workspace_releases(con, 1, source="github-deployments", environment="production")
        graph = load_graph(con, 1, releases=releases)
        alone = delivery(graph, commit_times(con, 1), [], at(-24), at(100))
        assert sorted(x.hours for x in alone.leads) == [3.0, 4.0]  # c1 and c2 each from when committed
        save(con, [pull(1, shas[1])])
        save(con, [PullCommit(1, 1, shas[0]), PullCommit(1, 1, shas[1])])
        as_pull = delivery(graph, commit_times(con, 1), [], at(-24), at(100), pull_starts(con, 1))
        assert [(x.pull, x.hours) for x in as_pull.leads] == [(1, 4.0)]  # one change, first commit on


def test_published_releases_are_the_deploys(make_repo):
    ws, shas = workspace(make_repo, '[deploys]\nsource = "github-releases"\n')
    store_github(ws, shas)
    data = beat(ws)
    assert data["delivery"]["deploys"] == ["v1.0"]  # not the pre-release, the draft, nor the unfetched tag
    assert data["deploy_source"].startswith("published GitHub releases")


def test_issues_labelled_incident_are_incidents_counted_apart(make_repo):
    ws, shas = workspace(make_repo, DEPLOYMENTS)
    store_github(ws, shas)
    data = beat(ws)
    assert data["incident_records"] == 0
    assert data["github_incidents"]["count"] == 1 and data["github_incidents"]["this_week"] == ["#10"]
    (incident,) = data["incidents"]
    assert incident["source"] == "github issue" and incident["hours_to_restore"] == 2.0  # opened to closed
    # main#4 shipped at 07:00 while #10 was open (05:30 to 07:30): the unplanned fix
    assert data["delivery"]["rework_deploys"] == ["main#4"]
    assert data["delivery"]["metrics"]["change_fail_rate"]["value"] is None  # no cause named: unknown
    assert data["open_action_items"] is None  # issues hold no action items: no records to read them from


def test_review_slas_per_reviewer_and_team_and_who_is_waiting(make_repo):
    ws, shas = workspace(make_repo, DEPLOYMENTS)
    store_github(ws, shas)
    reviews = beat(ws)["reviews"]
    assert reviews["known"] is True and reviews["sla_hours"] == 3.0
    by_who = {r["who"]: r for r in reviews["reviewers"]}
    li, sam = by_who["li"], by_who["samuel"]  # sam is samuel by people.yaml's github: field
    assert (li["team"], li["turns"], li["first_review_hours"], li["approval_hours"]) == (
        "platform",
        1,
        2.0,
        4.0,
    )
    assert (li["first_reviews_over_sla"], li["approvals_over_sla"], li["waiting"]) == (0, 1, 1)
    # sam: PR #1 never asked (2h from its opening), PR #5 asked at 25:00, answered at 26:00
    assert (sam["turns"], sam["first_review_hours"], sam["approval_hours"], sam["not_requested"]) == (
        2,
        1.5,
        2.0,
        1,
    )
    assert "dana" not in by_who  # the author's own comment is no review
    assert {(w["number"], w["reviewer"]) for w in reviews["waiting"]} == {(3, "li"), (3, "team:web")}
    assert all(w["over_sla"] for w in reviews["waiting"])  # asked in January, 3h SLA
    teams = {t["who"]: t for t in reviews["teams"]}
    assert teams["web"]["waiting"] == 1 and teams["platform"]["approval_hours"] == 4.0
    terminal = " ".join(ok("heartbeat", "-w", str(ws), "--week", WEEK, "--no-trace", "-q").split())
    assert "Review SLAs 2026-W01: per reviewer" in terminal
    assert "Pull requests waiting for review now" in terminal


def test_privacy_keeps_per_reviewer_numbers_out(make_repo):
    ws, shas = workspace(make_repo, DEPLOYMENTS + "[privacy]\nperson_scores = false\n")
    store_github(ws, shas)
    reviews = beat(ws)["reviews"]
    assert reviews["reviewers"] is None and reviews["teams"]
    assert all(r["reviewer"] is None for r in reviews["reviews"])
    markdown = ok("heartbeat", "-w", str(ws), "--week", WEEK, "--no-trace", "-f", "markdown")
    assert "per reviewer" not in markdown and "per team" in markdown


def test_pull_request_and_issue_labels_decide_the_bucket(make_repo):
    ws, shas = workspace(make_repo, DEPLOYMENTS)
    store_github(ws, shas)
    data = beat(ws)
    week = data["effort"][-1]
    # c1, c2: PR #1 closes an enhancement; c3 "feat: ..." in a PR labelled bug; c4 by its message
    assert week["commits"] == {"feature": 2, "fix": 1, "debt": 0, "infra": 1, "other": 0}
    assert week["decided_by_labels"] == 3
    terminal = ok("heartbeat", "-w", str(ws), "--week", WEEK, "--no-trace", "-q")
    assert "3 of 4 commits bucketed by their pull request's" in " ".join(terminal.split())


def test_a_custom_label_mapping_overrides_the_default(make_repo):
    ws, shas = workspace(make_repo, '[github]\nlabels = { bug = "debt" }\n')
    store_github(ws, shas)
    assert beat(ws)["effort"][-1]["commits"]["debt"] == 1


def test_no_github_data_is_unknown_with_the_command_to_run(make_repo):
    ws, _shas = workspace(make_repo, DEPLOYMENTS)
    data = beat(ws)
    lead = data["delivery"]["metrics"]["change_lead_time"]
    assert lead["value"] is None and "run `cpto github sync`" in lead["reason"]
    assert data["delivery"]["metrics"]["deployment_frequency"]["value"] is None
    assert data["reviews"] == {
        "known": False,
        "reason": "no GitHub data: run `cpto github sync` (or `cpto github import`)",
    }
    assert data["github_incidents"]["count"] is None and data["github"] is False
    terminal = ok("heartbeat", "-w", str(ws), "--week", WEEK, "--no-trace", "-q")
    assert "cpto github sync" in terminal


def test_an_issue_an_incident_record_stands_for_is_not_counted_twice(make_repo, tmp_path):
    from cpto.heartbeat.evidence import issue_incidents
    from cpto.records.incidents import read_incident

    ws, _shas = workspace(make_repo)
    record = tmp_path / "inc.md"
    record.write_text("---\nid: INC-1\nseverity: SEV1\n---\n## Timeline\n- 2026-01-01 05:30 started: down\n")
    other = tmp_path / "inc2.md"
    other.write_text("---\nid: INC-2\nseverity: SEV2\n---\n## Summary\nTicket #12.\n")
    records = [read_incident(record), read_incident(other)]
    with store.open_index(tmp_path / "i.duckdb") as con:
        index_repository(con, ws)
        save(
            con,
            [
                Issue(
                    1,
                    10,
                    "Checkout down",
                    "INC-1: see the record",
                    "li",
                    "open",
                    ("incident",),
                    at(5),
                    at(5),
                    None,
                    "u",
                ),
                Issue(1, 11, "INC-10 went down", "", "li", "open", ("incident",), at(5), at(5), None, "u"),
                Issue(
                    1, 12, "Named by INC-2's text", "", "li", "open", ("incident",), at(5), at(5), None, "u"
                ),
            ],
        )
        assert [i.id for i in issue_incidents(con, 1, "incident")] == ["#10", "#11", "#12"]
        assert [i.id for i in issue_incidents(con, 1, "incident", records)] == ["#11"]


def test_the_demo_with_its_recorded_github_data(tmp_path):
    """The demo's recorded GitHub data imported: its production deployments are the week's deploys,
    lead time runs from the pull requests' first commits, reviewers have their time to first review,
    and the incident issues the records stand for are not counted twice."""
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    ok("github", "import", "-w", str(demo), str(demo / "github"))
    toml = demo / "cpto.toml"
    toml.write_text(toml.read_text().replace("[deploys]\n", '[deploys]\nsource = "github-deployments"\n'))
    data = json.loads(ok("heartbeat", "-w", str(demo), "--week", "2026-W45", "--json", "--no-trace"))
    assert data["deploy_source"] == "GitHub deployments to `production` that went live"
    assert data["delivery"]["deploys"] == ["v1.5.0", "v1.5.1"]  # the same deploys the tags gave
    lead = data["delivery"]["metrics"]["change_lead_time"]
    assert lead["value"] is not None and "pull requests from their first commit" in lead["basis"]
    assert any(c["pull"] for c in lead["commits"])
    reviewers = data["reviews"]["reviewers"]
    assert reviewers and all(r["first_review_hours"] is not None for r in reviewers if r["turns"])
    handles = set(re.findall(r"handle: (\S+)", (demo / "people.yaml").read_text()))
    assert {r["who"] for r in reviewers} <= handles  # logins matched to people.yaml handles
    # INC-3's issue (#195 names INC-3) is the record's ticket: the week's figures are the records'
    assert data["github_incidents"]["count"] == 0 and data["incident_records"] == 3
    assert data["delivery"]["failed_deploys"] == ["v1.5.0"]  # INC-3's caused_by, as with tags
    assert data["delivery"]["metrics"]["failed_deployment_recovery_time"]["value"] == 0.7
    terminal = " ".join(ok("heartbeat", "-w", str(demo), "--week", "2026-W45", "--no-trace", "-q").split())
    assert "Review SLAs 2026-W45: per reviewer" in terminal and "first review (1st review)" in terminal
