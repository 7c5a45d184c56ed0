"""cpto index --cluster: the same estate indexed through a local Dask cluster of two worker processes
gives the same catalog, the same shards and the same index as a local run; a scheduler that cannot be
reached is one error line, quickly, with nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.history.test_estate import commits_in_index, index, make_estate

from cpto.history import estate

distributed = pytest.importorskip(
    "distributed", reason="Dask distributed is not installed (pip install -e '.[cluster]')"
)

# Columns whose values depend on when a run happened, not on what it read: left out of the comparison.
RUN_DEPENDENT = {"repos": {"indexed_at"}}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker processes with one thread each, as `dask worker --nworkers 2 --nthreads 1` starts."""
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


def shard_rows(root: Path) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Every row of every shard table, per repository folder name, in a fixed order."""
    shards = root / ".cpto" / "shards"
    rows: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    with duckdb.connect() as con:
        for entry in estate.read_catalog(shards).values():
            for table in estate.SHARD_TABLES:
                path = str(entry.folder(shards) / f"{table}.parquet")
                columns = [
                    str(c[0])
                    for c in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
                    if str(c[0]) not in RUN_DEPENDENT.get(table, set())
                ]
                listed = ", ".join(f'"{c}"' for c in columns)
                rows[(Path(entry.path).name, table)] = con.execute(
                    f"SELECT {listed} FROM read_parquet(?) ORDER BY ALL", [path]
                ).fetchall()
    return rows


def index_rows(root: Path) -> dict[str, int]:
    with duckdb.connect(str(root / ".cpto" / "index.duckdb"), read_only=True) as con:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in estate.SHARD_TABLES}  # type: ignore[index]


def catalog_view(root: Path) -> dict[str, tuple[int, int, int]]:
    entries = estate.read_catalog(root / ".cpto" / "shards").values()
    return {Path(e.path).name: (e.repo_id, e.generation, e.commits) for e in entries}


def test_a_cluster_of_two_workers_gives_the_shards_a_local_run_gives(tmp_path: Path, cluster: Any) -> None:
    make_estate(tmp_path)
    local = index(tmp_path, "--workers", "2")
    expected = (
        shard_rows(tmp_path),
        catalog_view(tmp_path),
        index_rows(tmp_path),
        commits_in_index(tmp_path),
    )
    assert expected[3] == {"api": 2, "web": 3, "infra": 4}

    on_cluster = index(tmp_path, "--rebuild", "--cluster", cluster.scheduler_address)
    assert [r["new_commits"] for r in on_cluster["repos"]] == [r["new_commits"] for r in local["repos"]]  # type: ignore[index]
    got = (shard_rows(tmp_path), catalog_view(tmp_path), index_rows(tmp_path), commits_in_index(tmp_path))
    assert got[0] == expected[0]
    assert got[1:] == expected[1:]
    assert all(rows for (_, table), rows in got[0].items() if table in ("commits", "changes"))


def test_the_shards_were_written_by_the_clusters_worker_processes(tmp_path: Path, cluster: Any) -> None:
    make_estate(tmp_path)
    index(tmp_path, "--cluster", cluster.scheduler_address)
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = set(client.run(os.getpid).values())
        ran = client.run(lambda dask_worker: sorted({str(t[0]) for t in dask_worker.state.log}))
    assert os.getpid() not in pids and len(pids) == 2
    assert any("index_shard" in key for keys in ran.values() for key in keys)


def test_a_new_commit_on_the_cluster_touches_only_its_shard(tmp_path: Path, cluster: Any) -> None:
    _, web, _ = make_estate(tmp_path)
    index(tmp_path, "--cluster", cluster.scheduler_address)
    before = catalog_view(tmp_path)
    again = index(tmp_path, "--cluster", cluster.scheduler_address)
    assert all(r["up_to_date"] for r in again["repos"])  # type: ignore[index]
    web.commit("web: one more", {"src/more.py": "y = 1\n"})
    index(tmp_path, "--cluster", cluster.scheduler_address)
    after = catalog_view(tmp_path)
    assert {n for n in after if after[n] != before[n]} == {"web"}
    assert commits_in_index(tmp_path)["web"] == 4


def cpto(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The real command line (its one-line errors and exit codes), and how long it took."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "cpto", *args], capture_output=True, text=True)
    return result, time.monotonic() - started


def test_an_unreachable_scheduler_is_one_line_quickly_and_nothing_is_written(tmp_path: Path) -> None:
    make_estate(tmp_path)
    result, took = cpto("index", "-w", str(tmp_path), "--cluster", "tcp://127.0.0.1:9")
    assert took < 15  # the connect timeout is 5 s
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "no Dask scheduler answered within 5 s" in result.stderr and "127.0.0.1:9" in result.stderr
    assert not (tmp_path / ".cpto").exists()


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("nonsense:::", "not a scheduler address"),
        ("tcp://no-such-host.invalid:8786", "cannot resolve the host"),
    ],
)
def test_a_bad_address_is_one_line_at_once(tmp_path: Path, address: str, says: str) -> None:
    make_estate(tmp_path)
    result, took = cpto("index", "-w", str(tmp_path), "--cluster", address)
    assert took < 5
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert not (tmp_path / ".cpto").exists()


def test_workers_and_cluster_together_are_refused(tmp_path: Path) -> None:
    make_estate(tmp_path)
    result, _ = cpto("index", "-w", str(tmp_path), "--workers", "2", "--cluster", "tcp://127.0.0.1:9")
    assert result.returncode == 2 and "cannot be combined" in result.stderr
