"""Milliseconds per forum page over the demo workspace (TestClient, warm index); target under 300 ms.

.venv/bin/python benchmarks/forum_pages.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from cpto.forum.app import create_app
from cpto.workspace import load_workspace

PAGES = (
    "/",
    "/review",
    "/roadmap",
    "/heartbeat",
    "/heartbeat?week=2026-W45",
    "/incidents",
    "/decisions",
    "/people",
)


def main(runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "acme"
        subprocess.run([sys.executable, "-m", "cpto", "demo", str(demo)], check=True, capture_output=True)
        client = TestClient(
            create_app(load_workspace(demo), "bench"), headers={"Authorization": "Bearer bench"}
        )
        client.get("/")  # warm the index
        for path in PAGES:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                assert client.get(path).status_code == 200, path
                times.append((time.perf_counter() - start) * 1000)
            print(f"{path:28} {statistics.median(times):7.0f} ms")


if __name__ == "__main__":
    main()
