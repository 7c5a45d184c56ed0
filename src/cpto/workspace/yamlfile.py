"""The one YAML record reader (people.yaml, roadmap.yaml): values plus the line each item starts on.

Errors in hand-kept records must say where they are, so the file is read twice from the same text:
once for the values (``yaml.safe_load``) and once for the nodes, whose marks give line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cpto.errors import CptoError
from cpto.workspace.markdown import read_text, yaml_error


@dataclass(frozen=True)
class YamlList:
    """The items of one top-level list key, each with the line it starts on, and the whole top level."""

    path: Path
    items: list[tuple[int, Any]]
    top: dict[str, Any] = field(default_factory=dict)


def read_yaml_list(path: Path, key: str) -> YamlList:
    """The list under top-level ``key`` of the YAML file ``path``; an absent or empty file has none."""
    return parse_yaml_list(read_text(path, "YAML"), path, key)


def parse_yaml_list(text: str, path: Path, key: str) -> YamlList:
    """As :func:`read_yaml_list`, from text already read (an old version of the file from git)."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
        root = yaml.compose(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, "YAML") from None
    data = data or {}
    if not isinstance(data, dict):
        raise CptoError(f"{path}:1: expected a mapping with a '{key}:' list")
    values = data.get(key) or []
    if not isinstance(values, list):
        raise CptoError(f"{path}:{_key_line(root, key)}: '{key}' must be a list")
    lines = _item_lines(root, key)
    return YamlList(path, list(zip(lines, values, strict=True)), data)


def _key_line(root: yaml.Node | None, key: str) -> int:
    if isinstance(root, yaml.MappingNode):
        for k, _ in root.value:
            if k.value == key:
                return int(k.start_mark.line) + 1
    return 1


def _item_lines(root: yaml.Node | None, key: str) -> list[int]:
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == key and isinstance(v, yaml.SequenceNode):
                return [int(item.start_mark.line) + 1 for item in v.value]
    return []
