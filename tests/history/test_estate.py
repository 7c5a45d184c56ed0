"""An estate of repositories: one shard per repository, indexed in parallel, each failure on its own,
the index rebuilt from the shards alone, and an index written before shards split without reading git."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app
from cpto.history import estate

runner = CliRunner()


def make_estate(root: Path, names: tuple[str, ...] = ("api", "web", "infra")) -> list[Repo]:
    repos = []
    for n, name in enumerate(names):
        repo = Repo(root / name)
        repo.path.mkdir(parents=True)
        repo.git("init", "-q")
        for i in range(n + 2):
            repo.commit(f"{name}: change {i}", {f"src/{name}_{i}.py": f"x = {i}\n"})
        repos.append(repo)
    (root / "cpto.toml").write_text(
        "[workspace]\nrepos = [" + ", ".join(f'"{name}"' for name in names) + "]\n", encoding="utf-8"
    )
    return repos


def index(root: Path, *extra: str) -> dict[str, object]:
    result = runner.invoke(app, ["index", "-w", str(root), "--json", *extra])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def commits_in_index(root: Path) -> dict[str, int]:
    with duckdb.connect(str(root / ".cpto" / "index.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT r.name, count(c.sha) FROM repos r LEFT JOIN commits c USING (repo_id) GROUP BY ALL"
        ).fetchall()
    return {str(name): int(n) for name, n in rows}


def test_each_repository_gets_its_own_shard_and_the_index_holds_them_all(tmp_path: Path) -> None:
    make_estate(tmp_path)
    out = index(tmp_path, "--workers", "2")
    assert [r["new_commits"] for r in out["repos"]] == [2, 3, 4]  # type: ignore[index]
    catalog = estate.read_catalog(tmp_path / ".cpto" / "shards")
    assert sorted(Path(e.path).name for e in catalog.values()) == ["api", "infra", "web"]
    for entry in catalog.values():
        assert (entry.folder(tmp_path / ".cpto" / "shards") / "commits.parquet").is_file()
    assert commits_in_index(tmp_path) == {"api": 2, "web": 3, "infra": 4}


def test_a_second_run_reads_nothing_and_a_new_commit_touches_only_its_shard(tmp_path: Path) -> None:
    _, web, _ = make_estate(tmp_path)
    index(tmp_path)
    shards = tmp_path / ".cpto" / "shards"
    before = {e.repo_id: e.generation for e in estate.read_catalog(shards).values()}
    again = index(tmp_path)
    assert all(r["up_to_date"] for r in again["repos"])  # type: ignore[index]
    web.commit("web: one more", {"src/more.py": "y = 1\n"})
    out = index(tmp_path)
    assert [r["new_commits"] for r in out["repos"]] == [0, 1, 0]  # type: ignore[index]
    after = {e.repo_id: e.generation for e in estate.read_catalog(shards).values()}
    changed = {rid for rid in after if after[rid] != before[rid]}
    assert len(changed) == 1
    assert commits_in_index(tmp_path)["web"] == 4


def test_one_bad_repository_does_not_stop_the_others(tmp_path: Path) -> None:
    make_estate(tmp_path)
    (tmp_path / "cpto.toml").write_text('[workspace]\nrepos = ["api", "notgit", "web"]\n', encoding="utf-8")
    (tmp_path / "notgit").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "cpto", "index", "-w", str(tmp_path), "--workers", "2", "-q"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "1 of 3 repositories could not be indexed (the others were)" in result.stderr
    assert "notgit: not a git repository" in result.stderr
    assert commits_in_index(tmp_path) == {"api": 2, "web": 3}


def test_a_lost_index_is_rebuilt_from_the_shards_without_git(tmp_path: Path) -> None:
    make_estate(tmp_path)
    index(tmp_path)
    (tmp_path / ".cpto" / "index.duckdb").unlink()
    out = index(tmp_path)
    assert [r["new_commits"] for r in out["repos"]] == [0, 0, 0]  # type: ignore[index]
    assert commits_in_index(tmp_path) == {"api": 2, "web": 3, "infra": 4}


def test_a_killed_writer_leaves_the_previous_generation(tmp_path: Path) -> None:
    _, web, _ = make_estate(tmp_path)
    index(tmp_path)
    shards = tmp_path / ".cpto" / "shards"
    entry = next(e for e in estate.read_catalog(shards).values() if e.path.endswith("web"))
    half = entry.folder(shards).with_name(f"g{entry.generation + 1}.tmp-99999")
    half.mkdir()
    (half / "commits.parquet").write_bytes(b"cut short")  # what a killed worker leaves
    web.commit("web: after the crash", {"src/after.py": "z = 1\n"})
    out = index(tmp_path)
    assert [r["new_commits"] for r in out["repos"]] == [0, 1, 0]  # type: ignore[index]
    assert not half.exists()  # cleaned up
    assert commits_in_index(tmp_path)["web"] == 4


def test_an_index_from_before_shards_is_split_without_reading_git(tmp_path: Path) -> None:
    make_estate(tmp_path)
    index(tmp_path)
    shutil.rmtree(tmp_path / ".cpto" / "shards")  # an index as cpto wrote it before shards
    with duckdb.connect(str(tmp_path / ".cpto" / "index.duckdb")) as con:
        con.execute("DELETE FROM meta WHERE key LIKE 'shard:%'")
    result = runner.invoke(app, ["index", "-w", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert "one shard per repository" in result.stderr
    out = json.loads(result.stdout)
    assert [r["new_commits"] for r in out["repos"]] == [0, 0, 0]
    assert len(estate.read_catalog(tmp_path / ".cpto" / "shards")) == 3


def test_the_fingerprint_moves_with_a_ref_and_not_without(tmp_path: Path) -> None:
    (repo,) = make_estate(tmp_path, ("api",))
    first = estate.fingerprint(repo.path)
    assert first and estate.fingerprint(repo.path) == first
    repo.git("tag", "v1")
    assert estate.fingerprint(repo.path) != first
    assert estate.fingerprint(tmp_path / "nowhere") == ""


def test_history_and_heartbeat_narrowed_to_one_repository(tmp_path: Path) -> None:
    make_estate(tmp_path)
    index(tmp_path)
    result = runner.invoke(app, ["history", "-w", str(tmp_path), "--only", "web", "--json", "-q"])
    assert result.exit_code == 0, result.output
    assert [Path(r["path"]).name for r in json.loads(result.stdout)["repos"]] == ["web"]
    whole = runner.invoke(app, ["history", "-w", str(tmp_path), "--json", "-q"])
    assert len(json.loads(whole.stdout)["repos"]) == 3
    beat = runner.invoke(
        app, ["heartbeat", "-w", str(tmp_path), "--only", "infra", "--week", "2026-01-01", "--json", "-q"]
    )
    assert beat.exit_code == 0, beat.output
    week = json.loads(beat.stdout)["effort"][-1]
    assert sum(week["commits"].values()) == 4  # infra's four commits, not the others'


def test_paths_first_gives_the_same_index_as_one_phase(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    make_estate(one)
    make_estate(two)
    index(one)
    out = index(two, "--paths-first")
    assert [r["new_commits"] for r in out["repos"]] == [2, 3, 4]  # type: ignore[index]

    def rows(root: Path) -> list[tuple[object, ...]]:
        with duckdb.connect(str(root / ".cpto" / "index.duckdb"), read_only=True) as con:
            return con.execute(
                "SELECT r.name, c.sha, c.added, c.deleted, c.diff_complete, f.path, f.added, f.deleted"
                " FROM commits c JOIN repos r USING (repo_id) JOIN file_changes f USING (repo_id, sha)"
                " ORDER BY ALL"
            ).fetchall()

    assert rows(one) == rows(two) and all(row[4] for row in rows(two))
    catalog = estate.read_catalog(two / ".cpto" / "shards")
    assert all(e.pending == 0 for e in catalog.values())


def test_a_repository_another_run_loaded_meanwhile_is_replaced_not_doubled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is closed while workers read git, so another cpto (the forum's re-index) can load the
    same new repository before this run does: what the index holds is read when merging."""
    make_estate(tmp_path)
    index_path = tmp_path / ".cpto" / "index.duckdb"
    repos = [tmp_path / name for name in ("api", "web", "infra")]
    real = estate.run_tasks

    def another_run_first(tasks, **kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(estate, "run_tasks", real)
        estate.index_estate(index_path, repos)  # the other process, done while this one's index is closed
        return real(tasks, **kwargs)

    monkeypatch.setattr(estate, "run_tasks", another_run_first)
    estate.index_estate(index_path, repos)
    assert commits_in_index(tmp_path) == {"api": 2, "web": 3, "infra": 4}
    with duckdb.connect(str(index_path), read_only=True) as con:
        rows = con.execute("SELECT count(*), count(DISTINCT (repo_id, sha)) FROM file_changes").fetchone()
    assert rows is not None and rows[0] == rows[1] == 9


def test_a_catalog_written_by_a_newer_cpto_is_read(tmp_path: Path) -> None:
    make_estate(tmp_path)
    index(tmp_path)
    shards = tmp_path / ".cpto" / "shards"
    data = json.loads((shards / "catalog.json").read_text())
    for entry in data["shards"]:
        entry["a_field_from_the_future"] = 1
    (shards / "catalog.json").write_text(json.dumps(data))
    assert len(estate.read_catalog(shards)) == 3
    assert all(r["up_to_date"] for r in index(tmp_path)["repos"])  # type: ignore[index]
