"""Benchmark: a two-phase index (commits and paths first, line counts after) against a one-phase index
and a bare ``git log --numstat``, side by side.

    python benchmarks/two_phase.py REPO            # e.g. a clone of pytest-dev/pytest
    python benchmarks/two_phase.py REPO --repeat 5 --json

Each round runs, one after the other so they share the machine's load: the peer
(``git log --numstat`` over HEAD, branches, tags and remotes), phase 1 alone (``index_repository(...,
lines=False)`` into a fresh index), phase 1 then phase 2 in one process (the time commits and paths
were ready, and the total), the one-phase index ``cpto index`` runs where there are no PRDs
(commits, paths, line counts), and the same with the review's search words (``cpto index --words``,
what a workspace with PRDs keeps; each patch read a second time). Each cpto run is a fresh Python process on a
fresh index, timed from inside (the import of cpto is not counted; the CLI's start-up is measured by
benchmarks/startup.py). Medians of ``--repeat`` rounds, ratios to the peer, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REVS = ["HEAD", "--branches", "--tags", "--remotes"]

_DRIVER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from cpto.history import store
    from cpto.history.indexer import index_repository
    mode, repo, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    with store.open_index(db) as con:
        t = time.perf_counter()
        result = index_repository(con, repo, lines=mode in ("one", "words"), words=mode == "words")
        ready = time.perf_counter() - t
        if mode == "both":
            result = index_repository(con, repo, words=False)
        total = time.perf_counter() - t
        commits = con.execute("SELECT count(*) FROM commits").fetchone()[0]
    print(json.dumps({"ready": ready, "total": total, "pending": result.pending, "commits": commits}))
    """
)


def run_cpto(mode: str, repo: Path, work: Path) -> dict[str, float]:
    """One cpto run of ``mode`` (one | phase1 | both) on a fresh index, in a fresh process."""
    db = work / f"{mode}.duckdb"
    for leftover in work.glob(f"{mode}.duckdb*"):
        leftover.unlink()
    out = subprocess.run(
        [sys.executable, "-c", _DRIVER, mode, str(repo), str(db)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"cpto {mode} failed: {out.stderr[-800:]}")
    return dict(json.loads(out.stdout))


def run_peer(repo: Path) -> float:
    """Wall time of one ``git log --numstat`` over the same refs cpto indexes."""
    t = time.perf_counter()
    subprocess.run(["git", "-C", str(repo), "log", "--numstat", *REVS], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path, help="git repository, e.g. a clone of pytest-dev/pytest")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    repo = args.repo.resolve()
    load_before = os.getloadavg()
    keys = ("peer", "phase1", "both_ready", "both_total", "one", "words")
    times: dict[str, list[float]] = {k: [] for k in keys}
    commits = 0
    with tempfile.TemporaryDirectory(prefix="cpto-two-phase-") as tmp:
        work = Path(tmp)
        for _ in range(args.repeat):
            times["peer"].append(run_peer(repo))
            phase1 = run_cpto("phase1", repo, work)
            times["phase1"].append(phase1["ready"])
            both = run_cpto("both", repo, work)
            times["both_ready"].append(both["ready"])
            times["both_total"].append(both["total"])
            one = run_cpto("one", repo, work)
            times["one"].append(one["total"])
            times["words"].append(run_cpto("words", repo, work)["total"])
            commits = int(one["commits"])
            if both["pending"] or both["commits"] != one["commits"] or phase1["pending"] != one["commits"]:
                raise SystemExit(f"inconsistent runs: phase1 {phase1}, both {both}, one {one}")
    medians = {key: statistics.median(values) for key, values in times.items()}
    peer = medians["peer"]
    results: dict[str, object] = {
        "repo": str(args.repo),
        "commits": commits,
        "rounds": args.repeat,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "git_log_numstat_s": round(peer, 3),
    }
    for key, label in (
        ("phase1", "phase1_alone"),
        ("both_ready", "two_phase_paths_ready"),
        ("both_total", "two_phase_total"),
        ("one", "one_phase_index"),
        ("words", "one_phase_with_search_words"),
    ):
        results[f"{label}_s"] = round(medians[key], 3)
        results[f"{label}_vs_git_log"] = round(medians[key] / peer, 3)
    results["all_runs_s"] = {key: [round(v, 2) for v in values] for key, values in times.items()}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
