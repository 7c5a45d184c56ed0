"""Benchmark: reviewing a PRD against an already-built index, next to one ``git log --numstat`` read.

    python benchmarks/review_speed.py                 # /work/bench/pytest if present, else a synthetic repo
    python benchmarks/review_speed.py REPO --prd PRD --repeat 5 --json
    python benchmarks/review_speed.py REPO --requirements 200

The index is built once, untimed, with ``cpto trace PRD --repo REPO --index IDX``. The same command is
then timed ``--repeat`` times: the index is up to date, so what is left is process start, the no-op
index check and the review itself. The library call (``review`` on an open read-only index, no
interpreter start-up) is timed too. Both are set against one ``git log --numstat`` over the same refs as
benchmarks/index.py, measured in the same run, so the ratio says how a review compares with the
cheapest possible read of the history on this machine.

Without ``--prd`` a PRD with ``--requirements`` requirements is generated (``## R1: title`` and a
paragraph each) from the words of 50 of the repository's own commit subjects (fixed seed), so the text
reads like that project's vocabulary.
"""

from __future__ import annotations

import argparse
import json
import random
import re
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
    from cpto.history import store
    from cpto.review.service import load_prds, review
    index, repo, prd, repeat = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        with store.open_index(index, read_only=True) as con:
            result = review(con, repo, load_prds([prd]))
        runs.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": statistics.median(runs), "rss_mb": rss / 1024,
                      "requirements": len(result.requirements)}))
    """
)


def synthetic_prd(repo: Path, path: Path, requirements: int, seed: int = 1) -> None:
    """Write a PRD whose titles and bodies are words drawn from 50 random commit subjects of ``repo``."""
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--no-merges", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    )
    subjects = [s for s in log.stdout.splitlines() if s.strip()]
    rng = random.Random(seed)
    sample = rng.sample(subjects, min(50, len(subjects)))
    words = [w for s in sample for w in re.findall(r"[A-Za-z][A-Za-z0-9_]+", s)] or ["change"]
    lines = [f"# Synthetic requirements for {repo.name}", ""]
    for i in range(1, requirements + 1):
        title = " ".join(rng.choices(words, k=rng.randint(3, 7)))
        body = " ".join(rng.choices(words, k=rng.randint(40, 80)))
        lines += [f"## R{i}: {title}", "", f"{body}.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def library_review(index: Path, repo: Path, prd: Path, repeat: int) -> dict[str, float]:
    """Median seconds of ``review`` on an open index in one warm process, and that process's peak RSS."""
    cmd = [sys.executable, "-c", _LIBRARY, str(index), str(repo), str(prd), str(repeat)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"library review failed ({out.returncode}):\n{out.stderr[-1000:]}")
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", nargs="?", type=Path, help=f"git repository (default: {DEFAULT_REPO})")
    parser.add_argument("--prd", type=Path, help="PRD to review (default: a synthetic one)")
    parser.add_argument("--requirements", type=int, default=50, help="requirements in the synthetic PRD")
    parser.add_argument("--repeat", type=int, default=5, help="timed reviews; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cpto-review-") as tmp:
        work = Path(tmp)
        if args.repo:
            repo = args.repo.resolve()
        elif DEFAULT_REPO.is_dir():
            repo = DEFAULT_REPO
        else:
            repo = work / "synthetic"
            synthetic_repo(repo)
        prd = args.prd.resolve() if args.prd else work / "prd.md"
        if args.prd is None:
            synthetic_prd(repo, prd, args.requirements)
        index = work / "index.duckdb"
        trace = [sys.executable, "-m", "cpto", "trace", str(prd), "--repo", str(repo), "--index", str(index)]
        trace += ["--json", "-q"]

        git_log = best_of(["git", "-C", str(repo), "log", "--numstat", *REVS], 1)
        first = measure(trace)  # builds the index; not part of the review time
        cli = best_of(trace, args.repeat)
        library = library_review(index, repo, prd, args.repeat)
        commits = commit_count(repo)

    results = {
        "repo": str(repo) if repo != work / "synthetic" else "synthetic (git fast-import)",
        "commits": commits,
        "prd": str(args.prd or f"synthetic, {args.requirements} requirements"),
        "requirements": int(library["requirements"]),
        "git_log_numstat_s": round(git_log["wall"], 3),
        "first_trace_with_index_build_s": round(first["wall"], 3),
        "review_cli_median_s": round(cli["wall"], 3),
        "review_library_median_s": round(library["wall"], 3),
        "review_cli_vs_git_log": round(cli["wall"] / git_log["wall"], 3),
        "review_library_vs_git_log": round(library["wall"] / git_log["wall"], 3),
        "git_log_peak_rss_mb": round(git_log["rss_mb"], 1),
        "review_cli_peak_rss_mb": round(cli["rss_mb"], 1),
        "review_library_peak_rss_mb": round(library["rss_mb"], 1),
    }
    print_results(results, as_json=args.json)


if __name__ == "__main__":
    main()
