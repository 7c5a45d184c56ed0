"""Milliseconds per forum page over the demo workspace, warm, side by side with its peers; target under
300 ms warm.

.venv/bin/python benchmarks/forum_pages.py [WORKSPACE]

For each page: ``warm`` is a load through the app (TestClient: token check, the workspace's state looked
at, the page served as drawn from that state), ``draw`` is the same page drawn again with nothing kept
(the cost of the first load after a change to the records), and ``cli`` is the command that prints the
same report as HTML, run as a subprocess (``cpto review --format html`` ...), with ``cli/warm`` their
ratio. ``look`` is what every load pays to see whether anything changed. Without WORKSPACE a fresh demo
is built (``cpto demo``); a real workspace is used as it is (its index is brought up to date first).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from cpto.forum.app import create_app
from cpto.forum.views import Forum, look
from cpto.workspace import load_workspace

# page, its forum method, and the CLI command printing the same report (None: no single command)
PAGES: tuple[tuple[str, Callable[[Forum], str], list[str] | None], ...] = (
    ("/", Forum.home, None),
    ("/review", Forum.review, ["review", "--format", "html"]),
    ("/roadmap", Forum.roadmap, ["roadmap", "review", "--format", "html"]),
    ("/heartbeat", lambda f: f.heartbeat(None), ["heartbeat", "--format", "html"]),
    (
        "/heartbeat?week=2026-W45",
        lambda f: f.heartbeat("2026-W45"),
        ["heartbeat", "--week", "2026-W45", "--format", "html"],
    ),
    ("/incidents", Forum.incidents, ["incident", "list", "--format", "html"]),
    ("/decisions", Forum.decisions, ["decision", "list", "--format", "html"]),
    ("/people", Forum.people, ["people", "--format", "html"]),
    ("/strategy", Forum.strategy, ["strategy", "--format", "html"]),
)


def _ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(workspace: Path, runs: int = 5) -> None:
    config = load_workspace(workspace)
    forum = Forum(config, commit=False)  # drawing with nothing kept: before the app, one index user at a time
    forum.home()  # brings the index up to date
    print(f"look (each load: refs + file stats)  {_ms(lambda: look(config), runs):7.1f} ms")
    draws = {}
    for path, method, _ in PAGES:

        def fresh(m: Callable[[Forum], str] = method) -> None:
            forum._pages.clear()
            forum._review = None
            m(forum)

        draws[path] = _ms(fresh, max(1, runs // 2))
    with TestClient(create_app(config, "bench"), headers={"Authorization": "Bearer bench"}) as client:
        print(f"{'page':28} {'warm':>7} {'draw':>7} {'cli':>7} {'cli/warm':>9}")
        for path, _, command in PAGES:
            client.get(path).raise_for_status()  # drawn (or waited for) once; the rest are warm loads
            warm = _ms(lambda p=path: client.get(p).raise_for_status(), runs)  # type: ignore[misc]
            cli = (
                _ms(
                    lambda c=command: subprocess.run(  # type: ignore[misc]
                        [sys.executable, "-m", "cpto", *c, "--workspace", str(workspace)],
                        check=True,
                        capture_output=True,
                    ),
                    max(1, runs // 2),
                )
                if command
                else float("nan")
            )
            print(f"{path:28} {warm:7.1f} {draws[path]:7.0f} {cli:7.0f} {cli / warm:8.0f}x")


def main() -> None:
    if len(sys.argv) > 1:
        measure(Path(sys.argv[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "acme"
        subprocess.run([sys.executable, "-m", "cpto", "demo", str(demo)], check=True, capture_output=True)
        measure(demo)


if __name__ == "__main__":
    main()
