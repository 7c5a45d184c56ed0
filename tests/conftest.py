"""Shared fixtures: real git repositories built with the git CLI in temporary folders."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config leaks in; every commit has a fixed identity."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text('[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Dana K")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "dana@acme.example")


class Repo:
    """A git repository in a temporary folder, driven through the real git CLI."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._clock = 1_767_225_600  # 2026-01-01T00:00:00Z, so SHAs are reproducible

    def git(self, *args: str, input: bytes | None = None) -> str:
        out = subprocess.run(
            ["git", "-C", str(self.path), *args], input=input, capture_output=True, check=True
        )
        return out.stdout.decode("utf-8", "replace").strip()

    def write(self, name: str | bytes, content: str | bytes) -> Path:
        path = os.path.join(os.fsencode(self.path), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content.encode() if isinstance(content, str) else content)
        return Path(os.fsdecode(path))

    def commit(
        self, message: str | bytes, files: dict[str, str | bytes] | None = None, tz: str = "+0000"
    ) -> str:
        """Write ``files``, stage everything and commit; returns the new commit's SHA."""
        for name, content in (files or {}).items():
            self.write(name, content)
        self.git("add", "-A")
        self._clock += 3600
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": f"{self._clock} {tz}",
            "GIT_COMMITTER_DATE": f"{self._clock} {tz}",
        }
        raw = message if isinstance(message, bytes) else message.encode()
        subprocess.run(
            ["git", "-C", str(self.path), "commit", "-q", "--allow-empty", "-F", "-"],
            input=raw,
            env=env,
            capture_output=True,
            check=True,
        )
        return self.git("rev-parse", "HEAD")

    def merge(self, branch: str, message: str) -> str:
        """Merge ``branch`` into the current branch with a merge commit (``--no-ff``), as a forge does."""
        self._clock += 3600
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": f"{self._clock} +0000",
            "GIT_COMMITTER_DATE": f"{self._clock} +0000",
        }
        subprocess.run(
            ["git", "-C", str(self.path), "merge", "-q", "--no-ff", "-m", message, branch],
            env=env,
            capture_output=True,
            check=True,
        )
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def make_repo(tmp_path: Path) -> Iterator[type[Repo]]:
    """Factory: ``make_repo(name)`` creates an empty repository under tmp_path."""

    def factory(name: str = "repo") -> Repo:
        path = tmp_path / name
        path.mkdir()
        subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
        return Repo(path)

    yield factory  # type: ignore[misc]


@pytest.fixture
def repo(make_repo) -> Repo:  # type: ignore[no-untyped-def]
    """A small product repository with a rename, a binary file, a branch and a tag."""
    r: Repo = make_repo()
    r.commit(
        "feat(api): add cart endpoint",
        {"api/cart.py": "def cart():\n    return []\n", "README.md": "# Acme\n"},
    )
    r.commit("feat(web): logo", {"web/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary"})
    r.git("tag", "-a", "v1.0.0", "-m", "release 1.0.0")
    r.git("mv", "api/cart.py", "api/basket.py")
    r.commit("refactor: rename cart to basket", {"api/basket.py": "def cart():\n    return []\n"})
    r.commit("fix(api): empty basket crash", {"api/basket.py": "def cart():\n    return list()\n\n# fixed\n"})
    return r
