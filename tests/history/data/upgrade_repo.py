"""The repository behind ``index-schema2.duckdb.gz``: rebuilt byte for byte (same SHAs) on any machine.

The index beside this file was written by cpto at commit ad049b2 (index schema 2, the code at the start
of issue 16) with ``python tests/history/data/upgrade_repo.py OUT``: it builds the repository in
``OUT/repo`` and indexes it to ``OUT/index.duckdb``. Tests rebuild the repository and check that today's
cpto upgrades that index and reports what a fresh index reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "Dana K",
    "GIT_AUTHOR_EMAIL": "dana@acme.example",
    "GIT_COMMITTER_NAME": "Dana K",
    "GIT_COMMITTER_EMAIL": "dana@acme.example",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
COMMITS = [
    ("feat(cart): add cart endpoint (#1)", {"api/cart.py": "def cart():\n    return []\n"}),
    ("docs: readme", {"README.md": "# Acme\n\nA shop.\n"}),
    ("feat(checkout): pay by card (#2)", {"api/checkout.py": "def pay(card):\n    return charge(card)\n"}),
    ("fix(cart): empty cart crash", {"api/cart.py": "def cart():\n    return list()\n"}),
    ("test(checkout): card declined", {"tests/test_checkout.py": "def test_declined():\n    assert True\n"}),
]


def build(path: Path) -> Path:
    """Make the repository in ``path`` (which must not exist): five commits, a tag, a merged branch."""
    env = {**os.environ, **IDENTITY}
    clock = 1_767_225_600  # 2026-01-01T00:00:00Z

    def git(*args: str, when: int | None = None) -> None:
        stamp = {"GIT_AUTHOR_DATE": f"{when} +0000", "GIT_COMMITTER_DATE": f"{when} +0000"} if when else {}
        subprocess.run(["git", "-C", str(path), *args], env={**env, **stamp}, check=True, capture_output=True)

    path.mkdir(parents=True)
    git("init", "-q", "-b", "main")
    for n, (message, files) in enumerate(COMMITS):
        if n == 3:
            git("checkout", "-q", "-b", "fix-cart")
        for name, text in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(text)
        git("add", "-A")
        clock += 3600
        git("commit", "-q", "-m", message, when=clock)
        if n == 2:
            git("tag", "v1.0.0")
        if n == 3:
            git("checkout", "-q", "main")
            clock += 3600
            git(
                "merge",
                "-q",
                "--no-ff",
                "-m",
                "Merge pull request #3 from dana/fix-cart",
                "fix-cart",
                when=clock,
            )
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    repo = build(out / "repo")
    subprocess.run([sys.executable, "-m", "cpto", "index", "-w", str(repo), "--quiet"], check=True)
    (repo / ".cpto" / "index.duckdb").rename(out / "index.duckdb")
