"""Benchmark: how long cpto takes to start, as whole processes, beside the interpreter's own start-up.

    python benchmarks/startup.py [REPO] [--repeat 5] [--json]

Times ``cpto --version``, ``cpto --help`` and a no-op ``cpto index`` (REPO already indexed; default: a
small synthetic repository) as the median of ``--repeat`` runs, and ``python -c pass`` and
``git --version`` measured in the same run as the peers: the floor any Python command pays and what a
native tool pays. Targets (issue 15): --version and --help under 0.3 s, a no-op index under 0.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from index import best_of, print_results


def small_repo(folder: Path) -> Path:
    """A repository of twenty commits, enough for an index to exist and be up to date."""
    repo = folder / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for n in range(20):
        (repo / f"f{n}.txt").write_text(f"{n}\n")
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-qm", f"c{n}"],
            check=True,
        )
    return repo


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", nargs="?", type=Path, help="An indexed repository for the no-op index.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cpto = str(Path(sys.executable).with_name("cpto"))
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.repo or small_repo(Path(tmp))
        subprocess.run([cpto, "index", "-w", str(repo), "--quiet"], check=True, capture_output=True)
        runs = {
            "python_-c_pass": [sys.executable, "-c", "pass"],
            "git_--version": [shutil.which("git") or "git", "--version"],
            "cpto_--version": [cpto, "--version"],
            "cpto_--help": [cpto, "--help"],
            "cpto_index_no-op": [cpto, "index", "-w", str(repo), "--quiet"],
        }
        results: dict[str, object] = {"repeat": args.repeat}
        for name, cmd in runs.items():
            results[f"{name}_s"] = round(best_of(cmd, args.repeat)["wall"], 3)
    print_results(results, as_json=args.json)


if __name__ == "__main__":
    main()
