"""Shared by the heartbeat tests: the demo workspace's heartbeat of 2026-W45, built once per session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class DemoBeat:
    workspace: Path
    stdout: str  # `cpto heartbeat --week 2026-W45 --json --no-trace`
    data: dict[str, Any]


@pytest.fixture(scope="session")
def demo_w45(tmp_path_factory: pytest.TempPathFactory) -> DemoBeat:
    """The demo and its 2026-W45 heartbeat as JSON; tests only read them (one that writes builds its own)."""
    from tests.cli.test_cli import cpto

    demo = tmp_path_factory.mktemp("demo") / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    proc = cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--json", "--no-trace")
    assert proc.returncode == 0, proc.stderr
    return DemoBeat(demo, proc.stdout, json.loads(proc.stdout))
