"""Read cpto.toml, filling every missing setting with its documented default.

Everything in cpto.toml is optional, so a plain git repository is already a workspace.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpto.errors import CptoError

CONFIG_NAME = "cpto.toml"
DEFAULT_PRD_GLOBS = ("docs/prd/**/*.md", "prds/**/*.md")


@dataclass(frozen=True)
class WorkspaceConfig:
    """The settings of one workspace, with paths resolved against its root."""

    root: Path
    name: str
    repos: list[Path]
    prds: list[str] = field(default_factory=lambda: list(DEFAULT_PRD_GLOBS))
    decisions: Path | None = None
    incidents: Path | None = None
    roadmap: Path | None = None
    people: Path | None = None
    deploy_tags: str = "v*"
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def record_paths(self) -> list[Path]:
        """The leadership records (not work): decisions, incidents, roadmap and people files."""
        return [p for p in (self.decisions, self.incidents, self.roadmap, self.people) if p is not None]

    @property
    def index_path(self) -> Path:
        """Where the embedded history index lives: a cache that can always be rebuilt."""
        return self.root / ".cpto" / "index.duckdb"


def load_workspace(root: Path) -> WorkspaceConfig:
    """Load the workspace at ``root``; a missing cpto.toml means all defaults."""
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise CptoError(f"{root}: workspace folder does not exist")
    raw = _read_toml(root / CONFIG_NAME)
    section = raw.get("workspace", {})
    repos = [(root / str(p)).resolve() for p in section.get("repos", ["."])]
    return WorkspaceConfig(
        root=root,
        name=str(section.get("name", root.name)),
        repos=repos,
        prds=[str(g) for g in section.get("prds", DEFAULT_PRD_GLOBS)],
        decisions=root / str(section.get("decisions", "decisions")),
        incidents=root / str(section.get("incidents", "incidents")),
        roadmap=root / str(section.get("roadmap", "roadmap.yaml")),
        people=root / str(section.get("people", "people.yaml")),
        deploy_tags=str(raw.get("deploys", {}).get("tags", "v*")),
        raw=raw,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax and encoding errors into a one-line CptoError."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CptoError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CptoError(f"{path}: invalid TOML: {exc}") from None
