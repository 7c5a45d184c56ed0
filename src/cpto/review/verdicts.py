"""People close the loop on the product review: confirmed and rejected evidence, deferred and dropped work.

cpto links requirements to work by evidence it infers; people know better. Their word is kept beside
each PRD in a small YAML file (``docs/prd/checkout.md`` -> ``docs/prd/checkout.review.yaml``), one
entry per requirement id, each verdict one line with who said it, when, and why::

    CHK-1:
      confirmed:
        - {ref: 3f2a9c1d0e4b5a6978877665544332211ffeedd0, by: dana, at: 2026-11-03T16:00Z}
        - {ref: "#42", by: li, at: 2026-11-03T16:05Z, reason: "the pull request that shipped it"}
      rejected:
        - {ref: api/legacy_cart.py, by: li, at: 2026-11-04T09:00Z, reason: "shares words only"}
    CHK-4:
      deferred: {by: dana, at: 2026-11-05T10:00Z, reason: "after the payments migration"}

A ref is a commit (a SHA or a prefix of one), a pull request (``#N``) or a repository path. The review
reads it with :func:`apply_verdicts` (a confirmed ref is linked and explicit, a rejected one is gone for
good) and :func:`verdict_status` (deferred and dropped requirements). The writers change only the lines
of the verdicts they add or remove, check that the result reads back as intended, and write under the
folder lock with a temporary file and a rename (:mod:`cpto.workspace.edit`).
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from cpto.errors import CptoError
from cpto.fsutil import workspace_glob
from cpto.records.times import parse_time, stamp
from cpto.workspace.edit import create_file, update_file
from cpto.workspace.markdown import load_yaml, read_text, yaml_error

if TYPE_CHECKING:
    from cpto.review.prd import Prd, Requirement
    from cpto.review.trace import Link
    from cpto.workspace.config import WorkspaceConfig

SUFFIX = ".review.yaml"
CONFIRMED = "confirmed"
REJECTED = "rejected"
DEFERRED = "deferred"
DROPPED = "dropped"
LISTS = (CONFIRMED, REJECTED)
SAYINGS = (DEFERRED, DROPPED)
KEYS = (*LISTS, *SAYINGS)  # an entry's keys, in the order they are written
ITEM_KEYS = ("ref", "by", "at", "reason")
HEADER = (
    "# People's verdicts on the product review of {name}: one entry per requirement id (docs/workspace.md).\n"
    "# cpto review confirm|reject|defer|drop writes here; edit by hand as you like, cpto check validates it.\n"
)

_PR = re.compile(r"^#\d+$")
_SHA = re.compile(r"^[0-9a-fA-F]{4,40}$")
# A string written without quotes only when it cannot be read as anything else, in a block or a flow
_PLAIN = re.compile(r"^[A-Za-z0-9_./~+(][^\s,\[\]{}#&*!|>'\"%@`]*(?: [^\s,\[\]{}#&*!|>'\"%@`]+)*$")


# --------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """One person's word on a requirement: a ref confirmed or rejected, or a deferral or drop and why."""

    by: str
    at: datetime | None
    reason: str = ""
    ref: str = ""  # confirmed and rejected verdicts only
    line: int = 0

    @property
    def day(self) -> str:
        """The UTC day it was said (``2026-11-03``), or "" when the file does not say."""
        return self.at.astimezone(UTC).date().isoformat() if self.at else ""

    def said(self, verb: str) -> str:
        """``confirmed by dana on 2026-11-03``."""
        return f"{verb} by {self.by}" + (f" on {self.day}" if self.day else "")


@dataclass(frozen=True)
class RequirementVerdicts:
    """Everything people said about one requirement."""

    id: str
    line: int = 0
    confirmed: tuple[Verdict, ...] = ()
    rejected: tuple[Verdict, ...] = ()
    deferred: Verdict | None = None
    dropped: Verdict | None = None


@dataclass(frozen=True)
class Verdicts:
    """The verdicts file of one PRD, by requirement id (empty when the file does not exist)."""

    path: Path
    requirements: dict[str, RequirementVerdicts] = field(default_factory=dict)

    def get(self, requirement_id: str) -> RequirementVerdicts | None:
        return self.requirements.get(requirement_id)


def verdicts_path(prd_path: Path) -> Path:
    """Where a PRD's verdicts live: beside it, ``checkout.md`` -> ``checkout.review.yaml``."""
    return prd_path.with_name(prd_path.stem + SUFFIX)


def read_verdicts(prd_path: Path) -> Verdicts:
    """The verdicts on the requirements of the PRD at ``prd_path``; a missing file has none.

    A file that is not what docs/workspace.md describes is a :class:`CptoError` naming file:line.
    """
    path = verdicts_path(prd_path)
    if not path.exists() and not path.is_symlink():
        return Verdicts(path)
    return parse_verdicts(read_text(path, "verdicts"), path)


def parse_verdicts(text: str, path: Path) -> Verdicts:
    """As :func:`read_verdicts`, from text already read."""
    load_yaml(text, path, "verdicts file")  # the one YAML reader's limits first (alias bombs, dates, depth)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        out: dict[str, RequirementVerdicts] = {}
        if root is None or _is_null(root):
            return Verdicts(path)
        if not isinstance(root, yaml.MappingNode):
            raise CptoError(
                f"{_at(path, root)}: expected requirement ids as keys (CHK-1:) with their verdicts"
            )
        for key, value in _pairs(loader, root, path, "requirement"):
            rid = _string(loader, key, path, "a requirement id")
            out[rid] = _requirement(loader, path, rid, key, value)
        return Verdicts(path, out)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, "verdicts file") from None
    finally:
        loader.dispose()


def _requirement(
    loader: yaml.SafeLoader, path: Path, rid: str, key: yaml.Node, value: yaml.Node
) -> RequirementVerdicts:
    line = key.start_mark.line + 1
    if _is_null(value):
        return RequirementVerdicts(rid, line)
    if not isinstance(value, yaml.MappingNode):
        raise CptoError(f"{_at(path, value)}: {rid}: expected {', '.join(KEYS)} under it")
    found: dict[str, Any] = {}
    for k, v in _pairs(loader, value, path, f"{rid} key"):
        name = _string(loader, k, path, "a key")
        if name not in KEYS:
            raise CptoError(f"{_at(path, k)}: {rid}: unknown key '{name}' (expected {', '.join(KEYS)})")
        if name in LISTS:
            if _is_null(v):
                found[name] = ()
                continue
            if not isinstance(v, yaml.SequenceNode):
                raise CptoError(f"{_at(path, v)}: {rid} {name}: expected a list of {{ref, by, at, reason}}")
            found[name] = tuple(
                _verdict(loader, path, f"{rid} {name}", item, with_ref=True) for item in v.value
            )
        else:
            found[name] = _verdict(loader, path, f"{rid} {name}", v, with_ref=False)
    entry = RequirementVerdicts(rid, line, **found)
    if entry.deferred and entry.dropped:
        raise CptoError(f"{path}:{line}: {rid} is both deferred and dropped; keep one")
    for verdict in entry.confirmed:
        clash = next((r for r in entry.rejected if same_ref(r.ref, verdict.ref)), None)
        if clash is not None:
            raise CptoError(
                f"{path}:{clash.line}: {rid}: {clash.ref} is rejected and also confirmed (line {verdict.line});"
                " keep one"
            )
    return entry


def _verdict(loader: yaml.SafeLoader, path: Path, what: str, node: yaml.Node, *, with_ref: bool) -> Verdict:
    keys = ITEM_KEYS if with_ref else ITEM_KEYS[1:]
    if not isinstance(node, yaml.MappingNode):
        raise CptoError(f"{_at(path, node)}: {what}: expected {{{', '.join(keys)}}}")
    values: dict[str, Any] = {}
    for k, v in _pairs(loader, node, path, f"{what} key"):
        name = _string(loader, k, path, "a key")
        if name not in keys:
            raise CptoError(f"{_at(path, k)}: {what}: unknown key '{name}' (expected {', '.join(keys)})")
        values[name] = (v, loader.construct_object(v, deep=True) if isinstance(v, yaml.ScalarNode) else v)
    where = _at(path, node)
    for required in ("ref", "by") if with_ref else ("by", "reason"):
        if required not in values or values[required][1] in (None, ""):
            raise CptoError(f"{where}: {what}: '{required}' is missing")
    texts: dict[str, str] = {}
    for name in ("ref", "by", "reason"):
        if name in values:
            v_node, value = values[name]
            if not isinstance(value, str):
                shown = value if isinstance(v_node, yaml.ScalarNode) else "a list or mapping"
                raise CptoError(f"{_at(path, v_node)}: {what}: {name} {shown} is not text; put it in quotes")
            texts[name] = value
    at = parse_time(values["at"][1], f"{_at(path, values['at'][0])}: {what}") if "at" in values else None
    ref = texts.get("ref", "")
    if with_ref and ("\n" in ref or ref != ref.strip()):
        raise CptoError(f"{where}: {what}: ref {ref!r} is not a commit, #N or a path")
    return Verdict(
        by=texts["by"], at=at, reason=texts.get("reason", ""), ref=ref, line=node.start_mark.line + 1
    )


def _pairs(
    loader: yaml.SafeLoader, node: yaml.MappingNode, path: Path, what: str
) -> Iterable[tuple[yaml.Node, yaml.Node]]:
    """A mapping's pairs; a key given twice is an error naming both lines (YAML would keep the last)."""
    seen: dict[Any, int] = {}
    for key, value in node.value:
        name = loader.construct_object(key) if isinstance(key, yaml.ScalarNode) else id(key)
        if name in seen:
            raise CptoError(f"{_at(path, key)}: duplicate {what} '{name}' (first at line {seen[name]})")
        seen[name] = key.start_mark.line + 1
        yield key, value


def _string(loader: yaml.SafeLoader, node: yaml.Node, path: Path, what: str) -> str:
    value = loader.construct_object(node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, str) or not value.strip():
        raise CptoError(f"{_at(path, node)}: expected {what} as text")
    return value


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _at(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


# --------------------------------------------------------------------------------------------------
# What the review does with them
# --------------------------------------------------------------------------------------------------


def ref_kind(ref: str) -> str:
    """``pr`` for ``#N``, ``commit`` for 4 to 40 hex digits, else ``file`` (a repository path)."""
    if _PR.match(ref):
        return "pr"
    return "commit" if _SHA.match(ref) else "file"


def same_ref(a: str, b: str) -> bool:
    """Whether two refs name the same thing: a SHA and its prefix, equal ``#N``, equal paths."""
    if _SHA.match(a) and _SHA.match(b):
        x, y = a.lower(), b.lower()
        return x.startswith(y) or y.startswith(x)
    if _PR.match(a) or _PR.match(b):
        return a == b
    return _path(a) == _path(b)


def _matches(ref: str, link: Link) -> bool:
    if link.kind == "commit":
        return bool(_SHA.match(ref)) and same_ref(ref, link.ref)
    if link.kind == "pr":
        return ref == link.ref
    return _path(ref) == _path(link.ref)  # a file named like a SHA is still that file


def _path(ref: str) -> str:
    return PurePosixPath(ref.replace("\\", "/")).as_posix().removeprefix("./")


def apply_verdicts(links: list[Link], requirement_id: str, verdicts: Verdicts) -> list[Link]:
    """``links`` as people said: confirmed refs linked and explicit, rejected refs gone.

    A confirmed link keeps its score and reads ``confirmed by <who> on <date>``; a confirmed ref that is
    not among the candidates is added with score 1.0. A rejected ref is removed, however it scores.
    """
    from cpto.review.trace import Link  # here: trace.py calls this module, so no import cycle at load

    entry = verdicts.get(requirement_id)
    if entry is None:
        return list(links)
    out = []
    for link in links:
        if any(_matches(v.ref, link) for v in entry.rejected):
            continue
        confirmed = next((v for v in entry.confirmed if _matches(v.ref, link)), None)
        if confirmed is not None:
            link = replace(link, linked=True, explicit=True, why=confirmed.said("confirmed"))
        out.append(link)
    for verdict in entry.confirmed:
        if not any(_matches(verdict.ref, link) for link in links):
            out.append(Link(ref_kind(verdict.ref), verdict.ref, 1.0, True, True, verdict.said("confirmed")))
    return out


def verdict_status(requirement_id: str, verdicts: Verdicts) -> tuple[str, str] | None:
    """``(DEFERRED, "deferred by dana on 2026-11-05: after the migration")``, the same for DROPPED, or None."""
    from cpto.review import trace

    entry = verdicts.get(requirement_id)
    if entry is None:
        return None
    for status, verdict in ((trace.DROPPED, entry.dropped), (trace.DEFERRED, entry.deferred)):
        if verdict is not None:
            reason = " ".join(verdict.reason.split())
            return status, verdict.said(status) + (f": {reason}" if reason else "")
    return None


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def confirm_edit(requirement_id: str, ref: str, by: str, at: datetime, reason: str = "") -> Edit:
    """The edit that confirms ``ref`` as evidence for the requirement (and takes back a rejection)."""
    return _ref_edit(requirement_id, CONFIRMED, REJECTED, _item(ref, by, at, reason))


def reject_edit(requirement_id: str, ref: str, by: str, at: datetime, reason: str = "") -> Edit:
    """The edit that rejects ``ref`` for good (and takes back a confirmation)."""
    return _ref_edit(requirement_id, REJECTED, CONFIRMED, _item(ref, by, at, reason))


def defer_edit(requirement_id: str, by: str, at: datetime, reason: str) -> Edit:
    """The edit that defers the requirement (later), replacing an earlier deferral or drop."""
    return _saying_edit(requirement_id, DEFERRED, DROPPED, by, at, reason)


def drop_edit(requirement_id: str, by: str, at: datetime, reason: str) -> Edit:
    """The edit that drops the requirement (won't do), replacing an earlier deferral or drop."""
    return _saying_edit(requirement_id, DROPPED, DEFERRED, by, at, reason)


Edit = Callable[[str, Path], str]  # (current text, the file) -> new text


def write_verdicts(prd_path: Path, edit: Edit, *, root: Path, commit: str | None = None) -> bool:
    """Apply ``edit`` to the PRD's verdicts file under the folder lock and write it atomically; True
    when something changed. ``commit`` (a message) records that file alone in git.

    The file (through any symbolic link) must lie inside the workspace ``root``: a verdicts file that
    links elsewhere is refused and nothing is written.
    """
    path = verdicts_path(prd_path)
    real, inside = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    if not real.is_relative_to(inside):
        raise CptoError(f"{path}: links to {real}, outside the workspace {inside}; nothing was written")
    header = HEADER.format(name=prd_path.name)
    changed = False

    def change(text: str) -> str:
        nonlocal changed
        new = edit(text, path)
        changed = new != text
        return new

    def make() -> tuple[Path, str]:
        if path.exists() or path.is_symlink():
            raise _Exists  # another writer created it a moment ago: edit theirs instead
        return path, change(header)

    if not path.exists() and not path.is_symlink():
        try:
            create_file(path.parent, make, commit=(lambda _: commit) if commit else None)
            return changed
        except _Exists:
            pass
    update_file(path, lambda text: change(text or header), commit=commit)
    return changed


class _Exists(Exception):
    """The verdicts file appeared between the check and the folder lock."""


def _item(ref: str, by: str, at: datetime, reason: str) -> dict[str, Any]:
    if not ref or ref != ref.strip() or "\n" in ref:
        raise CptoError(f"{ref!r}: not a commit, a pull request (#N) or a path")
    item: dict[str, Any] = {"ref": ref, "by": by, "at": stamp(at)}
    if reason.strip():
        item["reason"] = reason
    return item


def _ref_edit(rid: str, key: str, other: str, item: dict[str, Any]) -> Edit:
    def update(entry: dict[str, Any]) -> dict[str, Any]:
        entry[other] = [i for i in entry.get(other) or [] if not same_ref(str(i.get("ref")), item["ref"])]
        if not any(same_ref(str(i.get("ref")), item["ref"]) for i in entry.get(key) or []):
            entry[key] = [*(entry.get(key) or []), item]
        return entry

    return lambda text, path: edit_verdicts(text, path, rid, update)


def _saying_edit(rid: str, key: str, other: str, by: str, at: datetime, reason: str) -> Edit:
    if not reason.strip():
        raise CptoError(f"--reason: say why {rid} is {key}")

    def update(entry: dict[str, Any]) -> dict[str, Any]:
        entry.pop(other, None)
        entry[key] = {"by": by, "at": stamp(at), "reason": reason}
        return entry

    return lambda text, path: edit_verdicts(text, path, rid, update)


def edit_verdicts(text: str, path: Path, rid: str, update: Callable[[dict[str, Any]], dict[str, Any]]) -> str:
    """Change the entry of ``rid`` in a verdicts file's text with ``update`` (old entry in, new out).

    Only the lines of verdicts added, removed or replaced change; an entry laid out in a way these
    edits do not follow is rewritten in the usual layout (that entry alone). The result must parse back
    to exactly the intended data, or the change is refused and nothing is written.
    """
    parse_verdicts(text, path)  # a broken file is reported as it is, not edited
    data = yaml.safe_load(text) or {}
    old = _entry(data.get(rid))
    new = _entry(update(copy.deepcopy(old)))
    if new == old:
        return text
    result = _rewrite(text, rid, old, new)
    expected = {**data, rid: new}
    try:
        ok = result is not None and _normal(yaml.safe_load(result)) == _normal(expected)
        if result is not None:
            parse_verdicts(result, path)
    except (CptoError, yaml.YAMLError):
        ok = False
    if not ok or result is None:
        raise CptoError(
            f"{path}: could not record the verdict on {rid} without reformatting the file; nothing was"
            " written (tidy the entry by hand)"
        )
    return result


def _normal(data: Any) -> dict[str, dict[str, Any]]:
    """A whole file as data, entries without empty keys and empty entries left out."""
    return {str(k): e for k, v in (data or {}).items() if (e := _entry(v))}


def _entry(value: Any) -> dict[str, Any]:
    """An entry as data, without empty lists (a key with nothing under it is not written)."""
    if not isinstance(value, dict):
        return {}
    return {k: value[k] for k in KEYS if value.get(k) not in (None, [], {})}


class _Change(NamedTuple):
    start: int  # first line replaced
    stop: int  # line after the last one replaced (== start: an insertion)
    lines: list[str]


def _rewrite(text: str, rid: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The text with ``rid``'s entry turned from ``old`` into ``new``, or None when it cannot be done
    line by line (the entry's key does not start its line)."""
    nl = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    pair = _find(yaml.compose(text), rid)
    if pair is None:
        return "".join([*lines, *_render_entry(rid, new, nl)])
    key, value = pair
    entry_span = _span(lines, key, value, prefix="")
    if entry_span is None:
        return None
    changes = _changes(lines, value, old, new, nl) if new else [_Change(*entry_span, [])]
    if changes is None:  # a layout the line edits do not follow: this entry alone is rewritten
        changes = [_Change(*entry_span, _render_entry(rid, new, nl))]
    for change in sorted(changes, key=lambda c: (c.start, c.stop), reverse=True):
        lines[change.start : change.stop] = change.lines
    return "".join(lines)


def _changes(
    lines: list[str], value: yaml.Node, old: dict[str, Any], new: dict[str, Any], nl: str
) -> list[_Change] | None:
    """Line edits turning ``old`` into ``new`` inside a block-mapping entry, or None to rewrite it."""
    if not isinstance(value, yaml.MappingNode) or value.flow_style or not value.value:
        return None
    indent = " " * value.value[0][0].start_mark.column
    nodes = {str(k.value): (k, v) for k, v in value.value}
    last_stop = max(s[1] for s in (_span(lines, k, v, prefix="") for k, v in value.value) if s)
    changes: list[_Change] = []
    for name in KEYS:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name not in nodes:  # a new key goes last
            changes.append(_Change(last_stop, last_stop, _render_key(name, after, indent, nl)))
            continue
        k, v = nodes[name]
        span = _span(lines, k, v, prefix="")
        if span is None:
            return None
        if after is None:
            changes.append(_Change(*span, []))
        elif name in LISTS and isinstance(v, yaml.SequenceNode) and not v.flow_style and v.value:
            edits = _list_changes(lines, v, before or [], after, nl)
            if edits is None:
                return None
            changes += edits
        else:
            changes.append(_Change(*span, _render_key(name, after, indent, nl)))
    return changes


def _list_changes(
    lines: list[str], seq: yaml.SequenceNode, before: list[Any], after: list[Any], nl: str
) -> list[_Change] | None:
    """Items removed where they are and new ones appended after the last, each on its own line."""
    kept = [item for item in before if item in after]
    if after[: len(kept)] != kept:
        return None
    spans = [_span(lines, node, node, prefix="-") for node in seq.value]
    if any(s is None for s in spans) or len(spans) != len(before):
        return None
    changes = [_Change(*s, []) for s, item in zip(spans, before, strict=True) if s and item not in after]
    added = after[len(kept) :]
    if added:
        first = lines[seq.value[0].start_mark.line]
        dash = " " * (len(first) - len(first.lstrip(" ")))
        stop = max(s[1] for s in spans if s)
        changes.append(_Change(stop, stop, [f"{dash}- {_flow(item)}{nl}" for item in added]))
    return changes


def _find(root: yaml.Node | None, rid: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    loader = yaml.SafeLoader("")
    try:
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and loader.construct_object(key) == rid:
                return key, value
    finally:
        loader.dispose()
    return None


def _span(lines: list[str], first: yaml.Node, last: yaml.Node, *, prefix: str) -> tuple[int, int] | None:
    """The lines from ``first``'s to ``last``'s, when nothing but ``prefix`` precedes ``first`` on its line
    and nothing but a comment follows ``last`` on its own; trailing blank and comment lines stay out."""
    start = first.start_mark.line
    if lines[start][: first.start_mark.column].strip() != prefix:
        return None
    end = last.end_mark
    if end.line >= len(lines) or not lines[end.line][: end.column].strip():
        stop = end.line  # a block ends where the next token starts
    else:
        rest = lines[end.line][end.column :].strip()
        if rest and not rest.startswith("#"):
            return None
        stop = end.line + 1
    while stop > start + 1 and (not lines[stop - 1].strip() or lines[stop - 1].lstrip().startswith("#")):
        stop -= 1
    return start, stop


def _render_entry(rid: str, entry: dict[str, Any], nl: str) -> list[str]:
    out = [f"{_scalar(rid)}:{nl}"]
    for name in KEYS:
        if name in entry:
            out += _render_key(name, entry[name], "  ", nl)
    return out


def _render_key(name: str, value: Any, indent: str, nl: str) -> list[str]:
    if name in LISTS:
        return [f"{indent}{name}:{nl}", *(f"{indent}  - {_flow(item)}{nl}" for item in value)]
    return [f"{indent}{name}: {_flow(value)}{nl}"]


def _flow(item: Any) -> str:
    """One verdict on one line: ``{ref: ..., by: ..., at: ..., reason: ...}``."""
    if not isinstance(item, dict):
        return _scalar(item)
    return "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in item.items()) + "}"


def _scalar(value: Any) -> str:
    """A value as YAML on one line: plain when it reads back as itself anywhere, else double-quoted
    (which escapes line breaks and every other character YAML would trip on)."""
    if isinstance(value, str):
        if _PLAIN.match(value) and not value.endswith(":") and ": " not in value and _reads_back(value):
            return value
        return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**9).rstrip("\n")
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.strip().removesuffix("...").strip()


def _reads_back(value: str) -> bool:
    try:
        loaded = yaml.safe_load(f"{value}: [{value}, {{k: {value}}}]")
    except yaml.YAMLError:
        return False
    return bool(loaded == {value: [value, {"k": value}]})


# --------------------------------------------------------------------------------------------------
# Finding the requirement and the ref a command names
# --------------------------------------------------------------------------------------------------


def find_requirement(prds: Sequence[Prd], wanted: str, where: str) -> tuple[Prd, Requirement]:
    """The PRD and requirement whose id is ``wanted`` (exactly, else ignoring case).

    An id in several PRDs, or in none, is an error; none lists the nearest ids.
    """
    every = [(prd, r) for prd in prds for r in prd.requirements]
    found = [(p, r) for p, r in every if r.id == wanted] or [
        (p, r) for p, r in every if r.id.casefold() == wanted.strip().casefold()
    ]
    if len({id(p) for p, _ in found}) > 1:
        places = ", ".join(str(p.path) for p, _ in found)
        raise CptoError(f"{where}: {wanted} is a requirement of {places}; name one with --prd")
    if found:
        return found[0]
    ids = sorted({r.id for _, r in every})
    if not ids:
        raise CptoError(f"{where}: no requirements found, so nothing to give a verdict on")
    return_ids = near(wanted, ids)
    hint = f"; nearest: {', '.join(return_ids)}" if return_ids else f"; ids look like {', '.join(ids[:3])}"
    raise CptoError(f"{where}: no requirement '{wanted}' among the {len(ids)} of its PRDs{hint}")


def near(wanted: str, ids: Sequence[str], n: int = 5) -> list[str]:
    """The ids closest to ``wanted`` (case-insensitive), best first; equally close ones in id order."""
    scored = []
    for rid in ids:
        ratio = difflib.SequenceMatcher(None, wanted.casefold(), rid.casefold()).ratio()
        if ratio >= 0.5:
            scored.append((-ratio, rid))
    return [rid for _, rid in sorted(scored)[:n]]


def resolve_ref(ref: str, repos: Sequence[Path], cwd: Path | None = None) -> str:
    """The ref as stored: ``#N``; the full SHA of a commit in one of ``repos``; or a file's path inside
    its repository (given relative to ``cwd`` or to a repository's top). Anything else is an error."""
    from cpto.history.git import has_pull_request, resolve_commit

    ref = ref.strip()
    if _PR.match(ref):
        if any(has_pull_request(repo, int(ref[1:])) for repo in repos):
            return ref
        names = ", ".join(str(r) for r in repos) or "the workspace"
        raise CptoError(
            f"{ref}: no pull request {ref} in {names} (a merge 'Merge pull request {ref}' or '({ref})')"
        )
    if _SHA.match(ref):
        for repo in repos:
            sha = resolve_commit(repo, ref)
            if sha is not None:
                return sha
    for repo in repos:
        top = Path(os.path.realpath(repo))
        for candidate in (cwd / ref if cwd else None, top / ref):
            if candidate is None or not candidate.is_file():
                continue
            real = Path(os.path.realpath(candidate))
            if real.is_relative_to(top) and real.relative_to(top).parts[0] != ".git":
                return real.relative_to(top).as_posix()
    names = ", ".join(str(r) for r in repos) or "the workspace"
    raise CptoError(f"{ref}: not a commit of {names}, a pull request (#N) or a file in it")


# --------------------------------------------------------------------------------------------------
# cpto check
# --------------------------------------------------------------------------------------------------


class Finding(NamedTuple):
    level: str  # error | warning
    where: str
    message: str


def check_verdicts(config: WorkspaceConfig, prds: Sequence[Prd]) -> tuple[int, list[Finding]]:
    """Every verdicts file beside the workspace's PRDs: how many were read, and what is wrong with them.

    Errors: a file that does not read, a requirement id the PRD does not have, a commit that is not in
    any of the workspace's repositories. Warnings: a path that is no file at HEAD or in the working
    tree, a verdicts file with no PRD beside it, one that links outside the workspace.
    """
    from cpto.history.git import has_pull_request, resolve_commit, run_git

    findings: list[Finding] = []
    read = 0
    own = {os.path.realpath(verdicts_path(p.path)) for p in prds}  # realpath: a link loop is no error
    for folder in sorted({p.path.parent for p in prds}):
        found = workspace_glob(folder, f"*{SUFFIX}", root=config.root)
        findings += [Finding("warning", s.path, s.reason) for s in found.skipped]
        for stray in found:
            if os.path.realpath(stray) not in own:
                findings.append(
                    Finding("warning", str(stray), "no PRD beside it (it was renamed or removed?)")
                )
    root = Path(os.path.realpath(config.root))
    for prd in prds:
        path = verdicts_path(prd.path)
        if not path.exists():
            continue
        read += 1
        if not Path(os.path.realpath(path)).is_relative_to(root):
            findings.append(
                Finding("warning", str(path), "links outside the workspace; cpto will not write it")
            )
        try:
            verdicts = read_verdicts(prd.path)
        except CptoError as exc:
            where, _, problem = exc.message.partition(": ")
            findings.append(
                Finding("error", where, problem) if problem else Finding("error", str(path), where)
            )
            continue
        ids = [r.id for r in prd.requirements]
        for rid, entry in verdicts.requirements.items():
            if rid not in ids:
                close = near(rid, ids, 3)
                hint = f"; nearest: {', '.join(close)}" if close else ""
                findings.append(
                    Finding(
                        "error", f"{path}:{entry.line}", f"no requirement '{rid}' in {prd.path.name}{hint}"
                    )
                )
            for verdict in (*entry.confirmed, *entry.rejected):
                where = f"{path}:{verdict.line}"
                kind = ref_kind(verdict.ref)
                if kind == "commit" and not any(resolve_commit(r, verdict.ref) for r in config.repos):
                    if not _is_file(verdict.ref, config.repos, run_git):
                        findings.append(
                            Finding("error", where, f"{rid}: {verdict.ref} is not a commit in the repository")
                        )
                elif kind == "pr" and not any(
                    has_pull_request(r, int(verdict.ref[1:])) for r in config.repos
                ):
                    findings.append(
                        Finding("error", where, f"{rid}: no pull request {verdict.ref} in the repository")
                    )
                elif kind == "file" and not _is_file(verdict.ref, config.repos, run_git):
                    findings.append(
                        Finding("warning", where, f"{rid}: {verdict.ref} is not a file in the repository")
                    )
    return read, findings


def _is_file(ref: str, repos: Sequence[Path], run_git: Callable[..., bytes]) -> bool:
    """Whether ``ref`` is a file (or folder) of a repository's working tree or of its HEAD."""
    for repo in repos:
        if (repo / ref).exists():
            return True
        if run_git(repo, "ls-tree", "--name-only", "HEAD", "--", _path(ref), check=False).strip():
            return True
    return False


def who_says(config: WorkspaceConfig, by: str | None) -> str:
    """Who gives a verdict: ``by`` (checked against people.yaml), else the git identity of whoever runs
    cpto (the command line, or the forum's server)."""
    from cpto.history.git import run_git
    from cpto.records.people import workspace_people

    people = workspace_people(config)
    if by is not None:
        if not by.strip():
            raise CptoError("--by: say who, with a handle")
        people.require(by, "--by")
        return by
    ident = run_git(config.root, "var", "GIT_AUTHOR_IDENT", check=False).decode("utf-8", "replace")
    name, _, rest = ident.partition(" <")
    email = rest.partition(">")[0]
    handle = people.identify(email, name.strip()) if ident else None
    if handle:
        return handle
    if people.people:
        me = f"your git identity {name.strip()} <{email}>" if ident else "you have no git identity and"
        raise CptoError(
            f"{people.path}: {me} is nobody in it; add the email to your entry or use --by HANDLE"
        )
    if not name.strip():
        raise CptoError("no git identity (git config user.name) to say who this is; use --by")
    return name.strip()
