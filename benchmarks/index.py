"""Benchmark: cpto's history index against a bare ``git log --numstat`` and PyDriller, side by side.

    python benchmarks/index.py REPO            # a real repository (e.g. a clone of pytest-dev/pytest)
    python benchmarks/index.py                 # a synthetic repository made with git fast-import

For each tool it runs the same commits (HEAD, branches, tags and remote-tracking branches), reports
wall time, the ratio to ``git log --numstat``, and peak memory (max RSS of the process tree's largest
process). PyDriller is slow, so by default it runs on a sample of commits and its full time is
extrapolated from its per-commit rate; ``--pydriller-sample 0`` runs it on every commit. Also timed: a
re-index with no new commits (the incremental path), through the CLI and through the library.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REVS = ["HEAD", "--branches", "--tags", "--remotes"]

_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": wall, "rss_mb": rss / 1024, "rc": proc.returncode,
                      "err": proc.stderr.decode(errors="replace")[-500:]}))
    """
)


def measure(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd`` in a fresh wrapper process so its peak memory is its own."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, check=True, text=True)
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"benchmark command failed ({result['rc']}): {' '.join(cmd)}\n{result['err']}")
    return result


def best_of(cmd: list[str], repeat: int, before: list[str] | None = None) -> dict[str, float]:
    """Median wall time and max memory over ``repeat`` runs; ``before`` runs untimed ahead of each."""
    runs = []
    for _ in range(repeat):
        if before:
            subprocess.run(before, check=True)
        runs.append(measure(cmd))
    return {"wall": statistics.median(r["wall"] for r in runs), "rss_mb": max(r["rss_mb"] for r in runs)}


def commit_count(repo: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", *REVS], capture_output=True, text=True
    )
    return int(out.stdout.strip())


def pydriller_rate(repo: Path, sample: int) -> tuple[float, int]:
    """Seconds per commit for PyDriller reading the same facts cpto keeps (lines, paths, renames)."""
    script = textwrap.dedent(
        f"""
        import time
        from pydriller import Repository
        n = 0
        t = time.perf_counter()
        for c in Repository({str(repo)!r}).traverse_commits():
            _ = (c.hash, c.parents, c.author.email, c.author_date, c.msg, c.insertions, c.deletions)
            for m in c.modified_files:
                _ = (m.new_path, m.old_path, m.added_lines, m.deleted_lines)
            n += 1
            if {sample} and n >= {sample}:
                break
        print(time.perf_counter() - t, n)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    seconds, n = out.stdout.split()
    return float(seconds) / int(n), int(n)


def synthetic_repo(path: Path, commits: int = 3000, files: int = 300, seed: int = 1) -> None:
    """A repository with realistic churn (edits, renames, binary files, merges) via git fast-import."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    names = [f"src/pkg{i % 12}/module_{i}.py" for i in range(files)]
    contents = {n: [f"line {j} of {n}" for j in range(rng.randint(20, 200))] for n in names}
    stream: list[bytes] = []

    def blob(data: bytes) -> None:
        stream.append(b"data %d\n" % len(data) + data + b"\n")

    clock = 1_700_000_000
    for i in range(1, commits + 1):
        clock += rng.randint(600, 20_000)
        message = rng.choice(["feat: add", "fix: repair", "refactor: tidy", "docs: explain", "chore: bump"])
        message = f"{message} {rng.choice(names)} (#{i})".encode()
        stream.append(b"commit refs/heads/main\nmark :%d\n" % i)
        stream.append(b"author Dev %d <dev%d@example.com> %d +0100\n" % (i % 9, i % 9, clock))
        stream.append(b"committer Dev %d <dev%d@example.com> %d +0100\n" % (i % 9, i % 9, clock))
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if i > 1:
            stream.append(b"from :%d\n" % (i - 1))
        touched = rng.sample(names, rng.randint(1, 6)) if i > 1 else names
        for name in touched:
            lines = contents[name]
            for _ in range(rng.randint(1, 15)):
                pos = rng.randrange(len(lines) + 1)
                if rng.random() < 0.7 or len(lines) < 5:
                    lines.insert(pos, f"edit {i} {rng.random():.6f}")
                else:
                    del lines[min(pos, len(lines) - 1)]
            stream.append(f"M 100644 inline {name}\n".encode())
            blob(("\n".join(lines) + "\n").encode())
        if i % 97 == 0:
            old = rng.choice(names)
            new = old.replace("module_", "renamed_")
            if new != old and new not in contents:
                stream.append(f"R {old} {new}\n".encode())
                names[names.index(old)] = new
                contents[new] = contents.pop(old)
        if i % 250 == 0:
            stream.append(f"M 100644 inline assets/image_{i}.png\n".encode())
            blob(bytes(rng.randrange(256) for _ in range(2048)))
        if i % 300 == 0:
            stream.append(b"reset refs/tags/v%d.0\nfrom :%d\n" % (i // 300, i))
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", "main"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", nargs="?", type=Path, help="git repository (default: a synthetic one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is reported")
    parser.add_argument("--pydriller-sample", type=int, default=500, help="commits PyDriller reads (0: all)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cpto-bench-") as tmp:
        work = Path(tmp)
        repo = args.repo.resolve() if args.repo else work / "synthetic"
        if args.repo is None:
            synthetic_repo(repo)
        n = commit_count(repo)
        cpto = [
            sys.executable,
            "-m",
            "cpto",
            "index",
            "--repo",
            str(repo),
            "--workspace",
            str(work),
            "--quiet",
        ]
        wipe = ["rm", "-rf", str(work / ".cpto")]

        git_log = best_of(["git", "-C", str(repo), "log", "--numstat", *REVS], args.repeat)
        full = best_of(cpto, args.repeat, before=wipe)
        noop = best_of(cpto, args.repeat)
        library_noop = library_reindex_seconds(repo, work / ".cpto" / "index.duckdb")
        per_commit, sampled = pydriller_rate(repo, args.pydriller_sample)
        pydriller_full = per_commit * n

    results = {
        "repo": str(args.repo or "synthetic (git fast-import)"),
        "commits": n,
        "git_log_numstat_s": round(git_log["wall"], 3),
        "cpto_index_s": round(full["wall"], 3),
        "cpto_vs_git_log": round(full["wall"] / git_log["wall"], 3),
        "pydriller_s_extrapolated": round(pydriller_full, 1),
        "pydriller_sampled_commits": sampled,
        "cpto_speedup_vs_pydriller": round(pydriller_full / full["wall"], 1),
        "reindex_noop_cli_s": round(noop["wall"], 3),
        "reindex_noop_library_s": round(library_noop, 3),
        "cpto_peak_rss_mb": round(full["rss_mb"], 1),
        "git_log_peak_rss_mb": round(git_log["rss_mb"], 1),
    }
    print_results(results, as_json=args.json)


def print_results(results: dict[str, object], *, as_json: bool) -> None:
    """One benchmark's numbers: JSON for scripts, or aligned key/value lines for people."""
    if as_json:
        print(json.dumps(results, indent=2))
        return
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


def library_reindex_seconds(repo: Path, index_path: Path) -> float:
    """A no-op re-index through the library (no interpreter start-up or CLI import cost)."""
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from cpto.history import store
        from cpto.history.indexer import index_repository
        t = time.perf_counter()
        with store.open_index(Path({str(index_path)!r})) as con:
            r = index_repository(con, Path({str(repo)!r}))
        assert r.up_to_date
        print(time.perf_counter() - t)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout)


if __name__ == "__main__":
    if shutil.which("git") is None:
        raise SystemExit("git is required")
    main()
