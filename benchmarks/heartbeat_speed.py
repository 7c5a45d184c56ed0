"""Benchmark: the weekly heartbeat over an already-built index, next to one ``git log --numstat`` read.

    python benchmarks/heartbeat_speed.py                 # /work/bench/pytest if present, else a synthetic repo
    python benchmarks/heartbeat_speed.py REPO --tags '[0-9]*' --repeat 5 --json

A workspace in a temporary folder points at REPO (``[deploys] tags`` from ``--tags``). The index is built
once, untimed, by the first ``cpto heartbeat``; the same command is then timed ``--repeat`` times (the
index is up to date: process start, the no-op index check and the heartbeat itself), and so is the
library call on an open read-only index. Both are set against one ``git log --numstat`` over the same
refs as benchmarks/index.py, measured in the same run. The week reported is the one of REPO's newest
tag (else its last commit), so the trend walks five weeks of real deploys.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from index import REVS, best_of, commit_count, measure, print_results, synthetic_repo

DEFAULT_REPO = Path("/work/bench/pytest")

_LIBRARY = textwrap.dedent(
    """
    import json, resource, statistics, sys, time
    from pathlib import Path
    from cpto.heartbeat.week import heartbeat, week_start
    from cpto.history import store
    from cpto.workspace import load_workspace
    from datetime import date
    config = load_workspace(Path(sys.argv[1]))
    start = week_start(sys.argv[2], date.today())
    runs = []
    for _ in range(int(sys.argv[3])):
        t = time.perf_counter()
        with store.open_index(config.index_path, read_only=True) as con:
            beat = heartbeat(con, 1, config, [], [], start)
        runs.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": statistics.median(runs), "rss_mb": rss / 1024, "deploys": len(beat.delivery.deploys)}))
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", nargs="?", type=Path, help=f"git repository (default: {DEFAULT_REPO})")
    parser.add_argument("--tags", default="[0-9]*", help="deploy tag pattern ([deploys] tags)")
    parser.add_argument("--repeat", type=int, default=5, help="timed heartbeats; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cpto-heartbeat-") as tmp:
        work = Path(tmp)
        if args.repo:
            repo = args.repo.resolve()
        elif DEFAULT_REPO.is_dir():
            repo = DEFAULT_REPO
        else:
            repo = work / "synthetic"
            synthetic_repo(repo)
        workspace = work / "ws"
        workspace.mkdir()
        (workspace / "cpto.toml").write_text(
            f'[workspace]\nrepos = ["{repo}"]\n\n[deploys]\ntags = "{args.tags}"\n'
        )
        latest_tag = [
            "for-each-ref",
            "--sort=-creatordate",
            "--count=1",
            "--format=%(creatordate:short)",
            "refs/tags",
        ]
        latest_commit = ["log", "-1", "--format=%cs"]
        dates = [
            subprocess.run(
                ["git", "-C", str(repo), *cmd], capture_output=True, text=True, check=True
            ).stdout.strip()
            for cmd in (latest_tag, latest_commit)
        ]
        last = next(d for d in dates if d)
        beat = [
            sys.executable,
            "-m",
            "cpto",
            "heartbeat",
            "-w",
            str(workspace),
            "--week",
            last,
            "--json",
            "-q",
        ]

        git_log = best_of(["git", "-C", str(repo), "log", "--numstat", *REVS], 1)
        first = measure(beat)  # builds the index; not part of the heartbeat's time
        cli = best_of(beat, args.repeat)
        out = subprocess.run(
            [sys.executable, "-c", _LIBRARY, str(workspace), last, str(args.repeat)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        library = json.loads(out.stdout)
        commits = commit_count(repo)

    results = {
        "repo": str(repo) if repo != work / "synthetic" else "synthetic (git fast-import)",
        "commits": commits,
        "week_of": last,
        "deploys_that_week": library["deploys"],
        "git_log_numstat_s": round(git_log["wall"], 3),
        "first_heartbeat_with_index_build_s": round(first["wall"], 3),
        "heartbeat_cli_median_s": round(cli["wall"], 3),
        "heartbeat_library_median_s": round(library["wall"], 3),
        "heartbeat_cli_vs_git_log": round(cli["wall"] / git_log["wall"], 3),
        "heartbeat_library_vs_git_log": round(library["wall"] / git_log["wall"], 3),
        "git_log_peak_rss_mb": round(git_log["rss_mb"], 1),
        "heartbeat_cli_peak_rss_mb": round(cli["rss_mb"], 1),
        "heartbeat_library_peak_rss_mb": round(library["rss_mb"], 1),
    }
    print_results(results, as_json=args.json)


if __name__ == "__main__":
    main()
