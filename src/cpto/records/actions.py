"""Action items: the ``- [ ]`` lines of incident and decision records, the follow-up work they promise.

A postmortem's action items and a decision's follow-ups are work someone agreed to do; kept as
checkboxes in the record, they are easy to write and easy to forget. Reading them back as one list of
open work (who owns what, from which record, at which line) is what keeps them from being forgotten.

The convention, as the records write it::

    - [ ] Canary deploys for the API (jordan)      <- open, owned by jordan
    - [x] 5xx alarm per endpoint (jordan)          <- done
    - [ ] @marco to merge duplicate customers      <- an @handle anywhere names the owner too

Checkbox lines inside fenced code blocks are examples, not action items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cpto.records.decisions import Decision, decisions_folder, read_decisions
from cpto.records.ids import Section, no_records, record_files
from cpto.records.incidents import Incident, incidents_folder, read_incidents
from cpto.workspace.config import WorkspaceConfig

_CHECKBOX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*?)\s*$")
_TRAILING_OWNER = re.compile(r"\s*\(\s*@?([A-Za-z0-9][A-Za-z0-9._-]*)\s*\)\s*$")
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z0-9])")


@dataclass(frozen=True)
class ActionItem:
    """One checkbox line of a record: what is to be done, by whom, and where it is written."""

    text: str  # without the checkbox and the trailing (owner)
    owner: str  # the handle, "" when the line names nobody
    done: bool
    kind: str  # incident | decision
    record: str  # the record's id (INC-3, D-0006)
    title: str  # the record's title
    path: Path
    line: int
    section: str  # the heading it sits under (Action items, Decision Outcome / Consequences)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def parse_item(line: str) -> tuple[bool, str, str] | None:
    """``(done, text, owner)`` of a checkbox line, or None when the line is not one.

    The owner is a trailing ``(handle)`` or, failing that, the first ``@handle`` in the text.
    """
    m = _CHECKBOX.match(line)
    if m is None:
        return None
    done, text = m.group(1) != " ", m.group(2)
    owner = ""
    if trailing := _TRAILING_OWNER.search(text):
        owner, text = trailing.group(1), text[: trailing.start()]
    elif mention := _MENTION.search(text):
        owner = mention.group(1)
    return done, text.strip(), owner.lower()


def record_action_items(
    kind: str, record: str, title: str, path: Path, sections: Sequence[Section]
) -> list[ActionItem]:
    """Every checkbox line of one record, in document order."""
    out = []
    for section in sections:
        for ln in section.lines:
            parsed = None if ln.code else parse_item(ln.text)
            if parsed is not None:
                done, text, owner = parsed
                out.append(ActionItem(text, owner, done, kind, record, title, path, ln.number, section.trail))
    return out


def action_items(config: WorkspaceConfig) -> list[ActionItem]:
    """Every action item of the workspace's incidents and decisions (open and done), incidents first.

    Reads the records with their own readers, so a broken record is the same one-line error as in
    ``cpto incident list`` or ``cpto decision list``.
    """
    incidents = read_incidents(incidents_folder(config), config.severities)
    return items_of(incidents, read_decisions(decisions_folder(config)))


def items_of(incidents: Sequence[Incident], decisions: Sequence[Decision]) -> list[ActionItem]:
    """The action items of records already read (open and done), incidents first."""
    items = []
    for i in incidents:
        items += record_action_items("incident", i.id, i.title, i.path, i.sections)
    for d in decisions:
        items += record_action_items("decision", d.id, d.title, d.path, d.sections)
    return items


def open_action_items(config: WorkspaceConfig) -> list[ActionItem]:
    """The action items not yet ticked: open work the workspace's records promise."""
    return [item for item in action_items(config) if not item.done]


@dataclass(frozen=True)
class ActionList:
    """The action items of a workspace, with what was read to find them: ``records`` incident and
    decision files, and ``missing``, why a folder gave none (so no items reads as unknown, not zero)."""

    items: list[ActionItem]
    records: int
    missing: list[str]


def workspace_actions(config: WorkspaceConfig, owner: str | None = None) -> ActionList:
    """Every action item of the workspace (``owner``'s alone when given: a handle, ``@`` optional)."""
    folders = {"incident": incidents_folder(config), "decision": decisions_folder(config)}
    files = {kind: record_files(folder) for kind, folder in folders.items()}
    items = action_items(config)
    if owner:
        items = [a for a in items if a.owner == owner.strip().lstrip("@").lower()]
    return ActionList(
        items,
        sum(len(f) for f in files.values()),
        [no_records(folders[kind], kind) for kind, f in files.items() if not f],
    )
