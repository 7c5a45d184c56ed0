"""The workspace: a folder with an optional cpto.toml naming its repositories and records."""

from cpto.workspace.config import WorkspaceConfig, load_workspace

__all__ = ["WorkspaceConfig", "load_workspace"]
