"""The one YAML record reader (people.yaml, roadmap.yaml): values plus the line each item starts on, and
the typed readers every record module uses for one value (text, a list of text, a mapping).

Errors in hand-kept records must say where they are, so the file is composed once into nodes (whose marks
give line numbers) and its values are built from those nodes, with the limits of
:func:`cpto.workspace.markdown.load_yaml` (bounded aliases, real dates, bounded numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cpto.errors import CptoError
from cpto.workspace.markdown import load_yaml, read_text


@dataclass(frozen=True)
class YamlList:
    """The items of one top-level list key, each with the line it starts on, and the whole top level."""

    path: Path
    items: list[tuple[int, Any]]
    top: dict[str, Any] = field(default_factory=dict)
    # each top-level key as written (``yes``, not True) -> its line: for "unknown key" errors
    key_lines: dict[str, int] = field(default_factory=dict)


def read_yaml_list(path: Path, key: str) -> YamlList:
    """The list under top-level ``key`` of the YAML file ``path``; an absent or empty file has none."""
    return parse_yaml_list(read_text(path, "YAML"), path, key)


def parse_yaml_list(text: str, path: Path, key: str) -> YamlList:
    """As :func:`read_yaml_list`, from text already read (an old version of the file from git). A
    missing or null ``key`` has no items; anything else that is not a list (``{}``, ``0``, ``''``) is an
    error, as is a top-level key written twice."""
    data, root = load_yaml(text, path, "YAML")
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise CptoError(f"{path}:1: expected a mapping with a '{key}:' list")
    key_lines: dict[str, int] = {}
    for k, _ in root.value if isinstance(root, yaml.MappingNode) else []:
        name, line = str(k.value), int(k.start_mark.line) + 1
        if name in key_lines:
            raise CptoError(
                f"{path}:{line}: '{name}' is written twice (first at line {key_lines[name]}); keep one"
            )
        key_lines[name] = line
    values = data.get(key)
    values = [] if values is None else values
    if not isinstance(values, list):
        raise CptoError(f"{path}:{key_lines.get(key, 1)}: '{key}' must be a list")
    lines = _item_lines(root, key)
    return YamlList(path, list(zip(lines, values, strict=True)), data, key_lines)


def _item_lines(root: yaml.Node | None, key: str) -> list[int]:
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == key and isinstance(v, yaml.SequenceNode):
                return [int(item.start_mark.line) + 1 for item in v.value]
    return []


def text_value(value: Any, where: str, default: str = "") -> str:
    """A value that must be text (a handle, a title, a status); absent (``None``) is ``default``.

    YAML reads some unquoted words as other types, and turning them back into text would be silently
    wrong: ``owner: 0123`` is the number 83, ``status: no`` is false, ``at: 2026-11-02`` a date. Those
    are a one-line error, ``where: expected text, got 83 (a number): put it in quotes``.
    """
    if value is None:
        return default
    if isinstance(value, str):
        return value
    raise CptoError(f"{where}: expected text, got {_shown(value)}: put it in quotes")


def text_list(value: Any, where: str) -> list[str]:
    """A value that must be a list of text, like ``consulted: [li, sam]``; absent is ``[]``.

    One bare word (``consulted: li``) is a list of one, as a person writing it means. Anything else, a
    number, a mapping, or a list holding one, is a one-line error naming the first wrong item.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise CptoError(f"{where}: expected a list of text like [li, sam], got {_shown(value)}")
    for n, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise CptoError(f"{where}: item {n} should be text, got {_shown(item)}: put it in quotes")
    return value


def mapping_value(value: Any, where: str) -> dict[str, Any]:
    """A value that must be a mapping of text keys, like ``appeal: {by: sam, at: 2026-11-04}``; absent is ``{}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CptoError(
            f"{where}: expected keys and values like {{by: sam, reason: ...}}, got {_shown(value)}"
        )
    for key in value:
        if not isinstance(key, str):
            raise CptoError(f"{where}: key {_shown(key)} should be a word")
    return value


def _shown(value: Any) -> str:
    """A wrong value in an error: short, on one line, and what YAML read it as (cheap for a large one)."""
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return "a mapping (keys and values)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes, no, on and off as true/false)"
    if isinstance(value, date):
        return f"{value.isoformat()} (a date)"
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} (a number)" if isinstance(value, int | float) else text
