"""Benchmark: commits classified per second on one core, the model (``classify``) beside today's rules alone.

    python benchmarks/classify_speed.py            # 20,000 synthetic commits, messages with and without paths
    python benchmarks/classify_speed.py --n 50000

The model file is loaded once before timing (as ``cpto classify`` does on its first commit); the timing
covers featurizing, the NumPy inference and the rules' vote. Target: >= 2,000 commits/s.
"""

from __future__ import annotations

import argparse
import random
import time

from cpto.heartbeat.classify import classify, rules
from cpto.heartbeat.model import load_model

SUBJECTS = (
    "Handle empty carts when the last item is removed",
    "Add saved carts for signed-in users",
    "Remove the unused pricing helpers",
    "Bump duckdb from 1.0.0 to 1.1.0",
    "Explain the working agreement in the README",
    "HBASE-1234 Fix NPE in region server when the scanner is closed twice",
    "Speed up the index by batching inserts",
    "Update",
)
PATHS = (
    ["src/cart.py"],
    ["tests/test_cart.py"],
    ["docs/a.md", "README.md"],
    [".github/workflows/ci.yml"],
    [],
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(20)
    commits = [
        (
            f"{rng.choice(SUBJECTS)} (#{rng.randint(1, 9999)})\n\n{rng.choice(SUBJECTS).lower()} and more",
            rng.choice(PATHS),
        )
        for _ in range(args.n)
    ]
    load_model()
    for name, function in (("model (classify)", classify), ("rules alone", rules)):
        started = time.perf_counter()
        for message, paths in commits:
            function(message, paths, 10, 2)
        seconds = time.perf_counter() - started
        print(f"{name:17} {args.n / seconds:9,.0f} commits/s  ({seconds * 1e6 / args.n:.0f} us each)")


if __name__ == "__main__":
    main()
