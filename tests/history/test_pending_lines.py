"""Reports over a first-phase index (``index_repository(lines=False)``) say line counts are not computed
yet instead of printing a plausible undercount; after the second phase they read as a one-phase index.

Also the two shortcuts ``cpto history`` takes on an estate (no git process for a repository without a
``.gitattributes`` or ``.mailmap``) keep the results of asking git: a nested ``.gitattributes`` and a
``.mailmap`` still decide code commits and people.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from cpto.heartbeat.allocation import allocation
from cpto.heartbeat.debt import debt_trend
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.history.summary import summarize
from cpto.history.views import NOT_COUNTED, summary_report
from cpto.records.people import People, workspace_contributions
from cpto.report.render import render_text
from cpto.workspace.config import load_workspace

_EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def _team_repo(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo("team")
    repo.commit("feat: start", {"src/a.py": "a = 1\n" * 30, "docs/x.md": "hello\n"})
    repo.commit("fix: a", {"src/a.py": "a = 2\n" * 30})
    repo.commit("docs: more", {"docs/x.md": "hello\nworld\n"})
    return repo


def _summary_json(con, repo_path: Path) -> dict:  # type: ignore[no-untyped-def]
    config = load_workspace(repo_path)
    summary = summarize(con, config=config)
    return json.loads(json.dumps(asdict(summary), default=str))


def test_first_phase_reports_say_lines_are_not_counted_yet(make_repo, tmp_path):
    repo = _team_repo(make_repo)
    config = load_workspace(repo.path)
    with store.open_index(tmp_path / "two.duckdb") as con:
        index_repository(con, repo.path, lines=False)
        note = store.pending_note(con)
        assert note is not None and "not computed yet for 3 commits" in note

        summary = summarize(con, config=config)
        assert note in summary.unknown
        assert [w.lines_changed for w in summary.weeks] == [None]
        assert {a.lines_added for a in summary.areas} == {None}
        assert {a.lines_deleted for a in summary.areas} == {None}
        assert [a.lines_changed for a in summary.authors] == [None]
        (only,) = summary.repos
        assert (only.pending_commits, only.incomplete_commits) == (3, 0)  # waiting is not unreadable

        report = summary_report(summary, str(repo.path))
        assert note in report.notes
        assert not any("unreadable objects" in n for n in report.notes)
        text = render_text(report, "markdown")
        assert NOT_COUNTED in text

        work = workspace_contributions(con, People(repo.path / "people.yaml", []), config)
        assert note in work.unknown
        assert set(work.lines.values()) <= {None}

        effort = allocation(con, [1], *_EVER)
        assert effort.pending == 3 and not effort.lines_known

        (week,) = debt_trend(con, 1, repo.path, [("all", *_EVER)], set())
        assert week.pending == 2 and week.test_ratio is None  # src/a.py twice (docs are neither)
        index_repository(con, repo.path)
        (week,) = debt_trend(con, 1, repo.path, [("all", *_EVER)], set())
        assert (week.pending, week.code_lines) == (0, 30 + 60)


def test_after_the_second_phase_reports_read_as_a_one_phase_index(make_repo, tmp_path):
    repo = _team_repo(make_repo)
    with store.open_index(tmp_path / "one.duckdb") as con:
        index_repository(con, repo.path)
        one = _summary_json(con, repo.path)
        one_effort = allocation(con, [1], *_EVER)
    with store.open_index(tmp_path / "two.duckdb") as con:
        index_repository(con, repo.path, lines=False)
        index_repository(con, repo.path)  # the ordinary run counts what waits
        assert store.pending_note(con) is None
        two = _summary_json(con, repo.path)
        two_effort = allocation(con, [1], *_EVER)
    assert one == two
    assert one["weeks"][0]["lines_changed"] == 30 + 60 + 2  # the real count, not None
    assert one_effort == two_effort and two_effort.lines_known


def test_a_repository_partly_counted_keeps_its_counted_figures(make_repo, tmp_path):
    """Two repositories, one counted and one waiting: the waiting one's figures read unknown, the
    counted one's areas keep their numbers (the first phase is per repository)."""
    counted = make_repo("counted")
    counted.commit("feat: api", {"api/x.py": "x = 1\n"})
    waiting = make_repo("waiting")
    waiting.commit("feat: web", {"web/y.py": "y = 1\n"})
    with store.open_index(tmp_path / "mix.duckdb") as con:
        index_repository(con, counted.path)
        index_repository(con, waiting.path, lines=False)
        summary = summarize(con)
        areas = {a.area: (a.lines_added, a.lines_deleted) for a in summary.areas}
        assert areas == {"api/": (1, 0), "web/": (None, None)}
        assert [w.lines_changed for w in summary.weeks] == [None]  # the week holds a waiting commit
        assert store.pending_note(con) in summary.unknown


def test_nested_gitattributes_and_mailmap_still_decide(make_repo, tmp_path):
    """The index says which repositories may hold a .gitattributes: a nested one added in a later
    commit still marks its folder vendored, and a .mailmap still joins two identities."""
    repo = make_repo("attrs")
    repo.commit("feat: code", {"src/a.py": "a = 1\n", "third/lib.py": "b = 1\n"})
    repo.commit("chore: vendor", {"third/.gitattributes": "*.py linguist-vendored\n"})
    repo.commit("feat: more lib", {"third/lib.py": "b = 2\n"})
    plain = make_repo("plain")
    plain.commit("feat: code", {"src/a.py": "a = 1\n"})
    plain.commit("feat: lib", {"third/lib.py": "b = 1\n"})
    with store.open_index(tmp_path / "attrs.duckdb") as con:
        index_repository(con, repo.path)
        index_repository(con, plain.path)
        summary = summarize(con)
        # attrs: only "feat: code" touches code (third/ is vendored); plain: both commits are code
        assert sum(a.code_commits for a in summary.authors) == 1 + 2

    mapped = make_repo("mapped")
    mapped.commit("feat: one", {"a.py": "a = 1\n"})
    mapped.git("config", "user.email", "dana@home.example")
    mapped.commit("feat: two", {"a.py": "a = 2\n"})
    mapped.commit("chore: mailmap", {".mailmap": "Dana <dana@acme.example> <dana@home.example>\n"})
    with store.open_index(tmp_path / "mailmap.duckdb") as con:
        index_repository(con, mapped.path)
        assert summarize(con).people == 1
