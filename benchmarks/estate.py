"""Benchmark: an estate of repositories (issue 19's targets), side by side in one run.

    python benchmarks/estate.py --quick --pytest /tmp/pytest          # 100 repos x 100 commits
    python benchmarks/estate.py --repos 1000 --commits 300 --pytest /tmp/pytest
    python benchmarks/estate.py --root /tmp/estate --skip-generate   # reuse a generated estate

Measured, each through the CLI in a fresh process (``/usr/bin/time``-style: wall time, the largest
process's max RSS from ``wait4``, and the whole process tree's RSS summed, sampled every 50 ms):

(a) ``cpto index --rebuild --workers 1`` against ``--workers 2`` on the whole estate, and the ratio;
(b) a no-op re-index of the whole estate (nothing moved);
(c) peak memory of (a) and (b);
(d) ``cpto heartbeat --json`` and ``cpto history --json`` across the estate;
(e) the pytest clone alone: ``git log --numstat`` (the peer) against ``cpto index --rebuild``, and
    ``git log --raw`` (commits and paths, no line counts) as the reference for "commits and paths ready"
    (cpto has no separate metadata phase yet, so only the peer's number is reported for it);
(f) where a shard's time goes: one repository indexed in this process, phase by phase (DuckDB connect
    and schema, reading git, writing the Parquet shard, merging it into the index), and the no-op path.

The estate is made by ``benchmarks/estate_generate.py`` (one ``git fast-import`` per repository).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from estate_generate import make_estate

REVS = ["HEAD", "--branches", "--tags", "--remotes"]
CPTO = [sys.executable, "-m", "cpto"]


def _tree_rss(pid: int) -> int:
    """The summed RSS (bytes) of ``pid`` and every descendant, read from /proc (Linux)."""
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - psutil ships with the dev environment
        return 0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def measure(cmd: list[str], cwd: Path | None = None) -> dict[str, float]:
    """Run ``cmd`` once: wall seconds, the largest process's max RSS (MB, from wait4) and the process
    tree's peak summed RSS (MB, sampled: a spike shorter than 50 ms can be missed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(cmd)}\n{err[-800:]}")
    cpu = usage.ru_utime + usage.ru_stime  # the process and every descendant it waited for (git, workers)
    return {"wall": wall, "cpu": cpu, "max_proc_mb": usage.ru_maxrss / 1024, "tree_mb": peak / 2**20}


def repeated(cmd: list[str], repeat: int, before: list[str] | None = None) -> dict[str, Any]:
    """Median wall time over ``repeat`` runs (every run kept), max memory; ``before`` runs untimed first."""
    runs = []
    for _ in range(repeat):
        if before:
            subprocess.run(before, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(measure(cmd))
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "walls": [round(r["wall"], 3) for r in runs],
        "cpu": statistics.median(r["cpu"] for r in runs),
        "cores_used": round(statistics.median(r["cpu"] / r["wall"] for r in runs), 2),
        "max_proc_mb": max(r["max_proc_mb"] for r in runs),
        "tree_mb": max(r["tree_mb"] for r in runs),
    }


def phases(root: Path, sample: list[Path]) -> dict[str, float]:
    """Where one shard's time goes, in this process: seconds per repository for each phase of
    ``index_shard`` plus the merge, averaged over ``sample`` (indexed into a scratch index)."""
    import duckdb

    from cpto.history import estate, store
    from cpto.history.indexer import index_repository

    scratch = root / ".bench-phases"
    shutil.rmtree(scratch, ignore_errors=True)
    shards = scratch / "shards"
    totals = dict.fromkeys(
        ("connect_schema", "index_repository", "write_parquet", "merge", "fingerprint"), 0.0
    )
    with store.open_index(scratch / "index.duckdb") as main:
        for n, repo in enumerate(sample, 1):
            t0 = time.perf_counter()
            estate.fingerprint(repo)
            t1 = time.perf_counter()
            con = duckdb.connect()
            con.execute("SET TimeZone = 'UTC'")
            store.create_tables(con)
            t2 = time.perf_counter()
            index_repository(con, repo)
            repo_id = int(con.execute("SELECT max(repo_id) FROM repos").fetchone()[0])  # type: ignore[index]
            t3 = time.perf_counter()
            estate.write_generation(con, repo_id, shards, n)
            con.close()
            t4 = time.perf_counter()
            t5 = time.perf_counter()
            # every sampled repository is repo_id 1 in its own database: the merge replaces the last one's rows
            estate.merge(main, shards, [estate.ShardEntry(repo_id, str(repo), n)])
            t6 = time.perf_counter()
            totals["fingerprint"] += t1 - t0
            totals["connect_schema"] += t2 - t1
            totals["index_repository"] += t3 - t2
            totals["write_parquet"] += t4 - t3
            totals["merge"] += t6 - t5
    shutil.rmtree(scratch, ignore_errors=True)
    return {k: v / len(sample) for k, v in totals.items()}


def noop_profile(root: Path, repos: list[Path]) -> dict[str, float]:
    """The no-op path's parts, in this process: fingerprints of every repository, the catalog read,
    opening the index, and the whole ``index_estate`` call (nothing moved)."""
    from cpto.history import estate, store

    index_path = root / ".cpto" / "index.duckdb"
    t0 = time.perf_counter()
    for repo in repos:
        estate.fingerprint(repo)
    t1 = time.perf_counter()
    estate.read_catalog(estate.shards_folder(index_path))
    t2 = time.perf_counter()
    with store.open_index(index_path):
        pass
    t3 = time.perf_counter()
    from cpto.review.service import needs_search_words
    from cpto.workspace import load_workspace

    # what `cpto index` asks for in this workspace (the generated estate has no PRDs: no search words)
    words = needs_search_words(load_workspace(root))
    estate.index_estate(index_path, repos, workers=2, words=words)
    t4 = time.perf_counter()
    return {"fingerprints": t1 - t0, "read_catalog": t2 - t1, "open_index": t3 - t2, "index_estate": t4 - t3}


def startup() -> float:
    """``cpto --version``: the CLI's own start-up, part of every measured command."""
    return float(repeated([*CPTO, "--version"], 3)["wall"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, help="the estate folder (default /tmp/cpto-estate-<N>x<M>)")
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="100 repositories x 100 commits")
    parser.add_argument("--pytest", type=Path, help="a clone of pytest-dev/pytest (added to the estate)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each full index (median)")
    parser.add_argument("--skip-generate", action="store_true", help="use --root as it is")
    parser.add_argument(
        "--skip-workers1", action="store_true", help="no --workers 1 run (it is the slow one)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.repos, args.commits = 100, 100
    root: Path = args.root or Path(f"/tmp/cpto-estate-{args.repos}x{args.commits}")
    extra = [args.pytest.resolve()] if args.pytest else []
    t = time.perf_counter()
    if not args.skip_generate:
        make_estate(root, args.repos, args.commits, extra=extra)
    generated = time.perf_counter() - t
    repos = [root / "repos" / f"repo{i:04d}" for i in range(args.repos)] + extra
    ws = ["-w", str(root), "--quiet"]
    r: dict[str, Any] = {
        "repos": len(repos),
        "commits_each": args.commits,
        "generate_s": round(generated, 1),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "startup_s": round(startup(), 3),
    }
    rebuild = [*CPTO, "index", *ws, "--rebuild"]
    if not args.skip_workers1:
        r["index_w1"] = repeated([*rebuild, "--workers", "1"], args.repeat)
    r["index_w2"] = repeated([*rebuild, "--workers", "2"], args.repeat)
    r["noop"] = repeated([*CPTO, "index", *ws, "--workers", "2"], 3)
    r["heartbeat"] = repeated([*CPTO, "heartbeat", "-w", str(root), "--json"], 3)
    r["history"] = repeated([*CPTO, "history", "-w", str(root), "--json"], 3)
    r["noop_profile"] = noop_profile(root, repos)
    sample = repos[: min(20, args.repos)]
    r["shard_phases_per_repo"] = phases(root, sample)
    if args.pytest:
        p = str(args.pytest)
        r["pytest_git_numstat"] = repeated(["git", "-C", p, "log", "--numstat", *REVS], 3)
        r["pytest_git_raw"] = repeated(["git", "-C", p, "log", "--raw", "--no-abbrev", *REVS], 3)
        r["pytest_cpto_index"] = repeated([*CPTO, "index", "-w", p, "--quiet", "--rebuild"], 3)
    r["load_after"] = os.getloadavg()[0]
    r["rusage_children_max_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(r, indent=1, default=str) if args.json else table(r))


def table(r: dict[str, Any]) -> str:
    """The results with the issue's targets beside them."""
    lines = [
        f"estate: {r['repos']} repositories ({r['commits_each']} commits each"
        f"{' + the pytest clone' if 'pytest_cpto_index' in r else ''}); {r['cpus']} cores; "
        f"load {r['load_before']:.1f} before, {r['load_after']:.1f} after; generated in {r['generate_s']} s; "
        f"cpto --version {r['startup_s']} s",
        "",
        f"| {'measure':<44} | {'seconds':>9} | {'tree MB':>8} | {'max proc MB':>11} | {'ratio':>6} | target |",
        f"|{'-' * 46}|{'-' * 11}|{'-' * 10}|{'-' * 13}|{'-' * 8}|--------|",
    ]

    def row(name: str, m: dict[str, Any], ratio: str = "", target: str = "") -> None:
        lines.append(
            f"| {name:<44} | {m['wall']:>9.2f} | {m['tree_mb']:>8.0f} | {m['max_proc_mb']:>11.0f} "
            f"| {ratio:>6} | {target} |"
        )

    if "index_w1" in r:
        row("(a) cpto index --rebuild --workers 1", r["index_w1"])
    speedup = f"{r['index_w1']['wall'] / r['index_w2']['wall']:.2f}x" if "index_w1" in r else ""
    row("(a) cpto index --rebuild --workers 2", r["index_w2"], speedup, ">= 1.7x faster; < 1 GB")
    row("(b) no-op re-index (--workers 2)", r["noop"], "", "< 5 s; < 1 GB")
    row("(d) cpto heartbeat --json", r["heartbeat"], "", "< 10 s")
    row("(d) cpto history --json", r["history"], "", "< 10 s")
    if "pytest_cpto_index" in r:
        peer = r["pytest_git_numstat"]["wall"]
        row("(e) pytest: git log --numstat (peer)", r["pytest_git_numstat"], "1.00")
        row(
            "(e) pytest: git log --raw (commits+paths ref.)",
            r["pytest_git_raw"],
            f"{r['pytest_git_raw']['wall'] / peer:.2f}",
            "reference",
        )
        row(
            "(e) pytest: cpto index --rebuild (full)",
            r["pytest_cpto_index"],
            f"{r['pytest_cpto_index']['wall'] / peer:.2f}",
            "<= 0.8x",
        )
    if "index_w1" in r:
        # The run with one worker is not one core: git runs beside the Python that reads its output
        # (and a large repository's history is read by several git processes). On N cores the best
        # speed-up of more workers is N / (cores the one-worker run used).
        used = r["index_w1"]["cores_used"]
        lines.append("")
        lines.append(
            f"cores used (CPU s / wall s): --workers 1 {used}, --workers 2 {r['index_w2']['cores_used']};"
            f" the ceiling of the speed-up on {r['cpus']} cores: {r['cpus'] / used:.2f}x"
            f" (CPU s: {r['index_w1']['cpu']:.0f} vs {r['index_w2']['cpu']:.0f})"
        )
    lines.append("")
    lines.append(
        "no-op path in this process (s): " + ", ".join(f"{k} {v:.3f}" for k, v in r["noop_profile"].items())
    )
    lines.append(
        "one shard, per repository (s): "
        + ", ".join(f"{k} {v:.3f}" for k, v in r["shard_phases_per_repo"].items())
    )
    lines.append(
        "all runs (s): "
        + json.dumps({k: v["walls"] for k, v in r.items() if isinstance(v, dict) and "walls" in v})
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
