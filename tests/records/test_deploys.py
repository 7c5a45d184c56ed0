"""A deploy log instead of tags: the same delivery numbers and review statuses from deploys written down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cpto.errors import CptoError
from cpto.heartbeat.dora import commit_times, delivery
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.records.deploys import logged_releases, read_deploy_log
from cpto.review.graph import load_graph
from cpto.review.prd import read_prd
from cpto.review.service import review
from cpto.review.trace import IN_PROGRESS, SHIPPED

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_deploys_from_a_log_give_lead_times_from_when_they_shipped(make_repo, tmp_path):
    repo = make_repo()
    first = repo.commit("feat: a", {"a.py": "a"})  # 01:00
    repo.commit("feat: b", {"b.py": "b"})  # 02:00
    repo.git("branch", "release/1")
    log = tmp_path / "deploys.log"
    log.write_text(
        "# when, what shipped, name\n"
        f"2026-01-01T03:00Z  {first[:8]}  first  # a (lead 2 h)\n"
        "\n"
        "2026-01-01T06:00Z  release/1\n"  # b (lead 4 h), named after its branch
    )
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        releases = logged_releases(con, 1, read_deploy_log(log), log)
        result = delivery(
            load_graph(con, 1, releases=releases), commit_times(con, 1), [], T0, T0 + timedelta(days=7)
        )
    assert result.deploys == ["first", "release/1"]
    assert result.lead_time == timedelta(hours=3)  # median of 2 h and 4 h


def test_the_review_ships_what_the_log_deployed_and_ignores_tags(make_repo, tmp_path):
    repo = make_repo()
    prd = repo.write("prd.md", "# Pay\n\n## Requirements\n\n### PAY-1: Refunds\n\n### PAY-2: Receipts\n")
    refunds = repo.commit(
        "feat: refunds (PAY-1)", {"pay/refunds.py": "r", "tests/test_refunds.py": "# PAY-1"}
    )
    repo.commit("feat: receipts (PAY-2)", {"pay/receipts.py": "r", "tests/test_receipts.py": "# PAY-2"})
    repo.git("tag", "v9.0")  # a tag the team does not deploy from
    log = tmp_path / "deploys.log"
    log.write_text(f"2026-01-01T05:00Z {refunds[:10]} pay-1\n")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        tagged = review(con, repo.path, [read_prd(prd)], records=[prd])
        logged = review(con, repo.path, [read_prd(prd)], records=[prd], deploy_log=log)
    status = {t.requirement.id: (t.status, t.releases, t.reason) for t in logged.requirements}
    assert status["PAY-1"][:2] == (SHIPPED, ["pay-1"])
    assert status["PAY-2"][:2] == (IN_PROGRESS, []) and "not in a release yet" in status["PAY-2"][2]
    assert all(t.status == SHIPPED for t in tagged.requirements)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2026-01-01T03:00Z", "expected 'TIME REVISION [NAME]'"),
        ("yesterday abc1234", "'yesterday' is not a date or time"),
        ("2026-01-01T03:00Z nosuchref", "'nosuchref' is not a commit, tag or branch"),
    ],
)
def test_a_bad_line_names_the_file_and_line(make_repo, tmp_path, line, problem):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})
    log = tmp_path / "deploys.log"
    log.write_text(f"# deploys\n{line}\n")
    with store.open_index(tmp_path / "index.duckdb") as con, pytest.raises(CptoError) as caught:
        index_repository(con, repo.path)
        logged_releases(con, 1, read_deploy_log(log), log)
    assert f"{log}:2:" in caught.value.message and problem in caught.value.message


def test_the_deploy_source_chooses_between_tags_the_log_and_github(make_repo, tmp_path):
    from cpto.github.store import Deployment, save
    from cpto.records.deploys import workspace_releases

    repo = make_repo()
    first = repo.commit("feat: a", {"a.py": "a"})  # 01:00
    repo.git("tag", "v1.0")
    log = tmp_path / "deploys.log"
    log.write_text(f"2026-01-01T03:00Z  {first[:8]}  by-hand\n")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        save(con, [Deployment(1, 7, first, "v1.0", "production", T0, "success", T0 + timedelta(hours=5))])

        def names(**how):  # type: ignore[no-untyped-def]
            return [r.name for r in workspace_releases(con, 1, "v*", **how)]

        assert names() == ["v1.0"]  # no log, no source: the tags, as before GitHub
        assert names(log=log) == ["by-hand"]  # a log and no source: the log, as before GitHub
        assert names(source="github-deployments") == ["v1.0"]  # the deployment, named by its ref
        assert workspace_releases(con, 1, source="github-deployments")[0].time == T0 + timedelta(hours=5)
        assert names(source="github-deployments", environment="staging") == []
        assert names(source="github-releases") == []  # none synced
        with pytest.raises(CptoError, match="needs \\[deploys\\] log"):
            names(source="log")
