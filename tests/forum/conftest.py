"""A demo workspace (built once per test module with ``cpto demo``) and a forum client over it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from cpto.forum.app import create_app
from cpto.workspace import load_workspace

TOKEN = "test-token-0123456789"
BASE = "http://127.0.0.1:8765"


def build_demo(folder: Path) -> Path:
    """A fresh demo workspace, made by the real command."""
    subprocess.run([sys.executable, "-m", "cpto", "demo", str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("forum") / "acme")


@pytest.fixture(scope="module")
def client(demo: Path) -> Iterator[TestClient]:
    """A client that carries the token in its cookie, as a browser does after the start URL."""
    with TestClient(create_app(load_workspace(demo), TOKEN), base_url=BASE) as c:
        c.cookies.set("cpto_token", TOKEN)
        yield c
