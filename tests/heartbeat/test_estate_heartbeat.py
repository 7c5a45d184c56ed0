"""The heartbeat of an estate: every repository's deploys, effort and hotspots pooled, each named by its
repository; with one repository the heartbeat is what it always was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app

runner = CliRunner()
BODY = "def f(x):\n    if x:\n        for y in x:\n            if y:\n                return y\n    return None\n"


def make_estate(root: Path, repos: list[str]) -> dict[str, Repo]:
    """api (tags v1.0, v1.1), web (tag v2.0), infra (no tag): commits in 2026-W01."""
    made = {}
    for n, name in enumerate(("api", "web", "infra")):
        repo = Repo(root / name)
        repo.path.mkdir(parents=True)
        repo.git("init", "-q")
        for i in range(n + 2):
            repo.commit(f"feat: {name} change {i}", {f"src/{name}.py": BODY + f"# {i}\n" * (i + 1)})
            if name == "api" and i in (0, 1):
                repo.git("tag", f"v1.{i}")
            if name == "web" and i == 2:
                repo.git("tag", "v2.0")
        made[name] = repo
    (root / "cpto.toml").write_text(
        "[workspace]\nrepos = [" + ", ".join(f'"{r}"' for r in repos) + ']\n[deploys]\ntags = "v*"\n',
        encoding="utf-8",
    )
    return made


def beat(root: Path) -> dict[str, Any]:
    indexed = runner.invoke(app, ["index", "-w", str(root), "--json"])
    assert indexed.exit_code == 0, indexed.output
    result = runner.invoke(app, ["heartbeat", "-w", str(root), "--week", "2026-W01", "--no-trace", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_deploys_are_pooled_and_named_by_their_repository(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api", "web", "infra"])
    data = beat(tmp_path)
    deploys = data["delivery"]["metrics"]["deployment_frequency"]["deploys"]
    assert sorted(deploys) == ["api:v1.0", "api:v1.1", "web:v2.0"]
    assert data["delivery"]["metrics"]["deployment_frequency"]["value"] == 3.0
    assert "1 with no deploy" in data["deploy_source"] and "infra" in data["deploy_source"]
    leads = data["delivery"]["metrics"]["change_lead_time"]["commits"]
    assert {lead["deploy"] for lead in leads} == {"api:v1.0", "api:v1.1", "web:v2.0"}
    assert len(leads) == 2 + 3  # api's two commits, web's three: each change once, in its own repository


def test_effort_is_summed_and_each_repository_says_its_share(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api", "web", "infra"])
    data = beat(tmp_path)
    this_week = data["effort"][-1]
    assert sum(this_week["commits"].values()) == 2 + 3 + 4
    assert data["repositories"] == [
        {"name": "api", "commits": 2, "deploys": 2, "deploys_ever": 2},
        {"name": "web", "commits": 3, "deploys": 1, "deploys_ever": 1},
        {"name": "infra", "commits": 4, "deploys": 0, "deploys_ever": 0},
    ]


def test_hotspots_are_ranked_across_repositories_with_their_name(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api", "web", "infra"])
    data = beat(tmp_path)
    paths = [h["path"] for h in data["hotspots"]]
    assert paths[0] == "infra/src/infra.py"  # the most changed file of the estate
    assert set(paths) == {"api/src/api.py", "web/src/web.py", "infra/src/infra.py"}
    markers = data["debt"][-1]["markers"] if "debt" in data else None
    assert markers in (0, None)


def test_no_deploys_anywhere_stays_unknown_and_says_so(tmp_path: Path) -> None:
    make_estate(tmp_path, ["infra", "web"])
    (tmp_path / "cpto.toml").write_text(
        '[workspace]\nrepos = ["infra", "web"]\n[deploys]\ntags = "release-*"\n', encoding="utf-8"
    )
    data = beat(tmp_path)
    frequency = data["delivery"]["metrics"]["deployment_frequency"]
    assert frequency["value"] is None
    assert "no deploys in any of 2 repositories" in frequency["reason"]


def test_one_repository_is_reported_as_before(tmp_path: Path) -> None:
    make_estate(tmp_path, ["api"])
    data = beat(tmp_path)
    assert "repositories" not in data
    assert data["delivery"]["metrics"]["deployment_frequency"]["deploys"] == ["v1.0", "v1.1"]
    assert [h["path"] for h in data["hotspots"]] == ["src/api.py"]
    assert data["deploy_source"] == "tags matching `v*`"


def rich_estate(root: Path) -> dict[str, Any]:
    """make_estate plus what the bulk reads must get right: a merge, a side branch, an annotated tag, a
    tag no pattern takes, a detached HEAD (infra) and a file with TODO markers, tabs and a blank line."""
    made = make_estate(root, ["api", "web", "infra"])
    api = made["api"]
    api.git("checkout", "-q", "-b", "side")
    api.commit("feat: side work", {"src/side.py": "def s():\n\treturn 1  # TODO later\n\n\t\tx = 2\n"})
    api.git("checkout", "-q", "-")
    api.merge("side", "Merge side")
    api.git("checkout", "-q", "-b", "loose")
    api.commit("feat: never merged", {"src/loose.py": "x = 1\n"})
    api.git("checkout", "-q", "-")
    api.git("tag", "-a", "v1.2", "-m", "annotated")
    api.git("tag", "build-7")
    infra = made["infra"]
    infra.git("checkout", "-q", "--detach", "HEAD~1")
    indexed = runner.invoke(app, ["index", "-w", str(root), "--json"])
    assert indexed.exit_code == 0, indexed.output
    return {name: repo.path for name, repo in made.items()}


def test_the_bulk_reads_equal_the_reads_of_one_repository(tmp_path: Path) -> None:
    from cpto.heartbeat.dora import commit_times
    from cpto.heartbeat.week import _tag_names
    from cpto.history import store
    from cpto.records.deploys import config_releases, estate_releases
    from cpto.review.graph import indexed_batches, load_graph, read_indexed, tagged_releases
    from cpto.workspace.config import load_workspace

    rich_estate(tmp_path)
    config = load_workspace(tmp_path)
    with store.open_index(tmp_path / ".cpto" / "index.duckdb", read_only=True) as con:
        ids = [int(r) for (r,) in con.execute("SELECT repo_id FROM repos ORDER BY repo_id").fetchall()]
        assert len(ids) == 3
        indexed = read_indexed(con, ids)
        releases = estate_releases(con, indexed, config)
        for repo_id in ids:
            read = indexed[repo_id]
            assert releases[repo_id] == config_releases(con, repo_id, config)
            assert read.tag_releases("*") == tagged_releases(con, repo_id, "*")
            assert read.head_sha == store.head_commit(con, repo_id)
            assert read.committed == commit_times(con, repo_id)
            assert read.tag_names() == _tag_names(con, repo_id)
            assert read.graph(releases[repo_id]) == load_graph(con, repo_id, releases=releases[repo_id])
        runs = list(indexed_batches(con, ids, commits=5))  # api and web alone hold 5 or more
        assert len(runs) == 3 and [i for run in runs for i in run] == ids
        for run in runs:
            for i, read in run.items():  # the same facts; refs come in no promised order
                assert (read.parents, read.committed, read.head_ref) == (
                    indexed[i].parents,
                    indexed[i].committed,
                    indexed[i].head_ref,
                )
                assert sorted(read.refs) == sorted(indexed[i].refs)
        graphs = [indexed[i].graph(releases[i]) for i in ids]
        assert any(g.branches_of for g in graphs)  # the side branch is seen off HEAD
        assert sum(len(indexed[i].tag_names()) for i in ids) == 5  # v1.0 v1.1 v1.2 build-7 v2.0


def test_estate_hotspots_equal_each_repository_s_hotspots_merged(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from cpto.heartbeat.hotspots import EstateRepo, estate_hotspots, hotspots
    from cpto.history import store

    paths = rich_estate(tmp_path)
    since, until = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    with store.open_index(tmp_path / ".cpto" / "index.duckdb", read_only=True) as con:
        ids = {str(p): int(i) for i, p in con.execute("SELECT repo_id, path FROM repos").fetchall()}
        places = [EstateRepo(name, ids[str(path)], path) for name, path in paths.items()]
        merged = sorted(
            ((p.name, h) for p in places for h in hotspots(con, p.repo_id, p.repo, since, until)),
            key=lambda pair: (-pair[1].score, f"{pair[0]}/{pair[1].path}"),
        )
        for top in (10, 2):
            assert estate_hotspots(con, places, since, until, top=top) == merged[:top]
    assert {(n, h.path) for n, h in merged} >= {("api", "src/side.py"), ("infra", "src/infra.py")}
    side = next(h for n, h in merged if h.path == "src/side.py")
    assert (side.markers, side.complexity) == (1, 3)  # one TODO; tab, blank line skipped, two tabs


def test_indentation_and_markers_are_counted_as_the_plain_definition_says() -> None:
    import re

    from hypothesis import given
    from hypothesis import strategies as st

    from cpto.heartbeat.hotspots import indentation_complexity, markers

    def plain(text: str, tab: int = 4) -> int:
        total = 0
        for line in text.splitlines():
            stripped = line.lstrip(" \t")
            if stripped:
                total += sum(tab if ch == "\t" else 1 for ch in line[: len(line) - len(stripped)]) // tab
        return total

    words = st.sampled_from(
        [" ", "\t", "\n", "\r\n", "\r", "\x0c", "\u2028", "x", "TODO", "XXXX", "FIXME:", "_HACK"]
    )

    @given(st.lists(words, max_size=40).map("".join), st.integers(1, 8))
    def same(text: str, tab: int) -> None:
        assert indentation_complexity(text, tab) == plain(text, tab)
        assert markers(text) == len(re.findall(r"\b(TODO|FIXME|HACK|XXX)\b", text))

    same()
