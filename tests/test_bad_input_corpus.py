"""The bad-input corpus, re-run as a user would meet it: each broken or hostile file, dropped into a real
workspace, through every command that reads it. Whatever the command does, it exits 0, 1 or 2; on 2 it
says one line naming the file; it never prints a traceback. Per-reader details live beside each reader's
tests; this is the whole-tool net that catches a command that forgot to validate.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import Repo

# (file, content): each is written into a fresh copy of a small workspace, alone
CORPUS: list[tuple[str, str | bytes]] = [
    ("cpto.toml", "[workspace]\nreposs = ['.']\n"),
    ("cpto.toml", "[sla]\ndecision = '99999999999999d'\n"),
    ("cpto.toml", "[workspace\nname = 1\n"),
    ("cpto.toml", b"\xff\xfe[workspace]\n"),
    ("cpto.toml", "[deploys]\nlog = 'deploys.log'\n"),
    ("deploys.log", "2026-02-30T10:00Z abcdef1 v1\n"),
    ("people.yaml", "people:\n  - handle: a\n    manager: b\n  - handle: b\n    manager: a\n"),
    (
        "people.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    ),
    ("decisions/0001-empty.md", ""),
    ("decisions/0002-types.md", "---\nid: D-0002\nstatus: accepted\nconsulted: 5\n---\n# T\n"),
    (
        "decisions/0003-time.md",
        "---\nid: D-0003\nstatus: accepted\nraised: 2099-01-01\ndecided: 2026-01-01\n---\n# T\n",
    ),
    ("decisions/0004-date.md", "---\nid: D-0004\nstatus: proposed\nraised: 2026-02-30\n---\n# T\n"),
    (
        "incidents/2026-01-01-x.md",
        "---\nid: INC-1\nseverity: SEV1\n---\n## Timeline\n- 2026-01-01 10:00+25:00 started: x\n",
    ),
    (
        "incidents/2026-01-02-y.md",
        "---\nid: INC-2\nseverity: SEV1\n---\n## Timeline\n- 0001-01-01 10:00 started: x\n",
    ),
    ("roadmap.yaml", "items:\n  - id: RM-1\n    horizon: week\n    target: 20260301\n"),
    ("roadmap.yaml", "items: 5\n"),
    ("docs/prd/bad.md", "---\ntitle: [unclosed\n---\n# P\n## Requirements\n### P-1: x\n"),
    ("docs/prd/start.md", "---\nstart: 20260301\n---\n# P\n## Requirements\n### P-1: x\n"),
    ("alarms/ALARM-1.md", "not a record at all\n"),
]
COMMANDS = [
    ("check",),
    ("history", "-q"),
    ("people", "-q"),
    ("decision", "list"),
    ("incident", "list"),
    ("timeline",),
    ("roadmap", "review"),
    ("heartbeat", "-q", "--no-trace"),
    ("review", "-q"),
    ("lint",),
    ("actions",),
    ("alarm", "list"),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real workspace: a git repository with a PRD, a decision and a tag."""
    path = tmp_path_factory.mktemp("corpus") / "ws"
    path.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    repo = Repo(path)
    repo.commit(
        "feat: cart",
        {
            "api/cart.py": "def cart():\n    return []\n",
            "docs/prd/cart.md": "# Cart\n\n## Requirements\n\n### CART-1: A cart\nShoppers keep a cart.\n",
        },
    )
    repo.git("tag", "v1.0.0")
    # indexed once here; each copy's index then meets a moved workspace, as a copied folder would
    subprocess.run([sys.executable, "-m", "cpto", "index", "-q", "-w", str(path)], check=True)
    return path


@pytest.mark.parametrize(("name", "content"), CORPUS, ids=[f"{n}#{i}" for i, (n, _) in enumerate(CORPUS)])
def test_no_command_prints_a_traceback_on_bad_input(
    base: Path, tmp_path: Path, name: str, content: str | bytes
) -> None:
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    target = ws / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    for command in COMMANDS:
        proc = subprocess.run(
            [sys.executable, "-m", "cpto", *command, "-w", str(ws)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        said = f"`cpto {' '.join(command)}` on {name}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr, said
        assert proc.returncode in (0, 1, 2), said
        if proc.returncode == 2:
            lines = proc.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("cpto: error: "), said
