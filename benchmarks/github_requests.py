"""Requests `cpto github sync` makes against a minimal REST client, on a repository of 1,000 pull requests.

Runs against the local GitHub of tests/github/server.py (no internet). The minimal client is the
least any REST client needs for the same rows: every page of pulls, issues (GitHub lists pull requests
there too, and REST cannot leave them out), releases and deployments, and for each pull request its
commits and reviews pages, and for each deployment one statuses request. Target: ratio <= 1.2; then a
second sync with nothing new: <= 3 requests.

    .venv/bin/python benchmarks/github_requests.py [PULLS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from math import ceil
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.github.server import read_all, record, serve

from cpto.cli.history import run_index
from cpto.github.client import GitHubClient
from cpto.github.sync import resolve_targets, sync_repository
from cpto.history import store


def pages(n: int) -> int:
    return max(1, ceil(n / 100))


def minimal(root: Path) -> int:
    pulls = read_all(root / "pulls.json")
    count = pages(len(pulls)) + pages(len(read_all(root / "issues.json")))
    count += pages(len(read_all(root / "releases.json")))
    deployments = read_all(root / "deployments.json")
    count += pages(len(deployments)) + len(deployments)
    for pull in pulls:
        n = pull["number"]
        count += pages(len(read_all(root / f"pulls/{n}/commits.json")))
        count += pages(len(read_all(root / f"pulls/{n}/reviews.json")))
    return count


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        folder = record(
            Path(tmp) / "rec", pulls=n, issues=n // 4, releases=20, deployments=30, timeline=False
        )
        repo = Path(tmp) / "shop"
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q",
                        "--allow-empty", "-m", "init"], check=True)  # fmt: skip
        subprocess.run(
            ["git", "-C", str(repo), "remote", "add", "origin", "https://github.com/acme/shop"], check=True
        )
        index = repo / ".cpto" / "index.duckdb"
        run_index(index, [repo], jobs=None, quiet=True)
        with (
            serve(folder) as server,
            store.open_index(index) as con,
            GitHubClient(api_url=server.url) as client,
        ):
            (target,) = resolve_targets(con, ["acme/shop"], server.url)
            start = time.perf_counter()
            first = sync_repository(con, client, target)
            seconds = time.perf_counter() - start
            second = sync_repository(con, client, target)
        least = minimal(folder / "acme/shop")
        print(f"pull requests: {n}")
        print(f"first sync: {first.requests} requests, minimal client: {least}, ratio {first.requests / least:.3f}"
              f" (target <= 1.2), {seconds:.1f} s against the local server")  # fmt: skip
        print(f"second sync, nothing new: {second.requests} requests (target <= 3)")
        if first.requests / least > 1.2 or second.requests > 3:
            sys.exit(1)


if __name__ == "__main__":
    main()
